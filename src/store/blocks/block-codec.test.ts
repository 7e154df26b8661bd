import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DAY_S, MAX_VALUE, QUALITY, hasCode } from '../../model/index.ts';
import { decodeBlock, decodeBlockInto, encodeBlock, type DayBlock } from './block-codec.ts';

const INTERVALS = Array.from({ length: 3541 }, (_, i) => i + 60).filter((s) => DAY_S % s === 0);
const corrupt = (e: unknown): boolean => hasCode(e, 'BLOCK_CORRUPT');

const value = fc.oneof(
  fc.integer({ min: -2000, max: 2000 }),
  fc.constantFrom(0, MAX_VALUE, -MAX_VALUE, MAX_VALUE - 1, -(2 ** 30), 2 ** 30, 2 ** 31),
  fc.tuple(fc.integer({ min: -(2 ** 25), max: 2 ** 25 - 1 }), fc.integer({ min: 0, max: 2 ** 25 - 1 })).map(([h, l]) => h * 2 ** 25 + l),
);
const quality = fc.oneof(fc.constant(QUALITY.A), fc.integer({ min: 0, max: 5 }));

/** Any block the store could hold: every legal interval length, partial days, gaps, huge values. */
const block: fc.Arbitrary<Required<DayBlock>> = fc.constantFrom(...INTERVALS).chain((intervalS) => {
  const perDay = DAY_S / intervalS;
  return fc.oneof(fc.constant(0), fc.integer({ min: 0, max: perDay })).chain((first) =>
    fc.array(fc.tuple(value, quality, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 }))), { maxLength: perDay - first, size: 'max' }).map((rows) => ({
      intervalS,
      first,
      values: Float64Array.from(rows, ([v, q]) => (q === QUALITY.N ? 0 : v)),
      quality: Uint8Array.from(rows, ([, q]) => q),
      reason: Uint8Array.from(rows, ([, , r]) => r),
    })));
});

test('encodes a small block to the documented bytes', () => {
  const bytes = encodeBlock({ intervalS: 900, first: 0, values: Float64Array.of(10, 12, 11), quality: new Uint8Array(3) });
  assert.deepEqual([...bytes], [1, 0x84, 0x07, 0, 3, 1, 0, 0, 3, 20, 4, 1]);
});

test('missing intervals cost a run, not value bytes', () => {
  const q = Uint8Array.of(0, 4, 4, 4, 0);
  const bytes = encodeBlock({ intervalS: 900, first: 10, values: Float64Array.of(5, 0, 0, 0, 6), quality: q });
  assert.deepEqual([...bytes], [1, 0x84, 0x07, 10, 5, 3, 0, 0, 1, 4, 0, 3, 0, 0, 1, 10, 2]);
  assert.deepEqual(decodeBlock(bytes), { intervalS: 900, first: 10, values: Float64Array.of(5, 0, 0, 0, 6), quality: q, reason: new Uint8Array(5) });
});

test('a day of household quarter-hours costs well under 2 bytes a reading', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const values = Float64Array.from({ length: 96 }, (_, i) => {
    const h = i / 4;
    const shape = 120 + 250 * Math.exp(-((h - 8) ** 2) / 3) + 600 * Math.exp(-((h - 19) ** 2) / 4);
    return Math.min(1500, Math.round(shape + rnd() * 60));
  });
  const bytes = encodeBlock({ intervalS: 900, first: 0, values, quality: new Uint8Array(96) });
  assert.ok(bytes.length / 96 < 1.5, `${bytes.length / 96} bytes a reading`);
});

test('decodeBlockInto places intervals by day index and clips to the target', () => {
  const bytes = encodeBlock({ intervalS: 3600, first: 2, values: Float64Array.of(1, 2, 3, 4), quality: Uint8Array.of(0, 2, 2, 0), reason: Uint8Array.of(0, 9, 9, 0) });
  const values = new Float64Array(3);
  const quality = new Uint8Array(3).fill(QUALITY.N);
  const reason = new Uint8Array(3);
  const h = decodeBlockInto(bytes, values, quality, reason, -3);
  assert.deepEqual(h, { intervalS: 3600, first: 2, count: 4, step: 1, reasons: true });
  assert.deepEqual([...values], [2, 3, 4]);
  assert.deepEqual([...quality], [2, 2, 0]);
  assert.deepEqual([...reason], [9, 9, 0]);
});

