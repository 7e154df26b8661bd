import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, hasCode } from '../model/index.ts';
import { DAY_TYPE, dayOfYear, dayTypeOf, ZoneClock } from './clock.ts';

const date = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 1000 / DAY_S;
const clock = new ZoneClock('Europe/Amsterdam');

test('local quarter-hours of a UTC day, through both DST changes', () => {
  const q = new Int32Array(96);
  const d = new Int32Array(96);
  clock.fillDay(date('2026-01-15'), q, d);
  assert.equal(q[0], 4); // 00:00Z is 01:00 CET
  assert.equal(d[95], date('2026-01-16')); // 23:45Z is 00:45 the next local day
  clock.fillDay(date('2026-03-29'), q, d);
  assert.deepEqual([q[3], q[4]], [7, 12]); // 00:45Z = 01:45 CET, 01:00Z = 03:00 CEST
  clock.fillDay(date('2026-10-25'), q, d);
  assert.deepEqual([q[3], q[4]], [11, 8]); // 00:45Z = 02:45 CEST, 01:00Z = 02:00 CET again
});

test('local midnight as a UTC instant', () => {
  assert.equal(clock.localMidnight(date('2026-01-15')), Date.parse('2026-01-14T23:00:00Z') / 1000);
  assert.equal(clock.localMidnight(date('2026-03-30')), Date.parse('2026-03-29T22:00:00Z') / 1000);
  assert.equal(new ZoneClock('America/New_York').localMidnight(date('2026-07-04')), Date.parse('2026-07-04T04:00:00Z') / 1000);
  assert.throws(() => new ZoneClock('Nowhere/Land'), (e: unknown) => hasCode(e, 'ZONE_INVALID'));
});

test('day types: weekdays, Saturday, Sunday and the big holidays', () => {
  assert.equal(dayTypeOf(date('2026-03-02')), DAY_TYPE.weekday);
  assert.equal(dayTypeOf(date('2026-03-07')), DAY_TYPE.saturday);
  assert.equal(dayTypeOf(date('2026-03-08')), DAY_TYPE.sunday);
  assert.equal(dayTypeOf(date('2026-12-25')), DAY_TYPE.sunday);
  assert.equal(dayTypeOf(date('2027-01-01')), DAY_TYPE.sunday);
  assert.equal(dayOfYear(date('2026-02-01')), 31);
});
