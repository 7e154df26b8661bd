import { QUALITY, isEstimated, localBuckets, type LocalBucket, type LocalPeriod } from '../../model/index.ts';

/**
 * Pure aggregation over decoded series, shared by the stores: per-interval sums across meters and
 * totals per local day/month. An interval belongs to the bucket its start falls in.
 */

const N = QUALITY.N;
/** Worse quality ranks higher: actual < final substitute < substituted < estimated < variable. */
const RANK: readonly number[] = [0, 2, 3, 1, -1, 4];
const BY_RANK: readonly number[] = [QUALITY.A, QUALITY.F, QUALITY.S, QUALITY.E, QUALITY.V];

export class IntervalSum {
  readonly values: Float64Array;
  readonly contributors: Uint32Array;
  private readonly worst: Int8Array;

  constructor(n: number) {
    this.values = new Float64Array(n);
    this.contributors = new Uint32Array(n);
    this.worst = new Int8Array(n).fill(-1);
  }

  add(values: Float64Array, quality: Uint8Array): void {
    for (let i = 0; i < values.length; i++) {
      const q = quality[i]!;
      if (q === N) continue;
      this.values[i] += values[i]!;
      this.contributors[i]!++;
      const r = RANK[q]!;
      if (r > this.worst[i]!) this.worst[i] = r;
    }
  }

  /** N where nobody contributed, else the worst contributing quality. */
  quality(): Uint8Array {
    return Uint8Array.from(this.worst, (r) => (r < 0 ? N : BY_RANK[r]!));
  }
}

export interface BucketAcc {
  total: number;
  intervals: number;
  expected: number;
  estimated: number;
}

/** Local buckets covering [from, to), cut to that range so that nothing outside it is counted. */
export function clippedBuckets(from: number, to: number, zone: string, period: LocalPeriod): LocalBucket[] {
  if (to <= from) return [];
  return localBuckets(from, to, zone, period).map((b) => ({ label: b.label, start: Math.max(b.start, from), end: Math.min(b.end, to) }));
}

/** First grid index whose interval starts at or after t, for a grid starting at gridStart. */
function indexAtOrAfter(t: number, gridStart: number, intervalS: number): number {
  return Math.ceil((t - gridStart) / intervalS);
}

/**
 * Adds one meter's intervals (grid from gridStart) into one accumulator per bucket; `expected`
 * counts the grid's intervals in the bucket, so a 23-hour local day expects 92 quarter-hours.
 */
export function addBucketTotals(
  values: Float64Array, quality: Uint8Array, gridStart: number, intervalS: number, buckets: readonly LocalBucket[], acc: BucketAcc[],
): void {
  for (let b = 0; b < buckets.length; b++) {
    const bucket = buckets[b]!;
    const i0 = Math.max(0, indexAtOrAfter(bucket.start, gridStart, intervalS));
    const i1 = Math.min(values.length, indexAtOrAfter(bucket.end, gridStart, intervalS));
    const a = acc[b]!;
    a.expected += Math.max(0, i1 - i0);
    for (let i = i0; i < i1; i++) {
      const q = quality[i]!;
      if (q === N) continue;
      a.total += values[i]!;
      a.intervals++;
      if (isEstimated(q)) a.estimated++;
    }
  }
}

export function newAcc(n: number): BucketAcc[] {
  return Array.from({ length: n }, () => ({ total: 0, intervals: 0, expected: 0, estimated: 0 }));
}
