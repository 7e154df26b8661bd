/**
 * The P1 head-end: telegrams from a gateway (or any other source of frames) → the ingest pipeline.
 *
 * Per telegram: decrypt (Smarty frames), parse with the CRC required, map to the canonical model
 * (telegrams without a date-time are stamped with their receive time), register the meter and
 * channels the first time they appear, submit registers and power-failure events. A damaged
 * telegram is counted and skipped, never stored: the next one comes a second later. The loop ends
 * when the source does (the TCP client ends on its AbortSignal).
 */
import type { Channel, Meter } from '../model/index.ts';
import { isMeterstackError } from '../model/errors.ts';
import type { DecodedMessage, IngestResult } from '../ingest/ingest.port.ts';
import { decryptFrame, DsmrError, parseTelegram, toCanonical, type FrameKeys } from '../protocols/dsmr/index.ts';
import { p1TcpFrames, type P1Frame, type P1Status, type P1TcpOptions } from '../protocols/dsmr/transport-tcp.ts';

export interface P1IngestOptions {
  /** Source label for receipts and rejects, e.g. `p1:gateway:2001`. */
  readonly source: string;
  readonly ingest: { submitDecoded(msg: DecodedMessage & { readonly actor: string }): Promise<IngestResult> };
  /** Registers meters and channels not known yet (MetersService.registerNew). */
  readonly registerNew: (meters: readonly Meter[], channels: readonly Channel[]) => Promise<unknown>;
  readonly meterId?: string;
  readonly zone?: string;
  readonly keys?: FrameKeys;
  /** Called after each telegram, stored or refused. */
  readonly onTelegram?: (r: P1TelegramResult) => void;
}

export type P1TelegramResult =
  | { readonly ok: true; readonly meterId: string; readonly at: number; readonly registers: number; readonly events: number; readonly rejected: number }
  | { readonly ok: false; readonly code: string; readonly reason: string };

export interface P1Stats {
  telegrams: number;
  stored: number;
  refused: number;
  readings: number;
}

export async function ingestP1Frames(frames: AsyncIterable<P1Frame>, opts: P1IngestOptions): Promise<P1Stats> {
  const stats: P1Stats = { telegrams: 0, stored: 0, refused: 0, readings: 0 };
  const known = new Set<string>();
  for await (const frame of frames) {
    stats.telegrams++;
    try {
      const r = await ingestOne(frame, opts, known);
      stats.stored++;
      stats.readings += r.registers + r.events - r.rejected;
      opts.onTelegram?.(r);
    } catch (err) {
      if (!isMeterstackError(err)) throw err;
      stats.refused++;
      opts.onTelegram?.({ ok: false, code: err.code, reason: err.message });
    }
  }
  return stats;
}

async function ingestOne(frame: P1Frame, opts: P1IngestOptions, known: Set<string>): Promise<Extract<P1TelegramResult, { ok: true }>> {
  let bytes = frame.bytes;
  if (frame.kind === 'encrypted') {
    if (opts.keys === undefined) throw new DsmrError('DSMR_KEY_REQUIRED', 'an encrypted (0xDB) frame arrived and no key was given');
    bytes = decryptFrame(frame.bytes, opts.keys).plaintext;
  }
  const t = parseTelegram(bytes, { requireValidCrc: true, ...(opts.zone ? { zone: opts.zone } : {}) });
  const c = toCanonical(t, { receivedAt: frame.receivedAt, ...(opts.meterId ? { meterId: opts.meterId } : {}) });
  const fresh = c.channels.filter((ch) => !known.has(`${ch.meterId}\u0000${ch.obis}`));
  if (!known.has(c.meter.id) || fresh.length > 0) {
    await opts.registerNew(known.has(c.meter.id) ? [] : [c.meter], fresh);
    known.add(c.meter.id);
    for (const ch of fresh) known.add(`${ch.meterId}\u0000${ch.obis}`);
  }
  const result = await opts.ingest.submitDecoded({
    source: opts.source, actor: 'p1', bytes: frame.bytes, series: [], registers: c.registers, events: c.events, receivedAt: frame.receivedAt,
  });
  return { ok: true, meterId: c.meter.id, at: t.timestamp ?? frame.receivedAt, registers: c.registers.length, events: c.events.length, rejected: result.rejected.length };
}

export interface P1ListenOptions extends Omit<P1IngestOptions, 'source'> {
  readonly host: string;
  readonly port: number;
  readonly signal: AbortSignal;
  readonly onStatus?: (s: P1Status) => void;
  readonly tcp?: Pick<P1TcpOptions, 'backoff' | 'idleTimeoutMs' | 'connectTimeoutMs'>;
}

/** Reads a ser2net-style gateway until `signal` aborts, storing every good telegram. */
export function listenP1(opts: P1ListenOptions): Promise<P1Stats> {
  const frames = p1TcpFrames({
    host: opts.host, port: opts.port, signal: opts.signal, ...opts.tcp, ...(opts.onStatus ? { onStatus: opts.onStatus } : {}),
  });
  return ingestP1Frames(frames, { ...opts, source: `p1:${opts.host}:${opts.port}` });
}
