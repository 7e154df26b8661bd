import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY } from '../../model/index.ts';
import { IntervalSum, addBucketTotals, clippedBuckets, newAcc } from './aggregate.ts';

const { A, S, E, F, N, V } = QUALITY;

test('a sum takes the worst contributing quality and is N only without contributors', () => {
  const sum = new IntervalSum(4);
  sum.add(Float64Array.of(1, 2, 3, 0), Uint8Array.of(A, F, E, N));
  sum.add(Float64Array.of(1, 2, 3, 0), Uint8Array.of(F, S, V, N));
  assert.deepEqual([...sum.values], [2, 4, 6, 0]);
  assert.deepEqual([...sum.contributors], [2, 2, 2, 0]);
  assert.deepEqual([...sum.quality()], [F, S, V, N]);
});

test('intervals go to the bucket their start falls in, on grids that do not meet local midnight', () => {
  // Asia/Kolkata is UTC+5:30: local days start at 18:30Z, between two hourly UTC intervals.
  const from = Date.UTC(2026, 2, 9, 18, 30) / 1000;
  const buckets = clippedBuckets(from, from + 2 * 86_400, 'Asia/Kolkata', 'day');
  assert.deepEqual(buckets.map((b) => b.label), ['2026-03-10', '2026-03-11']);
  const gridStart = from + 1800;
  const n = 48;
  const acc = newAcc(2);
  addBucketTotals(new Float64Array(n).fill(1), new Uint8Array(n).fill(A), gridStart, 3600, buckets, acc);
  assert.deepEqual(acc.map((a) => [a.expected, a.intervals]), [[24, 24], [24, 24]]);
});
