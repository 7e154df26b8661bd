/**
 * `meterstack import --format dsmr`: a file of concatenated P1 telegrams (a capture from a serial
 * logger or `nc gateway 2001 > capture.txt`). Each telegram must be whole and its CRC right: a
 * damaged telegram stops the import with its byte offset, and since `import` checks the whole file
 * first, nothing from such a file is stored. Garbage between telegrams is skipped as a P1 reader
 * would; only the telegrams' own bytes go into each batch (and the receipt chain).
 */
import type { Channel, Meter, MeterEvent, RegisterReading } from '../../model/index.ts';
import type { ImportBatch, ImportFormat } from '../../formats/format.ts';
import { DsmrError } from './errors.ts';
import { TelegramSplitter, type SplitEvent } from './splitter.ts';
import { parseTelegram } from './telegram.ts';
import { toCanonical } from './to-canonical.ts';

/** Telegrams per batch: a day of 10-second DSMR 4 telegrams is 8,640. */
const BATCH_TELEGRAMS = 1_000;

class BatchBuilder {
  private meters = new Map<string, Meter>();
  private channels = new Map<string, Channel>();
  private registers: RegisterReading[] = [];
  private events: MeterEvent[] = [];
  private chunks: Uint8Array[] = [];
  count = 0;

  add(bytes: Uint8Array, c: ReturnType<typeof toCanonical>): void {
    if (!this.meters.has(c.meter.id)) this.meters.set(c.meter.id, c.meter);
    for (const ch of c.channels) this.channels.set(`${ch.meterId}\u0000${ch.obis}`, ch);
    for (const r of c.registers) this.registers.push(r);
    for (const e of c.events) this.events.push(e);
    this.chunks.push(bytes);
    this.count++;
  }

  take(): ImportBatch {
    const b: ImportBatch = {
      meters: [...this.meters.values()], channels: [...this.channels.values()],
      registers: this.registers, events: this.events, bytes: Buffer.concat(this.chunks),
    };
    this.meters = new Map(); this.channels = new Map(); this.registers = []; this.events = []; this.chunks = [];
    this.count = 0;
    return b;
  }
}

export const dsmrImport: ImportFormat = {
  name: 'dsmr',
  description: 'DSMR P1 telegrams, concatenated as captured (DSMR 2.2-5, e-MUCS)',
  sniff: (head) => /^\s*\/[A-Za-z]{3}\d/.test(head),
  async *read(input, { source, timeZone, meterId }) {
    const splitter = new TelegramSplitter({ encrypted: false });
    const batch = new BatchBuilder();
    let telegrams = 0;
    const handle = (e: SplitEvent, last: boolean): void => {
      // Noise between telegrams is what a serial capture has; a damaged telegram is not.
      if (e.kind === 'skipped' && (e.cause === 'truncated' || e.cause === 'too-long')) {
        throw new DsmrError(e.cause === 'truncated' ? 'DSMR_TRUNCATED' : 'DSMR_TOO_LONG', e.reason, { offset: e.offset, source });
      }
      if (e.kind !== 'telegram') return;
      telegrams++;
      if (!e.complete && !last) throw new DsmrError('DSMR_TRUNCATED', 'the telegram has no "!" end line', { offset: e.offset, source });
      try {
        const t = parseTelegram(e.bytes, { baseOffset: e.offset, requireValidCrc: true, ...(timeZone ? { zone: timeZone } : {}) });
        batch.add(e.bytes, toCanonical(t, meterId ? { meterId } : {}));
      } catch (err) {
        if (err instanceof DsmrError) throw new DsmrError(err.code, err.message, { ...(err.offset !== undefined ? { offset: err.offset } : { offset: e.offset }), source, cause: err });
        throw err;
      }
    };
    for await (const chunk of input) {
      for (const e of splitter.push(chunk)) handle(e, false);
      if (batch.count >= BATCH_TELEGRAMS) yield batch.take();
    }
    const tail = splitter.end();
    tail.forEach((e, i) => handle(e, i === tail.length - 1));
    if (telegrams === 0) throw new DsmrError('DSMR_BAD_HEADER', 'the file holds no telegram (a telegram starts with "/XXX5")', { offset: 0, source });
    if (batch.count > 0) yield batch.take();
  },
};
