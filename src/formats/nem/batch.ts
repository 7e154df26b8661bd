import type { Channel, IntervalSeries, Meter, RegisterReading } from '../../model/index.ts';
import type { ImportBatch } from '../format.ts';

/**
 * One ImportBatch in the making: the items, the meters and channels they use (each batch
 * describes its own, so a consumer never depends on an earlier batch), and the file's bytes they
 * came from, kept as slices of the input chunks until the batch is cut.
 */
export class BatchBuilder {
  series: IntervalSeries[] = [];
  registers: RegisterReading[] = [];
  readonly meters = new Map<string, Meter>();
  readonly channels = new Map<string, Channel>();
  readings = 0;
  private pieces: Uint8Array[] = [];

  get empty(): boolean {
    return this.readings === 0;
  }

  describe(meterId: string, obis: string, meter: () => Meter, channel: () => Channel): void {
    if (!this.meters.has(meterId)) this.meters.set(meterId, meter());
    const key = `${meterId}\u0000${obis}`;
    if (!this.channels.has(key)) this.channels.set(key, channel());
  }

  addSeries(s: IntervalSeries): void {
    this.series.push(s);
    this.readings += s.values.length;
  }

  addRegister(r: RegisterReading): void {
    this.registers.push(r);
    this.readings++;
  }

  addBytes(b: Uint8Array): void {
    if (b.length > 0) this.pieces.push(b);
  }

  /** The batch so far, with everything reset for the next one. */
  take(line: number): ImportBatch {
    // A copy: the input chunks are not kept alive by a batch.
    const bytes = Buffer.concat(this.pieces);
    const b: ImportBatch = {
      meters: [...this.meters.values()], channels: [...this.channels.values()],
      ...(this.series.length > 0 ? { series: this.series } : {}),
      ...(this.registers.length > 0 ? { registers: this.registers } : {}),
      bytes, line,
    };
    this.series = []; this.registers = []; this.meters.clear(); this.channels.clear(); this.readings = 0; this.pieces = [];
    return b;
  }
}
