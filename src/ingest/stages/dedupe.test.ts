import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { obis } from '../../model/obis.ts';
import { QUALITY } from '../../model/quality.ts';
import { dedupe } from './dedupe.ts';
import { PointGroup } from './points.ts';

const CH = obis('1-0:1.8.0');
const T = 1_795_690_800;

/** Points as [end, value, quality, item]. */
function group(points: [number, number, number, number][], intervalS = 900): PointGroup {
  const g = new PointGroup('SIM000001', CH, intervalS);
  for (const [e, v, q, i] of points) g.push(e, v, q, i);
  return g;
}

const runs = (s: ReturnType<typeof dedupe>['series']): [number, number[]][] => s.map((x) => [x.start, [...x.values]]);

test('increasing points become contiguous runs', () => {
  const g = group([[T, 1, 0, 0], [T + 900, 2, 0, 1], [T + 2700, 3, 0, 2]]);
  const out = dedupe([g]);
  assert.deepEqual(out.faults, []);
  assert.deepEqual(runs(out.series), [[T - 900, [1, 2]], [T + 1800, [3]]]);
  assert.ok(out.series[0]!.values instanceof Float64Array && out.series[0]!.quality instanceof Uint8Array);
});

test('an identical duplicate collapses to one interval', () => {
  const out = dedupe([group([[T, 7, 0, 0], [T + 900, 8, 0, 1], [T, 7, 0, 2]])]);
  assert.deepEqual(out.faults, []);
  assert.deepEqual(runs(out.series), [[T - 900, [7, 8]]]);
});

test('a conflicting duplicate rejects the later item whole, keeping the earlier', () => {
  const out = dedupe([group([
    [T, 7, 0, 0],
    [T - 900, 1, 0, 1], [T, 9, 0, 1], // series item 1 clashes at T
    [T + 900, 8, 0, 2],
  ])]);
  assert.deepEqual(out.faults.map((f) => [f.index, f.code]), [[1, 'INGEST_DUPLICATE_CONFLICT']]);
  assert.match(out.faults[0]!.reason, /already has 7 \(A\) from item 0/);
  assert.deepEqual(runs(out.series), [[T - 900, [7, 8]]]);
});

test('a different quality alone is a conflict too', () => {
  const out = dedupe([group([[T, 7, QUALITY.A, 0], [T, 7, QUALITY.E, 1]])]);
  assert.deepEqual(out.faults.map((f) => f.index), [1]);
});

test('a rejected item does not make a later item conflict', () => {
  const out = dedupe([group([[T, 1, 0, 0], [T, 2, 0, 1], [T + 900, 5, 0, 1], [T + 900, 6, 0, 2]])]);
  assert.deepEqual(out.faults.map((f) => f.index), [1]);
  assert.deepEqual(runs(out.series), [[T - 900, [1, 6]]]);
});

test('out-of-order items are sorted into runs', () => {
  const out = dedupe([group([[T + 1800, 3, 0, 0], [T, 1, 0, 1], [T + 900, 2, 0, 2]])]);
  assert.deepEqual(runs(out.series), [[T - 900, [1, 2, 3]]]);
});

test('property: output equals "first item wins unless it conflicts", as runs on the grid', () => {
  const pt = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 }));
  fc.assert(fc.property(fc.array(pt, { maxLength: 40 }), (pts) => {
    const g = group(pts.map(([slot, v], i) => [T + slot * 900, v, 0, i]));
    const out = dedupe([g]);
    const expect = new Map<number, number>();
    const rejected: number[] = [];
    pts.forEach(([slot, v], i) => {
      const had = expect.get(slot);
      if (had === undefined) expect.set(slot, v);
      else if (had !== v) rejected.push(i);
    });
    assert.deepEqual(out.faults.map((f) => f.index), rejected);
    const got = new Map<number, number>();
    for (const s of out.series) {
      assert.equal(s.start % 900, 0);
      s.values.forEach((v, k) => got.set((s.start - T) / 900 + k + 1, v));
    }
    assert.deepEqual([...got.entries()].sort((a, b) => a[0] - b[0]), [...expect.entries()].sort((a, b) => a[0] - b[0]));
  }), { numRuns: 300 });
});
