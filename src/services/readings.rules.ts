import { DateTime } from 'luxon';
import {
  assertZone, epochToIso, isEstimated, localBuckets, QUALITY,
  type EpochSeconds, type IntervalSeries, type LocalBucket, type LocalPeriod,
} from '../model/index.ts';
import type { LocalTotal } from '../store/store.port.ts';

export type Aggregate = 'hour' | LocalPeriod;

/** One aggregated bucket with its data quality: how complete and how much of it is estimated. */
export interface BucketTotal extends LocalBucket {
  readonly total: number;
  /** Intervals with a value (anything but N). */
  readonly intervals: number;
  /** Intervals the bucket has on the grid: 92/96/100 quarter-hours in a DST/normal local day. */
  readonly expected: number;
  /** Of `intervals`, substituted or estimated ones (S, E, F). */
  readonly estimated: number;
  /** expected - intervals: never received or explicitly null. */
  readonly missing: number;
}

/**
 * Local hours covering [from, to). Hours are not always UTC hours: zones such as Asia/Kolkata are
 * offset by half an hour, so the boundaries come from the zone. Labels carry the offset, which
 * keeps the repeated hour of an autumn DST day distinct (02:00+02:00, then 02:00+01:00).
 */
export function localHourBuckets(from: EpochSeconds, to: EpochSeconds, zone: string): LocalBucket[] {
  assertZone(zone);
  const out: LocalBucket[] = [];
  let cur = DateTime.fromSeconds(from, { zone }).startOf('hour');
  while (cur.toSeconds() < to) {
    const next = cur.plus({ hours: 1 });
    out.push({ label: epochToIso(cur.toSeconds(), zone), start: cur.toSeconds(), end: next.toSeconds() });
    cur = next;
  }
  return out;
}

export function periodBuckets(from: EpochSeconds, to: EpochSeconds, zone: string, period: Aggregate): LocalBucket[] {
  return period === 'hour' ? localHourBuckets(from, to, zone) : localBuckets(from, to, zone, period);
}

/** Sum a series into buckets; an interval belongs to the bucket its start falls in. */
export function bucketSeries(s: IntervalSeries, buckets: readonly LocalBucket[]): BucketTotal[] {
  const acc = buckets.map((b) => ({ ...b, total: 0, intervals: 0, expected: 0, estimated: 0, missing: 0 }));
  let b = 0;
  for (let i = 0; i < s.values.length && b < acc.length; i++) {
    const t = s.start + i * s.intervalS;
    while (b < acc.length && t >= acc[b]!.end) b++;
    const bucket = acc[b];
    if (!bucket || t < bucket.start) continue;
    const q = s.quality[i]!;
    bucket.expected++;
    if (q === QUALITY.N) {
      bucket.missing++;
    } else {
      bucket.intervals++;
      bucket.total += s.values[i]!;
      if (isEstimated(q)) bucket.estimated++;
    }
  }
  return acc;
}

/**
 * Store totals joined onto the full list of buckets: a bucket without any stored block still
 * appears, with all of its intervals missing, so a client sees gaps instead of a shorter list.
 */
export function fillTotals(buckets: readonly LocalBucket[], totals: readonly LocalTotal[], intervalS: number): BucketTotal[] {
  const byLabel = new Map(totals.map((t) => [t.label, t]));
  return buckets.map((b) => {
    const t = byLabel.get(b.label);
    const expected = t?.expected ?? Math.round((b.end - b.start) / intervalS);
    const intervals = t?.intervals ?? 0;
    return { ...b, total: t?.total ?? 0, intervals, expected, estimated: t?.estimated ?? 0, missing: expected - intervals };
  });
}
