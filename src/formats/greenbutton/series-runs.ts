import type { IntervalSeries, Obis } from '../../model/index.ts';

/**
 * Collects interval readings into IntervalSeries: one open run per meter and channel, extended
 * while readings follow each other on the same grid, closed (and a new one opened) at a gap, an
 * overlap or a change of length. `take()` closes every run, so a batch never holds a half series.
 */

interface Run {
  meterId: string;
  channel: Obis;
  start: number;
  intervalS: number;
  values: number[];
  quality: number[];
}

export class SeriesRuns {
  private readonly open = new Map<string, Run>();
  private done: IntervalSeries[] = [];
  /** Readings added since the last take(). */
  count = 0;

  add(meterId: string, channel: Obis, start: number, intervalS: number, value: number, quality: number): void {
    const key = `${meterId}\u0000${channel}`;
    const run = this.open.get(key);
    if (run && run.intervalS === intervalS && run.start + run.values.length * intervalS === start) {
      run.values.push(value);
      run.quality.push(quality);
    } else {
      if (run) this.close(run);
      this.open.set(key, { meterId, channel, start, intervalS, values: [value], quality: [quality] });
    }
    this.count++;
  }

  take(): IntervalSeries[] {
    for (const run of this.open.values()) this.close(run);
    this.open.clear();
    const out = this.done;
    this.done = [];
    this.count = 0;
    return out;
  }

  private close(r: Run): void {
    this.done.push({
      meterId: r.meterId, channel: r.channel, start: r.start, intervalS: r.intervalS,
      values: Float64Array.from(r.values), quality: Uint8Array.from(r.quality),
    });
  }
}
