import type { Obis } from '../../model/obis.ts';

/**
 * Columnar accumulator for the intervals of one meter/channel/interval length within a message.
 * Items append here instead of becoming an object per reading; dedupe then cuts the columns into
 * IntervalSeries runs, mostly as subarrays without copying.
 */
export class PointGroup {
  length = 0;
  /** Interval ends strictly increasing so far: then there can be no duplicate and no sort. */
  increasing = true;
  ends: Float64Array;
  values: Float64Array;
  quality: Uint8Array;
  /** Index of the item (or decoded series) each point came from. */
  items: Int32Array;

  constructor(readonly meterId: string, readonly channel: Obis, readonly intervalS: number, capacity = 8) {
    this.ends = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
    this.items = new Int32Array(capacity);
  }

  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.ends.length) return;
    const cap = Math.max(need, this.ends.length * 2);
    this.ends = grow(this.ends, new Float64Array(cap));
    this.values = grow(this.values, new Float64Array(cap));
    this.quality = grow(this.quality, new Uint8Array(cap));
    this.items = grow(this.items, new Int32Array(cap));
  }

  /** Caller reserved room. */
  push(end: number, value: number, quality: number, item: number): void {
    const i = this.length++;
    if (i > 0 && end <= this.ends[i - 1]!) this.increasing = false;
    this.ends[i] = end;
    this.values[i] = value;
    this.quality[i] = quality;
    this.items[i] = item;
  }

  /** Undo the points of an item that failed validation half-way. */
  truncate(length: number, increasing: boolean): void {
    this.length = length;
    this.increasing = increasing;
  }
}

function grow<A extends Float64Array | Uint8Array | Int32Array>(from: A, to: A): A {
  to.set(from);
  return to;
}

/** Groups by meter → channel → interval length, in first-seen order. */
export class GroupSet {
  readonly list: PointGroup[] = [];
  private readonly byMeter = new Map<string, Map<Obis, PointGroup[]>>();

  get(meterId: string, channel: Obis, intervalS: number): PointGroup {
    let byChannel = this.byMeter.get(meterId);
    if (byChannel === undefined) this.byMeter.set(meterId, byChannel = new Map());
    let groups = byChannel.get(channel);
    if (groups === undefined) byChannel.set(channel, groups = []);
    for (const g of groups) if (g.intervalS === intervalS) return g;
    const g = new PointGroup(meterId, channel, intervalS);
    groups.push(g);
    this.list.push(g);
    return g;
  }
}
