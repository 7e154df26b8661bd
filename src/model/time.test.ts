import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { localBuckets, localDateStart, assertZone, epochToIso, isoToEpoch, zoneOffsetAt } from './time.ts';
import { hasCode } from './errors.ts';

const quarterHours = (date: string, zone: string): number => {
  const start = localDateStart(date, zone);
  const [b] = localBuckets(start, start + 1, zone, 'day');
  return (b!.end - b!.start) / 900;
};

test('a local day has 92, 96 or 100 quarter-hours across DST', () => {
  assert.equal(quarterHours('2026-03-29', 'Europe/Amsterdam'), 92);
  assert.equal(quarterHours('2026-10-25', 'Europe/Amsterdam'), 100);
  assert.equal(quarterHours('2026-06-01', 'Europe/Amsterdam'), 96);
  assert.equal(quarterHours('2026-03-29', 'Europe/London'), 92);
  assert.equal(quarterHours('2026-03-08', 'America/New_York'), 92);
  assert.equal(quarterHours('2026-11-01', 'America/New_York'), 100);
  assert.equal(quarterHours('2026-04-05', 'Australia/Sydney'), 100);
  assert.equal(quarterHours('2026-10-04', 'Australia/Sydney'), 92);
});

test('month buckets follow local midnight', () => {
  const from = isoToEpoch('2026-03-01T00:00:00+01:00');
  const to = isoToEpoch('2026-05-01T00:00:00+02:00');
  const b = localBuckets(from, to, 'Europe/Amsterdam', 'month');
  assert.deepEqual(b.map((x) => x.label), ['2026-03', '2026-04']);
  assert.equal((b[0]!.end - b[0]!.start) / 3600, 31 * 24 - 1);
  assert.equal(epochToIso(b[1]!.start, 'Europe/Amsterdam'), '2026-04-01T00:00:00+02:00');
});

test('unknown zones are a typed error', () => {
  assert.throws(() => assertZone('Europe/Atlantis'), (e: unknown) => hasCode(e, 'ZONE_INVALID'));
});

test('zoneOffsetAt agrees with luxon at every quarter-hour of a year, across DST and half-hour zones', () => {
  for (const zone of ['Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'Australia/Sydney', 'Asia/Kolkata']) {
    const from = Date.UTC(2026, 0, 1) / 1000;
    for (let t = from; t < from + 366 * 86400; t += 900 + (t % 7)) {
      const dt = DateTime.fromSeconds(t, { zone });
      const got = zoneOffsetAt(t, zone);
      assert.equal(got.offset, dt.offset, `${zone} ${dt.toISO()}`);
      assert.equal(got.dst, dt.isInDST, `${zone} ${dt.toISO()} dst`);
    }
  }
  assert.throws(() => zoneOffsetAt(0, 'Mars/Olympus'), (e: unknown) => hasCode(e, 'ZONE_INVALID'));
});
