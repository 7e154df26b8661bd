import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Fifo } from './fifo.ts';

test('property: behaves like an array queue under any push/shift/drain sequence', () => {
  const op = fc.oneof(fc.record({ push: fc.integer() }), fc.constant('shift' as const), fc.constant('drain' as const));
  fc.assert(fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
    const q = new Fifo<number>();
    const ref: number[] = [];
    for (const o of ops) {
      if (o === 'shift') assert.equal(q.shift(), ref.shift());
      else if (o === 'drain') assert.deepEqual(q.drain(), ref.splice(0));
      else { q.push(o.push); ref.push(o.push); }
      assert.equal(q.length, ref.length);
    }
  }), { numRuns: 50 });
});

test('compacts after many shifts without losing items', () => {
  const q = new Fifo<number>();
  for (let i = 0; i < 5000; i++) q.push(i);
  for (let i = 0; i < 4000; i++) assert.equal(q.shift(), i);
  assert.deepEqual(q.drain(), Array.from({ length: 1000 }, (_, i) => 4000 + i));
});
