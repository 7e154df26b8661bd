import { qualityFlag } from '../../model/quality.ts';
import type { IntervalSeries } from '../../model/reading.ts';
import { type ItemFault, fault } from './checks.ts';
import type { PointGroup } from './points.ts';

/**
 * Stage 3: within one message, an interval sent twice with the same value and quality is kept
 * once; sent twice with different data, the later item is rejected whole (INGEST_DUPLICATE_CONFLICT)
 * because nothing in one message says which of the two is right. The surviving points are cut
 * into IntervalSeries, one per contiguous run.
 */
export interface DedupeOutput {
  readonly series: IntervalSeries[];
  readonly faults: ItemFault[];
}

export function dedupe(groups: readonly PointGroup[]): DedupeOutput {
  const series: IntervalSeries[] = [];
  const faults: ItemFault[] = [];
  for (const g of groups) {
    if (g.length === 0) continue;
    cutRuns(g, g.increasing ? g : resolve(g, faults), series);
  }
  return { series, faults };
}

interface Columns {
  readonly ends: readonly number[];
  readonly values: readonly number[];
  readonly quality: readonly number[];
  readonly reason?: readonly number[] | undefined;
}

/** Item by item in message order, so a rejected item never blocks a later one. */
function resolve(g: PointGroup, faults: ItemFault[]): Columns {
  const { ends, values, quality, items, reason } = g;
  const first = new Map<number, number>();
  const keep: number[] = [];
  for (let p = 0; p < g.length;) {
    const item = items[p]!;
    let q = p;
    while (q < g.length && items[q] === item) q++;
    const clash = findClash(g, p, q, first);
    if (clash !== undefined) {
      const j = first.get(ends[clash]!)!;
      faults.push(fault(item, 'INGEST_DUPLICATE_CONFLICT',
        `interval ending ${new Date(ends[clash]! * 1000).toISOString()} already has ${values[j]} (${qualityFlag(quality[j]!)}) ` +
        `from item ${items[j]} of this message; this item says ${values[clash]} (${qualityFlag(quality[clash]!)})`,
        g.meterId, g.channel));
    } else {
      for (let i = p; i < q; i++) {
        if (first.has(ends[i]!)) continue;
        first.set(ends[i]!, i);
        keep.push(i);
      }
    }
    p = q;
  }
  keep.sort((a, b) => ends[a]! - ends[b]!);
  return {
    ends: keep.map((i) => ends[i]!), values: keep.map((i) => values[i]!), quality: keep.map((i) => quality[i]!),
    reason: reason && keep.map((i) => reason[i]!),
  };
}

function findClash(g: PointGroup, from: number, to: number, first: ReadonlyMap<number, number>): number | undefined {
  for (let i = from; i < to; i++) {
    const j = first.get(g.ends[i]!);
    if (j !== undefined && (g.values[j] !== g.values[i] || g.quality[j] !== g.quality[i])) return i;
  }
  return undefined;
}

function cutRuns(g: PointGroup, c: Columns, out: IntervalSeries[]): void {
  const { ends, values, quality, reason } = c;
  const step = g.intervalS;
  const n = ends.length;
  let s = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && ends[i] === ends[i - 1]! + step) continue;
    const v = new Float64Array(i - s);
    const q = new Uint8Array(i - s);
    for (let k = s; k < i; k++) {
      v[k - s] = values[k]!;
      q[k - s] = quality[k]!;
    }
    const series: IntervalSeries = { meterId: g.meterId, channel: g.channel, start: ends[s]! - step, intervalS: step, values: v, quality: q };
    out.push(reason === undefined ? series : { ...series, reason: Uint8Array.from(reason.slice(s, i)) });
    s = i;
  }
}
