import type { IntervalSeries } from '../model/reading.ts';
import type { EpochSeconds } from '../model/time.ts';
import type { IngestUnit, Receipt } from '../store/store.port.ts';
import { ERROR_CODES, type ErrorCode } from '../model/errors.ts';
import type { DecodedMessage, ItemRejection, MessageRejection, RawMessage } from './ingest.port.ts';
import { jsonText, rejectRows, seriesText, toRejections } from './rejects.ts';
import { type CheckContext, type ItemFault, fault } from './stages/checks.ts';
import { checkDecoded } from './stages/decoded.ts';
import { dedupe } from './stages/dedupe.ts';
import { receiptForBytes, receiptForContent } from './stages/integrity.ts';
import { normalize } from './stages/normalize.ts';
import { type SeriesStage, runStages } from './stages/stage.ts';

/** One message run through every stage up to the store: what to commit and what to answer. */
export interface Prepared {
  readonly unit: IngestUnit;
  readonly accepted: number;
  readonly readings: number;
  readonly rejected: ItemRejection[];
}

export interface PrepareEnv {
  readonly check: CheckContext;
  readonly stages: readonly SeriesStage[];
}

export type ParsedBody = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly why: string };

export function parseBody(msg: RawMessage): ParsedBody {
  if (msg.body !== undefined) return { ok: true, body: msg.body };
  try {
    return { ok: true, body: JSON.parse(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength).toString('utf8')) };
  } catch (err) {
    return { ok: false, why: `the message is not JSON: ${(err as Error).message}` };
  }
}

export function prepareRaw(msg: RawMessage, parsed: ParsedBody, receivedAt: EpochSeconds, env: PrepareEnv): Prepared {
  const receipt = receiptForBytes(msg.bytes, msg.source, receivedAt);
  if (!parsed.ok) return rejectWhole(msg, receipt, fault(-1, 'INGEST_MALFORMED', parsed.why));
  const n = normalize(parsed.body, env.check);
  if (n.messageFault !== undefined) return rejectWhole(msg, receipt, n.messageFault);
  const d = dedupe(n.groups.list);
  const series = env.stages.length === 0 ? d.series : runStages(env.stages, d.series, { source: msg.source, receivedAt });
  const faults = mergeFaults(n.faults, d.faults);
  return {
    unit: { receipt, series, rejects: faults.length === 0 ? [] : rejectRows(faults, (i) => jsonText(n.items[i]), msg.source, receivedAt) },
    accepted: n.items.length - faults.length, readings: countReadings(series), rejected: toRejections(faults),
  };
}

function rejectWhole(msg: RawMessage | DecodedMessage, receipt: Receipt, f: ItemFault): Prepared {
  const text = 'body' in msg && msg.body !== undefined ? jsonText(msg.body) : jsonText(bytesText(msg.bytes ?? new Uint8Array(0)));
  return {
    unit: { receipt, series: [], rejects: rejectRows([f], () => text, msg.source, receipt.receivedAt) },
    accepted: 0, readings: 0, rejected: toRejections([f]),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text for a reject row: UTF-8 when they are (JSON), else base64 (CBOR and other binary). */
function bytesText(bytes: Uint8Array): string | { base64: string } {
  try {
    return utf8.decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
}

/** A code from the transport for a message it could not decode; an unlisted code is kept in the reason. */
function messageFault(r: MessageRejection): ItemFault {
  return r.code in ERROR_CODES
    ? fault(-1, r.code as ErrorCode, r.reason, r.meterId)
    : fault(-1, 'INGEST_MALFORMED', `${r.code}: ${r.reason}`, r.meterId);
}

export function prepareDecoded(msg: DecodedMessage, receivedAt: EpochSeconds, env: PrepareEnv): Prepared {
  const registers = msg.registers ?? [];
  const events = msg.events ?? [];
  const receipt = msg.bytes !== undefined
    ? receiptForBytes(msg.bytes, msg.source, receivedAt)
    : receiptForContent(msg.series, registers, events, msg.source, receivedAt);
  if (msg.rejected !== undefined) return rejectWhole(msg, receipt, messageFault(msg.rejected));
  const c = checkDecoded(msg.series, registers, events, env.check);
  const d = c.overlapping.list.length > 0 ? dedupe(c.overlapping.list) : { series: [], faults: [] };
  const merged = d.series.length > 0 ? [...c.series, ...d.series] : c.series;
  const series = runStages(env.stages, merged, { source: msg.source, receivedAt });
  const faults = mergeFaults(c.faults, d.faults);
  const S = msg.series.length;
  const itemText = (i: number): string => (i < S ? seriesText(msg.series[i]) : jsonText(i < S + registers.length ? registers[i - S] : events[i - S - registers.length]));
  return {
    unit: {
      receipt, series,
      ...(c.registers.length > 0 ? { registers: c.registers } : {}),
      ...(c.events.length > 0 ? { events: c.events } : {}),
      rejects: rejectRows(faults, itemText, msg.source, receivedAt),
    },
    accepted: S + registers.length + events.length - faults.length,
    readings: countReadings(series) + c.registers.length,
    rejected: toRejections(faults),
  };
}

function mergeFaults(a: ItemFault[], b: ItemFault[]): ItemFault[] {
  return b.length === 0 ? a : [...a, ...b].sort((x, y) => x.index - y.index);
}

function countReadings(series: readonly IntervalSeries[]): number {
  let n = 0;
  for (const s of series) n += s.values.length;
  return n;
}
