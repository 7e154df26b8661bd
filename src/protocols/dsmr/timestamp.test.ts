import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoToEpoch } from '../../model/index.ts';
import { isTimestampText, localToUtc, markerContradicts, markerOf, naiveSeconds } from './timestamp.ts';

const AMS = 'Europe/Amsterdam';
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const utc = (stamp: string, zone = AMS): number => {
  const x = b(stamp);
  return localToUtc(naiveSeconds(x, 0), markerOf(x, 0, x.length), zone);
};

test('W is standard time (+01:00), S is summer time (+02:00)', () => {
  assert.equal(utc('101209113020W'), isoToEpoch('2010-12-09T10:30:20Z'));
  assert.equal(utc('180529135630S'), isoToEpoch('2018-05-29T11:56:30Z'));
  assert.equal(utc('200229235959W'), isoToEpoch('2020-02-29T22:59:59Z'), 'a leap day');
});

test('the repeated hour in October: the marker decides which of the two instants it is', () => {
  // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET; 02:30 happens twice.
  assert.equal(utc('261025023000S'), isoToEpoch('2026-10-25T00:30:00Z'));
  assert.equal(utc('261025023000W'), isoToEpoch('2026-10-25T01:30:00Z'));
  assert.equal(utc('261025023000W') - utc('261025023000S'), 3600);
  for (const s of ['261025023000S', '261025023000W']) assert.equal(markerContradicts(utc(s), markerOf(b(s), 0, 13), AMS), false, s);
});

test('a marker that contradicts the zone still decides the offset, and is reported as contradicting', () => {
  // A meter whose clock switches back a few seconds late: 03:00:05 still S after the zone went to W.
  const late = utc('261025030005S');
  assert.equal(late, isoToEpoch('2026-10-25T01:00:05Z'), 'continuous with 02:59:59 S = 00:59:59Z, not an hour later');
  assert.equal(markerContradicts(late, 'S', AMS), true);
  // S in January: the meter says summer time, so UTC+2 is what its clock meant.
  assert.equal(utc('260115120000S'), isoToEpoch('2026-01-15T10:00:00Z'));
  assert.equal(markerContradicts(utc('260115120000S'), 'S', AMS), true);
  assert.equal(markerContradicts(utc('260115120000W'), 'W', AMS), false);
});

test('without a marker (DSMR 2.2/3.0 gas) the zone decides: first instant of the repeated hour, standard offset in the gap', () => {
  assert.equal(utc('161107190000'), isoToEpoch('2016-11-07T18:00:00Z'));
  assert.equal(utc('120517020000'), isoToEpoch('2012-05-17T00:00:00Z'));
  assert.equal(utc('261025023000'), isoToEpoch('2026-10-25T00:30:00Z'));
  assert.equal(utc('260329023000'), isoToEpoch('2026-03-29T01:30:00Z'), '02:30 does not exist on 2026-03-29');
});

test('the zone is configurable: Brussels, London, a zone without DST', () => {
  assert.equal(utc('200512135409S', 'Europe/Brussels'), isoToEpoch('2020-05-12T11:54:09Z'));
  assert.equal(utc('230202132747S', 'Europe/London'), isoToEpoch('2023-02-02T12:27:47Z'));
  assert.equal(utc('230202132747W', 'Europe/London'), isoToEpoch('2023-02-02T13:27:47Z'));
  assert.equal(utc('230702132747W', 'Asia/Tokyo'), isoToEpoch('2023-07-02T04:27:47Z'));
  assert.equal(markerContradicts(utc('230702132747S', 'Asia/Tokyo'), 'S', 'Asia/Tokyo'), true);
});

test('out-of-range fields are no time (NaN): placeholders and rolled-over dates', () => {
  for (const s of ['632525252525S', '250000000000W', '123412341234W', '230230120000W', '230101240000W', '230101006000W', '230101000060W', '210229000000W']) {
    assert.ok(Number.isNaN(naiveSeconds(b(s), 0)), s);
    assert.ok(Number.isNaN(utc(s)), s);
  }
  assert.equal(naiveSeconds(b('240229000000W'), 0), isoToEpoch('2024-02-29T00:00:00Z'));
});

test('what looks like a time stamp: 12 digits and an optional S/W in either case', () => {
  for (const [s, yes] of [['181106140429W', true], ['181106140429w', true], ['181106140429', true], ['181106140429X', false], ['18110614042', false], ['1811061404291', false], ['00001.001', false]] as const) {
    assert.equal(isTimestampText(b(s), 0, s.length), yes, s);
  }
});
