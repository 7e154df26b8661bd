import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OBIS_TABLE, parseObisParts, shortObis } from '../../model/index.ts';
import { mapReadingType, readingTypeFields, scaleExact, SERVICE_OF_KIND, meterKindOf } from './reading-type-map.ts';

const ctx = (serviceKind?: number, title?: string) => ({ serviceKind, title, line: 3, source: 'rt.xml' });
const fieldsOf = (pairs: [string, number][]): Record<string, string> => Object.fromEntries(pairs.map(([k, v]) => [k, String(v)]));

test('every OBIS row maps back to itself from the ReadingType export writes (with the OBIS title for channel variants)', () => {
  for (const def of OBIS_TABLE.values()) {
    for (const intervalS of [300, 900, 3600]) {
      const rt = fieldsOf(readingTypeFields(def, intervalS));
      const m = mapReadingType(rt, ctx(SERVICE_OF_KIND[meterKindOf(def)], `${shortObis(def.obis)} ${def.name}`));
      assert.equal(m.def.obis, def.obis, def.obis);
      assert.equal(m.register, false);
      assert.equal(m.intervalLength, intervalS);
      // The stored integer is the ESPI value: value × 10^multiplier × factor = value.
      assert.equal(scaleExact(12_345, m.pow10, m.factor), 12_345, def.obis);
      const p = parseObisParts(def.obis);
      if (p.a !== 0 && p.b === 0) assert.equal(mapReadingType(rt, ctx()).def.obis, def.obis, `${def.obis} without a title`);
    }
  }
});

test('the Green Button sample ReadingType (hourly Wh, forward, phase S12N, USD) is 1-0:1.8.0', () => {
  const rt = { accumulationBehaviour: '4', commodity: '1', currency: '840', dataQualifier: '12', flowDirection: '1', intervalLength: '3600', kind: '12', phase: '769', powerOfTenMultiplier: '0', timeAttribute: '0', uom: '72' };
  const m = mapReadingType(rt, ctx(0));
  assert.deepEqual([m.def.obis, m.pow10, m.register, m.intervalLength], ['1-0:1.8.0.255', 0, false, 3600]);
});

test('a title that names another quantity than the ReadingType is ignored', () => {
  assert.equal(mapReadingType({ uom: '72' }, ctx(0, '1-0:32.7.0 Voltage L1')).def.obis, '1-0:1.8.0.255');
  assert.equal(mapReadingType({ uom: '72' }, ctx(0, '1-3:1.8.0 sub-meter')).def.obis, '1-3:1.8.0.255');
});

test('property: scaleExact is exact and rounds half to even', () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: -6, max: 3 }), (v, e) => {
    const got = scaleExact(v, e, { m: 1n, e: 0 })!;
    if (e >= 0) assert.equal(got, v * 10 ** e);
    else {
      const exact = v / 10 ** -e;
      assert.ok(Math.abs(got - exact) <= 0.5 + 1e-9, `${v}e${e} → ${got}`);
      if (Math.abs(Math.abs(exact % 1) - 0.5) < 1e-12) assert.equal(Math.abs(got) % 2, 0, `half to even: ${v}e${e} → ${got}`);
    }
  }));
  assert.equal(scaleExact(15, -1, { m: 1n, e: 0 }), 2);
  assert.equal(scaleExact(25, -1, { m: 1n, e: 0 }), 2);
  assert.equal(scaleExact(-25, -1, { m: 1n, e: 0 }), -2);
  assert.equal(scaleExact(1, 0, { m: 28_316_846_592n, e: -9 }), 28);
  assert.equal(scaleExact(2 ** 52, 2, { m: 1n, e: 0 }), undefined);
});
