/**
 * Conformance vectors for any codec: per vector it registers `parse` (bytes → expected value),
 * `generate` (expected value → the very same bytes) and `mirror` (generate → parse), or, for a
 * vector that must be rejected, a test that the decoder throws a MeterstackError with that code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMeterstackError, type ErrorCode } from '../../model/errors.ts';

export interface Vector<T> {
  readonly name: string;
  /** The input octets as hex (whitespace ignored). */
  readonly hex: string;
  /** What the bytes decode to; omit for rejection vectors. */
  readonly expected?: T;
  /** The error code the decoder must throw. */
  readonly raises?: ErrorCode;
  /** Byte offset the error must report, when known. */
  readonly offset?: number;
  /** False when the bytes are a valid but non-canonical encoding (no byte-exact generate). */
  readonly generate?: boolean;
}

export interface Codec<T> {
  decode(bytes: Uint8Array): T;
  encode?(value: T): Uint8Array;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError(`not a hex string: ${hex.slice(0, 40)}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Assert that `fn` throws a MeterstackError with `code` (and `offset`, if given). */
export function assertRaises(fn: () => unknown, code: ErrorCode, offset?: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isMeterstackError(err), `expected a MeterstackError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (offset !== undefined) assert.equal(err.offset, offset, err.message);
    return true;
  });
}

export function runVectors<T>(suite: string, codec: Codec<T>, vectors: readonly Vector<T>[]): void {
  for (const v of vectors) {
    const bytes = fromHex(v.hex);
    if (v.raises !== undefined) {
      const code = v.raises;
      test(`${suite} › ${v.name} › rejects with ${code}`, () => assertRaises(() => codec.decode(bytes), code, v.offset));
      continue;
    }
    if (v.expected === undefined) throw new TypeError(`vector ${v.name} has neither expected nor raises`);
    const expected = v.expected;
    test(`${suite} › ${v.name} › parse`, () => assert.deepStrictEqual(codec.decode(bytes), expected));
    const encode = codec.encode;
    if (encode === undefined) continue;
    if (v.generate !== false) {
      test(`${suite} › ${v.name} › generate`, () => assert.equal(toHex(encode(expected)), toHex(bytes)));
    }
    test(`${suite} › ${v.name} › mirror`, () => assert.deepStrictEqual(codec.decode(encode(expected)), expected));
  }
}
