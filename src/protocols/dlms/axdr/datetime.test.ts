import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRaises, fromHex, toHex } from '../../_harness/index.ts';
import {
  clockStatusFlags,
  cosemDateTimeToUtc,
  civilFromDays,
  daysFromCivil,
  decodeDateOctets,
  decodeDateTimeOctets,
  decodeTimeOctets,
  encodeDateTimeOctets,
  utcToCosemDateTime,
  type CosemDateTime,
} from './datetime.ts';

const iso = (s: string): number => Date.parse(s) / 1000;

test('Blue Book sign: 2018-02-12 00:00 local with deviation −60 is 2018-02-11T23:00Z', () => {
  const dt = decodeDateTimeOctets(fromHex('07E2020C01000000 00 FFC4 00'));
  assert.equal(dt.deviation, -60);
  assert.equal(cosemDateTimeToUtc(dt), iso('2018-02-11T23:00:00Z'));
  assert.equal(cosemDateTimeToUtc(dt, { deviationSign: 'inverted' }), iso('2018-02-12T01:00:00Z'));
});

test('summer time: deviation −120 with the DST bit', () => {
  const dt = decodeDateTimeOctets(fromHex('07E3 07 0F 01 0C 1E 00 32 FF88 80'));
  assert.equal(clockStatusFlags(dt.clockStatus!).daylightSaving, true);
  assert.equal(cosemDateTimeToUtc(dt), iso('2019-07-15T10:30:00.5Z'));
});

test('unspecified fields: what is needed raises DLMS_DATETIME_UNSPECIFIED, seconds and hundredths default to 0', () => {
  const base = decodeDateTimeOctets(fromHex('07E2020C01000000 00 0000 00'));
  assertRaises(() => cosemDateTimeToUtc({ ...base, year: null }), 'DLMS_DATETIME_UNSPECIFIED');
  assertRaises(() => cosemDateTimeToUtc({ ...base, month: 'dst-end' }), 'DLMS_DATETIME_UNSPECIFIED');
  assertRaises(() => cosemDateTimeToUtc({ ...base, day: 'last' }), 'DLMS_DATETIME_UNSPECIFIED');
  assertRaises(() => cosemDateTimeToUtc({ ...base, hour: null }), 'DLMS_DATETIME_UNSPECIFIED');
  assertRaises(() => cosemDateTimeToUtc({ ...base, deviation: null }), 'DLMS_DATETIME_UNSPECIFIED');
  assert.equal(cosemDateTimeToUtc({ ...base, second: null, hundredths: null }), iso('2018-02-12T00:00:00Z'));
  assertRaises(() => cosemDateTimeToUtc({ ...base, month: 2, day: 30 }), 'DLMS_BAD_DATETIME');
});

test('no deviation: fallback IANA zone, DST bit resolves the repeated hour, gap is an error', () => {
  const local = (h: number, m: number, month: number, day: number, status: number | null): CosemDateTime => ({
    year: 2024, month, day, dayOfWeek: null, hour: h, minute: m, second: 0, hundredths: null, deviation: null, clockStatus: status,
  });
  const zone = 'Europe/Amsterdam';
  assert.equal(cosemDateTimeToUtc(local(12, 0, 1, 15, 0), { fallbackZone: zone }), iso('2024-01-15T11:00:00Z'));
  assert.equal(cosemDateTimeToUtc(local(12, 0, 7, 15, 0x80), { fallbackZone: zone }), iso('2024-07-15T10:00:00Z'));
  // 2024-10-27 02:30 happens twice in Amsterdam: 00:30Z (CEST) and 01:30Z (CET).
  assert.equal(cosemDateTimeToUtc(local(2, 30, 10, 27, 0x80), { fallbackZone: zone }), iso('2024-10-27T00:30:00Z'));
  assert.equal(cosemDateTimeToUtc(local(2, 30, 10, 27, 0x00), { fallbackZone: zone }), iso('2024-10-27T01:30:00Z'));
  assert.equal(cosemDateTimeToUtc(local(2, 30, 10, 27, null), { fallbackZone: zone }), iso('2024-10-27T00:30:00Z'));
  // 2024-03-31 02:30 does not exist there.
  assertRaises(() => cosemDateTimeToUtc(local(2, 30, 3, 31, 0), { fallbackZone: zone }), 'DLMS_BAD_DATETIME');
  assertRaises(() => cosemDateTimeToUtc(local(2, 30, 3, 31, 0), { fallbackZone: 'Mars/Olympus' }), 'ZONE_INVALID');
});

