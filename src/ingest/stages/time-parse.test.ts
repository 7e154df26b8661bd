import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoToEpoch } from '../../model/time.ts';
import { parseTime } from './time-parse.ts';

test('parses RFC 3339 with Z or an offset, and epoch seconds', () => {
  assert.equal(parseTime('2026-11-26T10:15:00Z'), 1_795_688_100);
  assert.equal(parseTime('2026-11-26T11:15:00+01:00'), 1_795_688_100);
  assert.equal(parseTime('2026-11-26T05:15:00-05:00'), 1_795_688_100);
  assert.equal(parseTime('2026-11-26T10:15Z'), 1_795_688_100);
  assert.equal(parseTime('2026-11-26 10:15:00.000Z'), 1_795_688_100);
  assert.equal(parseTime('2026-11-26T10:15:00.5Z'), 1_795_688_100.5);
  assert.equal(parseTime(1_795_688_100), 1_795_688_100);
});

test('refuses local times, impossible dates and non-times', () => {
  for (const bad of ['2026-11-26T10:15:00', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-26T24:00:00Z',
    '2026-11-26T10:60:00Z', '2026-11-26T10:15:00+25:00', 'yesterday', '1969-12-31T23:45:00Z', -900, '', null, {}, [], true, Number.NaN, Infinity]) {
    assert.equal(parseTime(bad), undefined, String(bad));
  }
});

test('property: agrees with Luxon for whole seconds and any quarter-hour offset', () => {
  fc.assert(fc.property(
    fc.integer({ min: 946_684_800, max: 4_102_444_800 }), fc.integer({ min: -48, max: 56 }),
    (t, q) => {
      const off = q * 15;
      const local = new Date((t + off * 60) * 1000).toISOString().slice(0, 19);
      const sign = off < 0 ? '-' : '+';
      const a = Math.abs(off);
      const text = `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
      assert.equal(parseTime(text), t);
      assert.equal(parseTime(text), isoToEpoch(text));
    },
  ));
});
