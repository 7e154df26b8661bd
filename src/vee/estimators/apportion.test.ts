import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apportion } from './apportion.ts';

test('largest remainder: 10 Wh over weights 1:1:1 gives 4, 3, 3 (the earliest of equal remainders wins)', () => {
  assert.deepEqual([...apportion(10, [1, 1, 1])], [4, 3, 3]);
});

test('largest remainder: the unit left over goes to the largest fractional part', () => {
  // 7 × (2, 3, 5)/10 = 1.4, 2.1, 3.5 → floors 1, 2, 3 (6); the remaining unit goes to 3.5.
  assert.deepEqual([...apportion(7, [2, 3, 5])], [1, 2, 4]);
});

test('zero weights spread the total evenly; an empty list gets nothing', () => {
  assert.deepEqual([...apportion(5, [0, 0, 0, 0])], [2, 1, 1, 1]);
  assert.deepEqual([...apportion(0, [3, 1])], [0, 0]);
  assert.equal(apportion(5, []).length, 0);
});

test('a negative total is the mirror image', () => {
  assert.deepEqual([...apportion(-7, [2, 3, 5])], [-1, -2, -4]);
});

test('bad input is refused', () => {
  assert.throws(() => apportion(1.5, [1]), RangeError);
  assert.throws(() => apportion(3, [1, -1]), RangeError);
  assert.throws(() => apportion(3, [Number.NaN]), RangeError);
});

test('property: the shares are integers that sum exactly to the total, each within 1 of its exact share', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 10_000_000 }),
    fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 200 }),
    (total, weights) => {
      const out = apportion(total, weights);
      const w = weights.reduce((a, b) => a + b, 0);
      let s = 0;
      out.forEach((v, i) => {
        assert.ok(Number.isInteger(v) && v >= 0, `share ${v}`);
        const exact = w > 0 ? (total * weights[i]!) / w : total / weights.length;
        assert.ok(Math.abs(v - exact) < 1 + 1e-6, `share ${v} vs exact ${exact}`);
        s += v;
      });
      assert.equal(s, total);
    },
  ), { numRuns: 500 });
});
