import type { IntervalSeries, Obis } from '../../model/index.ts';

/**
 * Consecutive days of one data stream grow one series: a year of 30-minute data for one NMI
 * suffix is one IntervalSeries of 17,520 values, not 365 small ones, which is what the pipeline
 * and the store handle fastest. Values are parsed straight into the run's buffers.
 */
export class SeriesRun {
  meterId = '';
  channel = '' as Obis;
  intervalS = 0;
  start = 0;
  length = 0;
  values = new Float64Array(2048);
  quality = new Uint8Array(2048);
  reason: Uint8Array | null = null;

  get open(): boolean {
    return this.length > 0;
  }

  /** Start of the interval after the last one held. */
  get next(): number {
    return this.start + this.length * this.intervalS;
  }

  begin(meterId: string, channel: Obis, intervalS: number, start: number): void {
    this.meterId = meterId;
    this.channel = channel;
    this.intervalS = intervalS;
    this.start = start;
    this.length = 0;
    this.reason = null;
  }

  /** Makes room for n more values; returns the offset where they go. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.values.length) {
      let cap = this.values.length * 2;
      while (cap < need) cap *= 2;
      const v = new Float64Array(cap); v.set(this.values.subarray(0, this.length)); this.values = v;
      const q = new Uint8Array(cap); q.set(this.quality.subarray(0, this.length)); this.quality = q;
      if (this.reason) { const r = new Uint8Array(cap); r.set(this.reason.subarray(0, this.length)); this.reason = r; }
    }
    return this.length;
  }

  /** The reason array, created on the first non-zero reason code of the run. */
  reasons(): Uint8Array {
    if (!this.reason) this.reason = new Uint8Array(this.values.length);
    return this.reason;
  }

  /** Hands out the run as a series (own copies of its arrays) and empties it. */
  finish(): IntervalSeries {
    const n = this.length;
    const s: IntervalSeries = {
      meterId: this.meterId, channel: this.channel, start: this.start, intervalS: this.intervalS,
      values: this.values.slice(0, n), quality: this.quality.slice(0, n),
      ...(this.reason && this.reason.subarray(0, n).some((r) => r !== 0) ? { reason: this.reason.slice(0, n) } : {}),
    };
    this.length = 0;
    this.reason = null;
    return s;
  }
}
