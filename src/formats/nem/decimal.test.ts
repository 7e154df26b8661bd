import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDecimal, parseValueAt, roundShift, valueEnd } from './decimal.ts';
import { formatScaled } from './nem12.fixture.ts';

test('kWh with up to 3 decimals is exact in Wh; trailing zeros and leading zeros are fine', () => {
  assert.equal(parseDecimal('1.111', 3), 1111);
  assert.equal(parseDecimal('325.800', 3), 325800);
  assert.equal(parseDecimal('000888', 3), 888000);
  assert.equal(parseDecimal('0', 3), 0);
  assert.equal(parseDecimal('1.', 3), 1000);
  assert.equal(parseDecimal('-10.000', 3), -10000);
  assert.equal(parseDecimal('239.13', 3), 239130);
  assert.equal(parseDecimal('12.5', 0), 12, 'half to even: 12.5 → 12');
  assert.equal(parseDecimal('13.5', 0), 14, 'half to even: 13.5 → 14');
  assert.equal(parseDecimal('1.23456', 3), 1235);
  assert.equal(parseDecimal('1.23449', 3), 1234);
  assert.ok(Object.is(parseDecimal('-0.000', 3), 0), 'no negative zero');
});

test('anything but a plain decimal is NaN', () => {
  for (const s of ['', '-', '.', '1e3', '+1', ' 1', '1 ', '1.2.3', '0x10', 'NaN', '1,0', '99999999999999999999']) {
    assert.ok(Number.isNaN(parseDecimal(s, 3)), JSON.stringify(s));
  }
  assert.ok(Number.isNaN(parseDecimal(String(2 ** 50 + 1), 0)), 'beyond 2^50 in the stored unit');
  assert.ok(Number.isNaN(parseDecimal('2000000000000', 3)), '2e12 kWh is 2e15 Wh > 2^50');
});

test('parseValueAt reads from bytes and stops at the first byte of no number', () => {
  const b = Buffer.from('300,1.5,22,x');
  assert.equal(parseValueAt(b, 4, 3), 1500);
  assert.equal(valueEnd, 7);
  assert.equal(parseValueAt(b, 8, 3), 22000);
  assert.equal(valueEnd, 10);
  assert.ok(Number.isNaN(parseValueAt(b, 11, 3)));
});

test('roundShift is round-half-even integer division for any safe integer', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 15 }), (m, k) => {
    const p = 10n ** BigInt(k);
    const big = BigInt(m);
    let q = big / p;
    const r2 = (big % p) * 2n;
    if (r2 > p || (r2 === p && q % 2n === 1n)) q += 1n;
    assert.equal(roundShift(m, k), Number(q));
  }));
});

test('bytes and text parsing agree, and formatScaled round-trips', () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.constantFrom(0, 3, 6), (v, exp) => {
    const text = formatScaled(v, exp);
    assert.equal(parseDecimal(text, exp), v);
    assert.equal(parseValueAt(Buffer.from(`${text},`), 0, exp), v);
  }));
});

test('a value that ends the buffer stops there (the last line of a file without a newline)', () => {
  const b = Buffer.from('300,20240101,12');
  assert.equal(parseValueAt(b.subarray(13), 0, 3), 12000);
  assert.equal(valueEnd, 2);
  assert.ok(Number.isNaN(parseValueAt(Buffer.from('-'), 0, 3)));
});
