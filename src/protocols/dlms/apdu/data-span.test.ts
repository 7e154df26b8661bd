import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRaises, fromHex } from '../../_harness/index.ts';
import { DEFAULT_MAX_DEPTH, d, decodeData, encodeData, type DlmsData } from '../axdr/index.ts';
import { isDlmsError } from '../errors.ts';
import { dataArb } from '../axdr/conformance/arbitraries.ts';
import { skipData } from './index.ts';

const FIXED: Record<number, number> = { 0: 0, 255: 0, 3: 1, 5: 4, 6: 4, 13: 1, 15: 1, 16: 2, 17: 1, 18: 2, 20: 8, 21: 8, 22: 1, 23: 4, 24: 8, 25: 12, 26: 5, 27: 4 };

/** Load-profile-like arrays: rows of one shape, some cells null, some octet strings of another length. */
const cellArb: fc.Arbitrary<(v: number) => DlmsData> = fc.constantFrom(
  (v: number) => d.u32(v >>> 0),
  (v: number) => d.u16(v & 0xffff),
  (v: number) => d.i8((v & 0x7f) - 64),
  (v: number) => d.octets(Uint8Array.from({ length: 12 }, (_, i) => (v + i) & 0xff)),
  (v: number) => d.structure(d.u8(v & 0xff), d.octets(Uint8Array.from([v & 0xff]))),
);
const uniformArb = fc
  .record({ shape: fc.array(cellArb, { minLength: 1, maxLength: 6 }), rows: fc.array(fc.array(fc.integer(), { minLength: 6, maxLength: 6 }), { minLength: 2, maxLength: 40 }) })
  .chain(({ shape, rows }) =>
    fc.array(fc.nat(), { minLength: rows.length, maxLength: rows.length }).map((odd) =>
      d.array(...rows.map((vals, r) => d.structure(...shape.map((cell, c) => {
        if (odd[r]! % 11 === 0 && c === 0) return d.null();
        if (odd[r]! % 13 === 0 && c === shape.length - 1) return d.octets(Uint8Array.of(1, 2, 3));
        return cell(vals[c]!);
      })))),
    ),
  );

test('skipData on uniform arrays agrees with checking every element, intact or mutated', () => {
  fc.assert(fc.property(uniformArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(), (value, flips, cut) => {
    const bytes = encodeData(value);
    assert.equal(skipData(bytes), bytes.length);
    const mutated = Uint8Array.from(bytes);
    for (const [at, v] of flips) mutated[at % mutated.length] = v;
    const input = cut % 4 === 0 ? mutated.subarray(0, cut % mutated.length) : mutated;
    let got: { end: number } | { code: string; offset: number | undefined };
    try {
      got = { end: skipData(input) };
    } catch (err) {
      assert.ok(isDlmsError(err), String(err));
      got = { code: err.code, offset: err.offset };
    }
    const expected = referenceOutcome(input);
    if ('end' in expected) assert.deepEqual(got, expected);
    else assert.ok('code' in got, `expected a failure, got ${JSON.stringify(got)}`);
  }), { numRuns: 400 });
});

/**
 * Reference: every element checked on its own, as skipData did before the uniform-array template;
 * the end, or a failure (out of bounds, bad tag, bad length, too deep). A compact array (which a
 * mutation can produce) is skipped as skipData does: its type description, then its contents.
 */
function referenceOutcome(b: Uint8Array): { end: number } | { failed: true } {
  try {
    const end = refChecked(b, 0, 0);
    return { end };
  } catch {
    return { failed: true };
  }
}

function refLength(b: Uint8Array, at: number): [n: number, pos: number] {
  let pos = at;
  if (pos >= b.length) throw new Error('bad');
  let n = b[pos++]!;
  if (n >= 0x80) {
    const k = n & 0x7f;
    if (k === 0 || k > 4 || pos + k > b.length) throw new Error('bad');
    n = 0;
    for (let i = 0; i < k; i++) n = n * 256 + b[pos++]!;
  }
  return [n, pos];
}

