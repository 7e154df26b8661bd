import type { Obis } from '../../model/obis.ts';

/**
 * Columnar accumulator for the intervals of one meter/channel/interval length within a message.
 * Items append here instead of becoming an object per reading; dedupe then cuts the columns into
 * IntervalSeries runs. Plain number arrays (unboxed doubles in V8) rather than typed arrays:
 * most messages hold one reading, and four typed-array allocations per message cost more than
 * the one copy into the series' typed arrays at the end.
 */
export class PointGroup {
  /** Interval ends strictly increasing so far: then there can be no duplicate and no sort. */
  increasing = true;
  readonly ends: number[] = [];
  readonly values: number[] = [];
  readonly quality: number[] = [];
  /** Index of the item (or decoded series) each point came from. */
  readonly items: number[] = [];
  /** NEM12 reason codes, only once a point has one (decoded series can; JSON items cannot). */
  reason: number[] | undefined;

  constructor(readonly meterId: string, readonly channel: Obis, readonly intervalS: number) {}

  get length(): number {
    return this.ends.length;
  }

  push(end: number, value: number, quality: number, item: number, reason = 0): void {
    const n = this.ends.length;
    if (n > 0 && end <= this.ends[n - 1]!) this.increasing = false;
    this.ends.push(end);
    this.values.push(value);
    this.quality.push(quality);
    this.items.push(item);
    if (reason !== 0 && this.reason === undefined) this.reason = new Array<number>(n).fill(0);
    this.reason?.push(reason);
  }

  /** Undo the points of an item that failed validation half-way. */
  truncate(length: number, increasing: boolean): void {
    this.ends.length = length;
    this.values.length = length;
    this.quality.length = length;
    this.items.length = length;
    if (this.reason !== undefined) this.reason.length = length;
    this.increasing = increasing;
  }
}

/**
 * Groups by meter, channel and interval length, in first-seen order. Consecutive items of one
 * channel (the usual shape) hit the last group without a map lookup, and a message of a single
 * group never builds the map at all.
 */
export class GroupSet {
  readonly list: PointGroup[] = [];
  private last: PointGroup | undefined;
  private byKey: Map<string, PointGroup> | undefined;

  get(meterId: string, channel: Obis, intervalS: number): PointGroup {
    const last = this.last;
    if (last !== undefined && last.meterId === meterId && last.channel === channel && last.intervalS === intervalS) return last;
    const key = `${meterId}\u0000${channel}\u0000${intervalS}`;
    if (this.byKey === undefined && last !== undefined) {
      this.byKey = new Map([[`${last.meterId}\u0000${last.channel}\u0000${last.intervalS}`, last]]);
    }
    let g = this.byKey?.get(key);
    if (g === undefined) {
      g = new PointGroup(meterId, channel, intervalS);
      this.list.push(g);
      this.byKey?.set(key, g);
    }
    this.last = g;
    return g;
  }
}
