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
    if (g.increasing) {
      cutRuns(g, g.ends, g.values, g.quality, g.length, series);
      continue;
    }
    const kept = resolve(g, faults);
    cutRuns(g, kept.ends, kept.values, kept.quality, kept.ends.length, series);
  }
  return { series, faults };
}

interface Columns {
  readonly ends: Float64Array;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
}

/** Item by item in message order, so a rejected item never blocks a later one. */
function resolve(g: PointGroup, faults: ItemFault[]): Columns {
  const { ends, values, quality, items } = g;
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
  const out = { ends: new Float64Array(keep.length), values: new Float64Array(keep.length), quality: new Uint8Array(keep.length) };
  keep.forEach((i, k) => {
    out.ends[k] = ends[i]!;
    out.values[k] = values[i]!;
    out.quality[k] = quality[i]!;
  });
  return out;
}

function findClash(g: PointGroup, from: number, to: number, first: ReadonlyMap<number, number>): number | undefined {
  for (let i = from; i < to; i++) {
    const j = first.get(g.ends[i]!);
    if (j !== undefined && (g.values[j] !== g.values[i] || g.quality[j] !== g.quality[i])) return i;
  }
  return undefined;
}

function cutRuns(g: PointGroup, ends: Float64Array, values: Float64Array, quality: Uint8Array, n: number, out: IntervalSeries[]): void {
  const step = g.intervalS;
  let s = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && ends[i] === ends[i - 1]! + step) continue;
    out.push({
      meterId: g.meterId, channel: g.channel, start: ends[s]! - step, intervalS: step,
      values: values.subarray(s, i), quality: quality.subarray(s, i),
    });
    s = i;
  }
}
