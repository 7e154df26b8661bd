import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstCoercion } from './raw-json.ts';

test('no difference means no coercion', () => {
  const a = { readings: [{ meter: 'E1', value: 5, quality: ['A', 'E'] }] };
  assert.equal(firstCoercion(a, structuredClone(a)), undefined);
});

test('the first coerced value is named by its JSON pointer', () => {
  assert.equal(firstCoercion({ readings: [{ value: '5' }] }, { readings: [{ value: 5 }] }), '/readings/0/value');
  assert.equal(firstCoercion({ readings: [{ value: null }] }, { readings: [{ value: 0 }] }), '/readings/0/value');
  assert.equal(firstCoercion({ q: 'A' }, { q: ['A'] }), '/q');
  assert.equal(firstCoercion({ a: 1 }, { a: 1, b: 2 }), '/');
  assert.equal(firstCoercion(1, '1'), '/');
});
