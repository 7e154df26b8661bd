import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hash32, Rng, seedToInt } from './prng.ts';

test('a stream is a pure function of its key', () => {
  fc.assert(fc.property(fc.nat(), fc.nat(), fc.integer({ min: -1e6, max: 1e6 }), fc.nat(20), (s, a, b, c) => {
    const x = new Rng(s, a, b, c);
    const y = new Rng().reseed(s, a, b, c);
    for (let i = 0; i < 20; i++) assert.equal(x.u32(), y.u32());
  }));
});

test('neighbouring keys give unrelated streams', () => {
  const firsts = new Set<number>();
  for (let m = 0; m < 200; m++) for (let d = 0; d < 50; d++) firsts.add(new Rng(1, m, d, 3).u32());
  assert.equal(firsts.size, 200 * 50);
  assert.notEqual(hash32(1, 2, 3, 4), hash32(1, 2, 4, 3));
});

test('uniform, triangular and normal draws have the moments they claim', () => {
  const rng = new Rng(7, 0, 0, 0);
  const n = 200_000;
  const moments = (draw: () => number): [number, number] => {
    let s = 0, ss = 0;
    for (let i = 0; i < n; i++) { const x = draw(); s += x; ss += x * x; }
    return [s / n, ss / n - (s / n) ** 2];
  };
  const [mu, vu] = moments(() => rng.next());
  assert.ok(Math.abs(mu - 0.5) < 0.005 && Math.abs(vu - 1 / 12) < 0.002);
  for (const draw of [() => rng.tri(), () => rng.normal()]) {
    const [m, v] = moments(draw);
    assert.ok(Math.abs(m) < 0.01 && Math.abs(v - 1) < 0.02, `mean ${m} var ${v}`);
  }
  for (let i = 0; i < 1000; i++) { const k = rng.int(7); assert.ok(k >= 0 && k < 7 && Number.isInteger(k)); }
});

test('seeds given as text fold to a stable 32-bit number', () => {
  assert.equal(seedToInt(42), 42);
  assert.equal(seedToInt('demo'), seedToInt('demo'));
  assert.notEqual(seedToInt('demo'), seedToInt('demo2'));
  assert.ok(Number.isInteger(seedToInt(-3.5)) && seedToInt(-3.5) >= 0);
});
