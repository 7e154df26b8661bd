/** fast-check round-trip properties for any codec: decode(encode(x)) deep-equals x. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Codec } from './vectors.ts';

export interface PropertyOptions {
  readonly numRuns?: number;
  readonly seed?: number;
}

export function roundTripProperty<T>(name: string, arb: fc.Arbitrary<T>, codec: Required<Codec<T>>, opts: PropertyOptions = {}): void {
  test(`round-trip › ${name}`, () => {
    fc.assert(
      fc.property(arb, (value) => {
        assert.deepStrictEqual(codec.decode(codec.encode(value)), value);
      }),
      { numRuns: opts.numRuns ?? 200, ...(opts.seed === undefined ? {} : { seed: opts.seed }) },
    );
  });
}

/** Byte-level stability: encode(decode(bytes)) === bytes for canonical encodings drawn from `arb`. */
export function reencodeProperty<T>(name: string, arb: fc.Arbitrary<T>, codec: Required<Codec<T>>, opts: PropertyOptions = {}): void {
  test(`re-encode › ${name}`, () => {
    fc.assert(
      fc.property(arb, (value) => {
        const bytes = codec.encode(value);
        assert.deepStrictEqual(codec.encode(codec.decode(bytes)), bytes);
      }),
      { numRuns: opts.numRuns ?? 200, ...(opts.seed === undefined ? {} : { seed: opts.seed }) },
    );
  });
}
