/**
 * Fuzzing for decoders (mqtt-packet's testRandom, turned into an assertion): for random octets and
 * for mutated valid inputs, the decoder returns or throws a MeterstackError whose code starts with
 * the codec's prefix — never another exception, never a hang (each input has a time budget).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError } from '../../model/errors.ts';

export interface FuzzOptions {
  /** Decoder under test; its return value is ignored. */
  readonly decode: (bytes: Uint8Array) => unknown;
  /** Error code prefix of the codec, e.g. 'DLMS_'. */
  readonly prefix: string;
  /** Valid inputs to mutate. */
  readonly seeds?: readonly Uint8Array[];
  readonly numRuns?: number;
  readonly maxLength?: number;
  /** Time budget per input in milliseconds (default 250). */
  readonly maxMsPerInput?: number;
}

export type Mutation =
  | { readonly kind: 'set'; readonly pos: number; readonly byte: number }
  | { readonly kind: 'flip'; readonly pos: number; readonly bit: number }
  | { readonly kind: 'insert'; readonly pos: number; readonly byte: number }
  | { readonly kind: 'delete'; readonly pos: number }
  | { readonly kind: 'truncate'; readonly pos: number };

/** Octets that tend to hit edge cases: length prefixes, sign bits, not-specified markers. */
const SPECIAL = [0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xfe, 0xff];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pos: fc.nat(), byte: fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), byte: fc.constantFrom(...SPECIAL) }),
  fc.record({ kind: fc.constant('delete' as const), pos: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }),
);

export function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = Array.from(input);
  for (const m of mutations) {
    const pos = b.length === 0 ? 0 : m.pos % b.length;
    if (m.kind === 'set' && b.length > 0) b[pos] = m.byte;
    else if (m.kind === 'flip' && b.length > 0) b[pos] = b[pos]! ^ (1 << m.bit);
    else if (m.kind === 'insert') b.splice(pos, 0, m.byte);
    else if (m.kind === 'delete') b.splice(pos, 1);
    else if (m.kind === 'truncate') b = b.slice(0, pos);
  }
  return Uint8Array.from(b);
}

/** Run one input through the decoder and assert the contract. */
export function checkDecoder(opts: FuzzOptions, bytes: Uint8Array): void {
  const started = performance.now();
  try {
    opts.decode(bytes);
  } catch (err) {
    assert.ok(isMeterstackError(err), `decoder threw a non-MeterstackError for ${hexOf(bytes)}: ${String(err)}`);
    assert.ok(err.code.startsWith(opts.prefix), `decoder threw ${err.code} (not ${opts.prefix}*) for ${hexOf(bytes)}: ${err.message}`);
  }
  const ms = performance.now() - started;
  const budget = opts.maxMsPerInput ?? 250;
  assert.ok(ms <= budget, `decoder took ${ms.toFixed(1)} ms (> ${budget}) for ${hexOf(bytes)}`);
}

function hexOf(b: Uint8Array): string {
  const s = Array.from(b.subarray(0, 64), (x) => x.toString(16).padStart(2, '0')).join('');
  return b.length > 64 ? `${s}… (${b.length} octets)` : s;
}

export function fuzzDecoder(name: string, opts: FuzzOptions): void {
  const numRuns = opts.numRuns ?? 2000;
  test(`fuzz › ${name} › random octets`, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: opts.maxLength ?? 256 }), (bytes) => checkDecoder(opts, bytes)), { numRuns });
  });
  const seeds = opts.seeds ?? [];
  if (seeds.length > 0) {
    test(`fuzz › ${name} › mutated valid inputs`, () => {
      const arb = fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 }));
      fc.assert(fc.property(arb, ([seed, ms]) => checkDecoder(opts, mutate(seed, ms))), { numRuns });
    });
  }
}
