import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../../model/errors.ts';
import { d } from '../axdr/types.ts';
import { DLMS_UNITS, parseScalerUnit, scaleToInteger, toStored, unitSymbol } from './units.ts';

test('unit table: the electrical codes of the Blue Book enumeration', () => {
  assert.deepEqual([27, 28, 29, 30, 31, 32, 33, 35, 44, 13].map(unitSymbol), ['W', 'VA', 'var', 'Wh', 'VAh', 'varh', 'A', 'V', 'Hz', 'm³']);
  for (const k of Object.keys(DLMS_UNITS)) assert.ok(Number(k) >= 1 && Number(k) <= 255);
});

test('scaler_unit → stored integers', () => {
  assert.deepEqual(toStored(1234, { scaler: -1, unit: 30 }), { unit: 'Wh', value: 123, rounded: true });
  assert.deepEqual(toStored(1235, { scaler: -1, unit: 30 }), { unit: 'Wh', value: 124, rounded: true });
  assert.deepEqual(toStored(-1235, { scaler: -1, unit: 30 }), { unit: 'Wh', value: -124, rounded: true });
  assert.deepEqual(toStored(12, { scaler: 3, unit: 30 }), { unit: 'Wh', value: 12_000, rounded: false }); // kWh
  assert.deepEqual(toStored(2307, { scaler: -1, unit: 35 }), { unit: 'mV', value: 230_700, rounded: false });
  assert.deepEqual(toStored(93, { scaler: -2, unit: 33 }), { unit: 'mA', value: 930, rounded: false });
  assert.deepEqual(toStored(49_987, { scaler: -3, unit: 44 }), { unit: 'mHz', value: 49_987, rounded: false });
  assert.deepEqual(toStored(12_345, { scaler: -2, unit: 13 }), { unit: 'L', value: 123_450, rounded: false });
  assert.deepEqual(toStored(5, { scaler: 0, unit: 19 }), { unit: 'L', value: 5, rounded: false });
  assert.deepEqual(toStored(-950, { scaler: -3, unit: 255 }, 'permille'), { unit: 'permille', value: -950, rounded: false });
  assert.deepEqual(toStored(95, { scaler: 0, unit: 56 }, 'permille'), { unit: 'permille', value: 950, rounded: false });
  assert.deepEqual(toStored(0, { scaler: -5, unit: 30 }), { unit: 'Wh', value: 0, rounded: false });
  // float32/float64 registers: binary noise (230.7 × 1000 = 230700.00000000003) is not rounding
  assert.deepEqual(toStored(230.7, { scaler: 0, unit: 35 }), { unit: 'mV', value: 230_700, rounded: false });
  assert.deepEqual(toStored(230.7004, { scaler: 0, unit: 35 }), { unit: 'mV', value: 230_700, rounded: true });
  assert.deepEqual(toStored(2n ** 40n, { scaler: 1, unit: 30 }), { unit: 'Wh', value: 2 ** 40 * 10, rounded: false });
  assert.deepEqual(toStored(-15n, { scaler: -1, unit: 30 }), { unit: 'Wh', value: -2, rounded: true });
});

test('unsupported units, unit/channel mismatches and overflow are typed errors', () => {
  const code = (f: () => unknown, c: string): void => assert.throws(f, (e) => hasCode(e, c as never));
  code(() => toStored(1, { scaler: 0, unit: 28 }), 'DLMS_UNIT_UNSUPPORTED'); // VA has no stored unit
  code(() => toStored(1, { scaler: 0, unit: 255 }), 'DLMS_UNIT_UNSUPPORTED'); // count only for permille channels
  code(() => toStored(1, { scaler: 0, unit: 35 }, 'Wh'), 'DLMS_UNIT_UNSUPPORTED');
  code(() => toStored(4_294_967_295, { scaler: 9, unit: 30 }), 'DLMS_BAD_VALUE');
  code(() => toStored(Number.NaN, { scaler: 0, unit: 30 }), 'DLMS_BAD_VALUE');
  code(() => parseScalerUnit(d.structure(d.u8(0), d.enum(30))), 'DLMS_COSEM_BAD_OBJECT');
  code(() => parseScalerUnit(d.array()), 'DLMS_COSEM_BAD_OBJECT');
  assert.deepEqual(parseScalerUnit(d.structure(d.i8(-2), d.enum(33))), { scaler: -2, unit: 33 });
});

test('property: downscaling equals exact BigInt half-away-from-zero rounding', () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.integer({ min: -18, max: 0 }), (v, p) => {
    const big = scaleToInteger(BigInt(v), p);
    assert.deepEqual(scaleToInteger(v, p), big);
  }), { numRuns: 2000 });
});
