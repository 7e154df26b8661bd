import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY, obis, type IntervalSeries } from '../../model/index.ts';
import { applySegment, compareSegment, dayLabel, decodeDay, emptyDay, encodeDay, type SegmentCounts } from './day-block.ts';
import { readBlockHeader } from '../blocks/index.ts';

const N = QUALITY.N;
const incoming = (values: number[], quality: number[]): IntervalSeries => ({
  meterId: 'm', channel: obis('1-0:1.8.0'), start: 0, intervalS: 900, values: Float64Array.from(values), quality: Uint8Array.from(quality),
});

test('compare sorts intervals into fills, unchanged and changed; N says nothing', () => {
  const day = emptyDay(96);
  day.values.set([5, 6, 7], 10);
  day.quality.set([0, 0, 0], 10);
  const out: SegmentCounts = { fills: 0, unchanged: 0, changed: 0 };
  const s = incoming([5, 60, 7, 8, 0], [0, 0, 2, 0, N]);
  compareSegment(day, s, 0, 10, 5, out);
  assert.deepEqual(out, { fills: 1, unchanged: 1, changed: 2 });
  applySegment(day, s, 0, 10, 5);
  assert.deepEqual([...day.values.subarray(10, 15)], [5, 60, 7, 8, 0]);
  assert.deepEqual([...day.quality.subarray(10, 15)], [0, 0, 2, 0, N]);
});

test('a stored day keeps only the span that holds something', () => {
  const day = emptyDay(96);
  day.values[40] = 3;
  day.quality[40] = 0;
  day.values[42] = 4;
  day.quality[42] = 0;
  const bytes = encodeDay(day, 900).slice();
  assert.deepEqual(readBlockHeader(bytes), { intervalS: 900, first: 40, count: 3, step: 1 });
  const back = decodeDay(bytes, 900);
  assert.deepEqual([back.values, back.quality, back.reason], [day.values, day.quality, day.reason]);
});

test('day labels are UTC dates', () => {
  assert.equal(dayLabel(20_522), '2026-03-10');
  assert.equal(dayLabel(-1), '1969-12-31');
});
