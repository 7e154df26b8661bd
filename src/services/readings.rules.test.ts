import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoToEpoch, localDateStart, obis, QUALITY, type IntervalSeries } from '../model/index.ts';
import type { LocalTotal } from '../store/store.port.ts';
import { bucketSeries, fillTotals, localHourBuckets, periodBuckets } from './readings.rules.ts';

const AMS = 'Europe/Amsterdam';

test('local hours of a DST day: 23 in spring, 25 in autumn with distinct labels', () => {
  const spring = localDateStart('2026-03-29', AMS);
  assert.equal(localHourBuckets(spring, localDateStart('2026-03-30', AMS), AMS).length, 23);
  const autumn = localHourBuckets(localDateStart('2026-10-25', AMS), localDateStart('2026-10-26', AMS), AMS);
  assert.equal(autumn.length, 25);
  assert.deepEqual(autumn.slice(2, 4).map((b) => b.label), ['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00']);
  assert.equal(new Set(autumn.map((b) => b.label)).size, 25);
});

test('local hours follow half-hour zones', () => {
  const b = localHourBuckets(isoToEpoch('2026-01-01T00:10:00Z'), isoToEpoch('2026-01-01T02:00:00Z'), 'Asia/Kolkata');
  assert.equal(b[0]!.start, isoToEpoch('2025-12-31T23:30:00Z'));
  assert.equal(b[0]!.label, '2026-01-01T05:00:00+05:30');
  assert.equal(b.length, 3);
});

test('bucketSeries sums values and counts actual, estimated and missing intervals', () => {
  const start = isoToEpoch('2026-06-01T00:00:00Z');
  const q = [QUALITY.A, QUALITY.E, QUALITY.N, QUALITY.A, QUALITY.S, QUALITY.A, QUALITY.N, QUALITY.N];
  const s: IntervalSeries = {
    meterId: 'm', channel: obis('1-0:1.8.0'), start, intervalS: 900,
    values: Float64Array.from([1, 2, 0, 4, 5, 6, 0, 0]), quality: Uint8Array.from(q),
  };
  const [h0, h1] = bucketSeries(s, periodBuckets(start, start + 7200, 'UTC', 'hour'));
  assert.deepEqual({ ...h0!, label: undefined }, { label: undefined, start, end: start + 3600, total: 7, intervals: 3, expected: 4, estimated: 1, missing: 1 });
  assert.equal(h1!.total, 11);
  assert.equal(h1!.estimated, 1);
  assert.equal(h1!.missing, 2);
});

test('fillTotals keeps every bucket, an absent one fully missing', () => {
  const from = localDateStart('2026-03-28', AMS);
  const buckets = periodBuckets(from, localDateStart('2026-03-30', AMS), AMS, 'day');
  const stored: LocalTotal = { meterId: '*', label: '2026-03-28', start: from, end: buckets[0]!.end, total: 960, intervals: 96, expected: 96, estimated: 3 };
  const [a, b] = fillTotals(buckets, [stored], 900);
  assert.equal(a!.missing, 0);
  assert.equal(a!.estimated, 3);
  assert.deepEqual([b!.label, b!.expected, b!.intervals, b!.missing, b!.total], ['2026-03-29', 92, 0, 92, 0]);
});