function refDescription(b: Uint8Array, at: number, depth: number): number {
  let pos = at;
  if (depth > DEFAULT_MAX_DEPTH || pos >= b.length) throw new Error('bad');
  const tag = b[pos++]!;
  if (tag === 1) {
    if (pos + 2 > b.length) throw new Error('bad');
    return refDescription(b, pos + 2, depth + 1);
  }
  if (tag === 2) {
    const [n, p] = refLength(b, pos);
    if (n > b.length - p) throw new Error('bad');
    pos = p;
    for (let i = 0; i < n; i++) pos = refDescription(b, pos, depth + 1);
    return pos;
  }
  if (FIXED[tag] === undefined && ![4, 9, 10, 12].includes(tag)) throw new Error('bad');
  return pos;
}

function refChecked(b: Uint8Array, at: number, depth: number): number {
  let pos = at;
  if (depth > DEFAULT_MAX_DEPTH || pos >= b.length) throw new Error('bad');
  const tag = b[pos++]!;
  if (FIXED[tag] !== undefined) {
    if (pos + FIXED[tag]! > b.length) throw new Error('bad');
    return pos + FIXED[tag]!;
  }
  if (tag === 19) {
    const [len, p] = refLength(b, refDescription(b, pos, depth + 1));
    if (p + len > b.length) throw new Error('bad');
    return p + len;
  }
  if (![1, 2, 4, 9, 10, 12].includes(tag)) throw new Error('bad');
  let n: number;
  [n, pos] = refLength(b, pos);
  if (tag === 1 || tag === 2) {
    if (n > b.length - pos) throw new Error('bad');
    for (let i = 0; i < n; i++) pos = refChecked(b, pos, depth + 1);
    return pos;
  }
  const size = tag === 4 ? Math.ceil(n / 8) : n;
  if (pos + size > b.length) throw new Error('bad');
  return pos + size;
}

test('skipData finds the end of any A-XDR value that decodes', () => {
  fc.assert(fc.property(dataArb, (value) => {
    const bytes = encodeData(value);
    const withTail = Uint8Array.of(...bytes, 0xaa, 0xbb);
    assert.equal(skipData(withTail), decodeData(withTail).end);
  }), { numRuns: 300 });
});

test('a bad row after uniform rows is reported where it is, with the same error as a full check', () => {
  const row = (v: number): DlmsData => d.structure(d.octets(new Uint8Array(12).fill(v)), d.u32(v), d.u32(v + 1));
  const ok = encodeData(d.array(row(1), row(2), row(3)));
  assert.equal(skipData(ok), ok.length);
  // third row: the second cell's tag 0x06 becomes 0x07, not an A-XDR type
  const badTag = Uint8Array.from(ok);
  const third = 2 + 2 * (2 + 14 + 5 + 5);
  assert.equal(badTag[third + 16], 0x06);
  badTag[third + 16] = 0x07;
  assertRaises(() => skipData(badTag), 'DLMS_BAD_TAG', third + 16);
  // the last row cut short
  assertRaises(() => skipData(ok.subarray(0, ok.length - 2)), 'DLMS_TRUNCATED');
  // a row of another shape (null clock) in the middle is checked in full and accepted
  const mixed = encodeData(d.array(row(1), d.structure(d.null(), d.u32(2), d.u32(3)), row(3)));
  assert.equal(skipData(mixed), mixed.length);
  // an element count that cannot fit
  assertRaises(() => skipData(fromHex('01 20 02 01 11 00 02 01 11 00')), 'DLMS_TRUNCATED', 1);
  // uniform rows, one with a longer octet string: different template octets, full check
  const longer = encodeData(d.array(row(1), d.structure(d.octets(new Uint8Array(13)), d.u32(2), d.u32(3)), row(3)));
  assert.equal(skipData(longer), longer.length);
});

test('deeply nested uniform arrays still stop at the depth limit', () => {
  let v: DlmsData = d.u8(1);
  for (let i = 0; i <= DEFAULT_MAX_DEPTH + 1; i++) v = d.array(v, v);
  assertRaises(() => skipData(encodeData(v)), 'DLMS_TOO_DEEP');
});