test('encode refuses what a block cannot hold', () => {
  const bad: DayBlock[] = [
    { intervalS: 7, first: 0, values: new Float64Array(1), quality: new Uint8Array(1) },
    { intervalS: 3600, first: 20, values: new Float64Array(5), quality: new Uint8Array(5) },
    { intervalS: 900, first: 0, values: Float64Array.of(0.5), quality: new Uint8Array(1) },
    { intervalS: 900, first: 0, values: Float64Array.of(MAX_VALUE + 2), quality: new Uint8Array(1) },
    { intervalS: 900, first: 0, values: Float64Array.of(Number.NaN), quality: new Uint8Array(1) },
    { intervalS: 900, first: 0, values: Float64Array.of(1), quality: Uint8Array.of(6) },
    { intervalS: 900, first: 0, values: Float64Array.of(1), quality: new Uint8Array(2) },
  ];
  for (const b of bad) assert.throws(() => encodeBlock(b), (e: unknown) => hasCode(e, 'SERIES_INVALID'));
});

test('property: decode(encode(x)) = x', () => {
  fc.assert(fc.property(block, (b) => {
    assert.deepEqual(decodeBlock(encodeBlock(b)), b);
  }), { numRuns: 300 });
});

test('property: every allowed interval length round-trips a full day of extremes', () => {
  for (const intervalS of INTERVALS) {
    const n = DAY_S / intervalS;
    const values = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? MAX_VALUE : i % 3 === 1 ? -MAX_VALUE : i));
    const b = { intervalS, first: 0, values, quality: new Uint8Array(n), reason: new Uint8Array(n) };
    assert.deepEqual(decodeBlock(encodeBlock(b)), b);
  }
});

test('property: every strict prefix of a block is BLOCK_CORRUPT', () => {
  fc.assert(fc.property(block, (b) => {
    const bytes = encodeBlock(b);
    for (let len = 0; len < bytes.length; len++) assert.throws(() => decodeBlock(bytes.subarray(0, len)), corrupt);
  }), { numRuns: 25 });
});

/** A decode either yields a block that re-encodes to itself, or fails with BLOCK_CORRUPT. */
function decodesCleanly(bytes: Uint8Array): void {
  let b: Required<DayBlock>;
  try {
    b = decodeBlock(bytes);
  } catch (e) {
    assert.ok(corrupt(e), `unexpected ${String(e)}`);
    return;
  }
  assert.deepEqual(decodeBlock(encodeBlock(b)), b);
}

test('fuzz: random bytes decode or fail with BLOCK_CORRUPT', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesCleanly), { numRuns: 2000 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (tail) => decodesCleanly(Uint8Array.of(1, 0x84, 0x07, ...tail))), { numRuns: 2000 });
});

test('fuzz: mutated valid blocks decode or fail with BLOCK_CORRUPT', () => {
  fc.assert(fc.property(block, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (b, edits) => {
    const bytes = encodeBlock(b);
    if (bytes.length === 0) return;
    for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
    decodesCleanly(bytes);
  }), { numRuns: 500 });
});

test('values with a common step (voltage at 0.1 V in mV) are stored divided by it', () => {
  const values = Float64Array.from({ length: 96 }, (_, i) => 230_000 + 100 * Math.round(10 * Math.sin(i / 7)));
  const q = new Uint8Array(96);
  const bytes = encodeBlock({ intervalS: 900, first: 0, values, quality: q });
  assert.equal(bytes[0], 2, 'format 2 carries the step');
  assert.ok(bytes.length / 96 < 1.2, `${bytes.length / 96} bytes a reading`);
  assert.deepEqual([...decodeBlock(bytes).values], [...values]);
});

test('property: blocks of multiples of any step round-trip', () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 10_000 }), fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 96 }), (step, ks) => {
    const values = Float64Array.from(ks, (k) => k * step);
    const quality = new Uint8Array(values.length);
    assert.deepEqual([...decodeBlock(encodeBlock({ intervalS: 900, first: 0, values, quality })).values], [...values]);
  }));
});
