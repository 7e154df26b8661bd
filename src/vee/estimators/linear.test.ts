import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { interpolate } from './linear.ts';

test('Itron IEE MDM worked example: 75, four missing, 100 → 80, 85, 90, 95', () => {
  const out = new Float64Array(4);
  interpolate(75, 100, 4, out, 0, true);
  assert.deepEqual([...out], [80, 85, 90, 95]);
});

test('one missing interval between 10 and 20 is 15; a falling gap falls', () => {
  const out = new Float64Array(3);
  interpolate(10, 20, 1, out, 1, true);
  assert.equal(out[1], 15);
  interpolate(30, 0, 2, out, 0, true);
  assert.deepEqual([...out.subarray(0, 2)], [20, 10]);
});

test('property: between non-negative anchors the result is never negative and stays within the anchors', () => {
  fc.assert(fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.integer({ min: 1, max: 96 }), (a, b, n) => {
    const out = new Float64Array(n);
    interpolate(a, b, n, out, 0, true);
    for (const v of out) {
      assert.ok(Number.isInteger(v) && v >= 0);
      assert.ok(v >= Math.min(a, b) && v <= Math.max(a, b));
      assert.ok(!Object.is(v, -0));
    }
  }), { numRuns: 500 });
});

test('property: with nonNegative, even a negative anchor never yields negative energy', () => {
  fc.assert(fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 20 }), (a, b, n) => {
    const out = new Float64Array(n);
    interpolate(a, b, n, out, 0, true);
    for (const v of out) assert.ok(v >= 0);
  }));
});
