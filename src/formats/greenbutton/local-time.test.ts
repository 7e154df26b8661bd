import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { decodeRule, encodeRule, KNOWN_ZONES, localTimeOf, ruleInstant, zoneForLocalTime } from './local-time.ts';

test('the Green Button sample rules decode as the US rules (second Sunday of March, first Sunday of November, 02:00)', () => {
  assert.deepEqual(decodeRule('360E2000'), { month: 3, operator: 3, dayOfMonth: 0, dayOfWeek: 7, hour: 2, seconds: 0 });
  assert.deepEqual(decodeRule('B40E2000'), { month: 11, operator: 2, dayOfMonth: 0, dayOfWeek: 7, hour: 2, seconds: 0 });
  assert.equal(decodeRule('FFFFFFFF'), undefined);
  // 2011-03-13 02:00 PST = 10:00 UTC; 2011-11-06 02:00 PDT = 09:00 UTC.
  assert.equal(ruleInstant(decodeRule('360E2000')!, 2011, -28_800), Date.UTC(2011, 2, 13, 10) / 1000);
  assert.equal(ruleInstant(decodeRule('B40E2000')!, 2011, -25_200), Date.UTC(2011, 10, 6, 9) / 1000);
});

test('zones encode to their ESPI parameters, and the corpus parameters name the zone', () => {
  assert.deepEqual(localTimeOf('America/Los_Angeles', 2011), { tzOffset: -28_800, dstOffset: 3600, dstStartRule: '360E2000', dstEndRule: 'B40E2000' });
  assert.deepEqual(localTimeOf('Europe/Amsterdam', 2026), { tzOffset: 3600, dstOffset: 3600, dstStartRule: '3E0E2000', dstEndRule: 'AE0E3000' });
  assert.deepEqual(localTimeOf('Asia/Tokyo', 2026), { tzOffset: 32_400, dstOffset: 0, dstStartRule: 'FFFFFFFF', dstEndRule: 'FFFFFFFF' });
  assert.equal(zoneForLocalTime({ tzOffset: -28_800, dstOffset: 3600, dstStartRule: '360E2000', dstEndRule: 'B40E2000' }), 'America/Los_Angeles');
  assert.equal(zoneForLocalTime({ tzOffset: -18_000, dstOffset: 3600, dstStartRule: '360E2000', dstEndRule: 'B40E2000' }), 'America/New_York');
  assert.equal(zoneForLocalTime({ tzOffset: -18_000, dstOffset: 3600, dstStartRule: '360E2000', dstEndRule: 'B40E2000' }, 'America/Detroit'), 'America/Detroit');
  assert.equal(zoneForLocalTime({ tzOffset: 3600, dstOffset: 3600, dstStartRule: '3E0E2000', dstEndRule: 'AE0E3000' }, 'Europe/Paris'), 'Europe/Paris');
  // The NGMA gas files say +5 h with US rules: no zone has that.
  assert.equal(zoneForLocalTime({ tzOffset: 18_000, dstOffset: 3600, dstStartRule: '360E2000', dstEndRule: 'B40E2000' }), undefined);
  assert.equal(zoneForLocalTime({ tzOffset: 0, dstOffset: 3600, dstStartRule: 'FFFFFFFF', dstEndRule: 'FFFFFFFF' }), 'UTC');
});

test('property: a rule lands exactly on the zone\'s offset change, for every known zone with DST and many years', () => {
  fc.assert(fc.property(fc.constantFrom(...KNOWN_ZONES), fc.integer({ min: 2008, max: 2037 }), (zone, year) => {
    const ltp = localTimeOf(zone, year);
    if (ltp.dstOffset === 0) return;
    const z = IANAZone.create(zone);
    for (const [rule, before] of [[ltp.dstStartRule, ltp.tzOffset], [ltp.dstEndRule, ltp.tzOffset + ltp.dstOffset]] as const) {
      const t = ruleInstant(decodeRule(rule)!, year, before);
      assert.equal(z.offset((t - 1) * 1000) * 60, before, `${zone} ${year} ${rule} before`);
      assert.notEqual(z.offset(t * 1000) * 60, before, `${zone} ${year} ${rule} after`);
    }
  }), { numRuns: 200 });
});

test('property: encodeRule and decodeRule are inverse', () => {
  fc.assert(fc.property(fc.record({
    month: fc.integer({ min: 1, max: 12 }), operator: fc.integer({ min: 0, max: 7 }), dayOfMonth: fc.integer({ min: 0, max: 31 }),
    dayOfWeek: fc.integer({ min: 0, max: 7 }), hour: fc.integer({ min: 0, max: 23 }), seconds: fc.integer({ min: 0, max: 3599 }),
  }), (raw) => {
    const r = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v + 0])) as typeof raw; // no -0
    const hex = encodeRule(r);
    assert.match(hex, /^[0-9A-F]{8}$/);
    assert.deepEqual(decodeRule(hex), r);
  }));
});