test('utcToCosemDateTime: zone gives deviation and DST bit; encodes as the meter would', () => {
  const dt = utcToCosemDateTime(iso('2019-07-15T10:30:00.5Z'), { zone: 'Europe/Amsterdam' });
  assert.equal(toHex(encodeDateTimeOctets(dt)), '07E3070F010C1E0032FF8880');
  const winter = utcToCosemDateTime(iso('2018-02-11T23:00:00Z'), { deviationMinutes: -60 });
  assert.equal(toHex(encodeDateTimeOctets(winter)), '07E2020C0100000000FFC400');
  const inv = utcToCosemDateTime(iso('2018-02-11T23:00:00Z'), { deviationMinutes: 60, deviationSign: 'inverted', dst: true });
  assert.equal(toHex(encodeDateTimeOctets(inv)), '07E2020C0100000000003C80');
  assertRaises(() => utcToCosemDateTime(0, { deviationMinutes: 800 }), 'DLMS_BAD_DATETIME');
});

test('property: utc → date-time → utc is the identity for both signs and any deviation', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_102_444_800 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: -720, max: 720 }),
      fc.constantFrom('blue-book' as const, 'inverted' as const),
      (secs, hs, dev, sign) => {
        const epoch = secs + hs / 100;
        const dt = utcToCosemDateTime(epoch, { deviationMinutes: dev, deviationSign: sign });
        const back = decodeDateTimeOctets(encodeDateTimeOctets(dt));
        assert.deepEqual(back, dt);
        assert.equal(cosemDateTimeToUtc(back, { deviationSign: sign }), epoch);
        assert.equal(dt.dayOfWeek, ((new Date(secs * 1000 - (sign === 'blue-book' ? dev : -dev) * 60_000).getUTCDay() + 6) % 7) + 1);
      },
    ),
    { numRuns: 500 },
  );
});

test('property: civil day arithmetic agrees with Date', () => {
  fc.assert(
    fc.property(fc.integer({ min: -800_000, max: 800_000 }), (days) => {
      const { year, month, day } = civilFromDays(days);
      const dd = new Date(days * 86_400_000);
      assert.deepEqual([year, month, day], [dd.getUTCFullYear(), dd.getUTCMonth() + 1, dd.getUTCDate()]);
      assert.equal(daysFromCivil(year, month, day), days);
    }),
  );
});

test('date and time as plain octet-strings, with their lengths checked', () => {
  assert.deepEqual(decodeDateOctets(fromHex('07E8 FD FD 07')), { year: 2024, month: 'dst-end', day: 'second-last', dayOfWeek: 7 });
  assert.deepEqual(decodeTimeOctets(fromHex('FFFFFFFF')), { hour: null, minute: null, second: null, hundredths: null });
  assertRaises(() => decodeDateTimeOctets(fromHex('07E8')), 'DLMS_BAD_LENGTH');
  assertRaises(() => decodeDateOctets(fromHex('07E8 01 E0 01')), 'DLMS_BAD_DATETIME', 3);
  assertRaises(() => decodeTimeOctets(fromHex('18000000')), 'DLMS_BAD_DATETIME', 0);
  const all = decodeDateTimeOctets(fromHex('FFFFFFFFFFFFFFFFFF8000FF'));
  assert.deepEqual(all, {
    year: null, month: null, day: null, dayOfWeek: null, hour: null, minute: null, second: null, hundredths: null, deviation: null, clockStatus: null,
  });
  assert.equal(toHex(encodeDateTimeOctets(all)), 'FFFFFFFFFFFFFFFFFF8000FF');
});
