import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockCache, type CachedDay } from './block-cache.ts';
import { emptyDay } from './day-block.ts';

const entry = (n: number, version = 1): CachedDay => ({ day: emptyDay(n), version, recordedAt: 0 });

test('evicts the least recently used entries once the interval budget is spent', () => {
  const c = new BlockCache(96 * 3);
  for (const k of [1, 2, 3]) c.set(k, entry(96));
  assert.ok(c.get(1));
  c.set(4, entry(96));
  assert.equal(c.get(2), undefined);
  assert.ok(c.get(1) && c.get(3) && c.get(4));
  c.set(5, entry(288));
  assert.equal(c.size, 1);
  c.set(6, entry(1000));
  assert.equal(c.get(6), undefined, 'an entry larger than the budget is not kept');
  c.clear();
  assert.equal(c.get(5), undefined);
});

test('a cyclic scan no larger than the budget always hits', () => {
  const c = new BlockCache(96 * 1000);
  for (let k = 0; k < 1000; k++) c.set(k, entry(96));
  for (let round = 0; round < 3; round++) for (let k = 0; k < 1000; k++) assert.ok(c.get(k));
});

test('property: behaves like a reference LRU', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 20 }), n: fc.constantFrom(24, 96, 288) }),
    fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 20 }) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
    const budget = 600;
    const c = new BlockCache(budget);
    const ref: [number, CachedDay][] = [];
    ops.forEach((o, i) => {
      const at = ref.findIndex(([k]) => k === o.key);
      if (o.kind === 'get') {
        const hit = c.get(o.key);
        assert.equal(hit, at >= 0 ? ref[at]![1] : undefined);
        if (at >= 0) ref.push(...ref.splice(at, 1));
        return;
      }
      const e = entry(o.n, i);
      c.set(o.key, e);
      if (at >= 0) ref.splice(at, 1);
      ref.push([o.key, e]);
      while (ref.reduce((s, [, v]) => s + v.day.values.length, 0) > budget) ref.shift();
    });
    assert.equal(c.size, ref.length);
  }));
});

test('keys keep channel and day apart, including days before 1970', () => {
  const keys = new Set<number>();
  for (const ch of [1, 2, 1_000_000]) for (const day of [-30_000, -1, 0, 1, 20_000, 100_000]) keys.add(BlockCache.key(ch, day));
  assert.equal(keys.size, 18);
});
