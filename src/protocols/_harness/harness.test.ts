import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MeterstackError } from '../../model/errors.ts';
import { assertRaises, checkDecoder, fromHex, fuzzDecoder, mutate, roundTripProperty, runVectors, toHex } from './index.ts';

// A toy codec: one length octet, then that many octets.
const toy = {
  decode(bytes: Uint8Array): number[] {
    if (bytes.length === 0 || bytes.length - 1 < bytes[0]!) throw new MeterstackError('DLMS_TRUNCATED', 'short', { offset: bytes.length });
    return Array.from(bytes.subarray(1, 1 + bytes[0]!));
  },
  encode: (v: number[]): Uint8Array => Uint8Array.from([v.length, ...v]),
};

runVectors('toy', toy, [
  { name: 'two octets', hex: '02 0A0B', expected: [10, 11] },
  { name: 'trailing ignored', hex: '01 0A FF', expected: [10], generate: false },
  { name: 'short', hex: '03 0A', raises: 'DLMS_TRUNCATED', offset: 2 },
]);
roundTripProperty('toy', fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 255 }), toy);
fuzzDecoder('toy', { decode: toy.decode, prefix: 'DLMS_', seeds: [fromHex('020A0B')], numRuns: 300 });

test('hex helpers round-trip', () => {
  assert.equal(toHex(fromHex('00 ff 7E')), '00FF7E');
  assert.throws(() => fromHex('abc'));
});

test('checkDecoder rejects foreign exceptions and foreign prefixes', () => {
  assert.throws(() => checkDecoder({ decode: () => { throw new TypeError('boom'); }, prefix: 'DLMS_' }, new Uint8Array(1)));
  assert.throws(() => checkDecoder({ decode: () => { throw new MeterstackError('CSV_BAD_ROW', 'x'); }, prefix: 'DLMS_' }, new Uint8Array(1)));
  checkDecoder({ decode: () => { throw new MeterstackError('DLMS_BAD_TAG', 'x'); }, prefix: 'DLMS_' }, new Uint8Array(1));
});

test('assertRaises checks code and offset', () => {
  assert.throws(() => assertRaises(() => toy.decode(fromHex('03')), 'DLMS_BAD_TAG'));
  assert.throws(() => assertRaises(() => toy.decode(fromHex('03')), 'DLMS_TRUNCATED', 5));
  assert.throws(() => assertRaises(() => 1, 'DLMS_TRUNCATED'));
});

test('mutate applies set, flip, insert, delete, truncate', () => {
  const b = Uint8Array.of(1, 2, 3);
  assert.deepEqual([...mutate(b, [{ kind: 'set', pos: 4, byte: 9 }])], [1, 9, 3]);
  assert.deepEqual([...mutate(b, [{ kind: 'flip', pos: 0, bit: 1 }])], [3, 2, 3]);
  assert.deepEqual([...mutate(b, [{ kind: 'insert', pos: 0, byte: 7 }])], [7, 1, 2, 3]);
  assert.deepEqual([...mutate(b, [{ kind: 'delete', pos: 2 }])], [1, 2]);
  assert.deepEqual([...mutate(b, [{ kind: 'truncate', pos: 1 }])], [1]);
  assert.deepEqual([...mutate(new Uint8Array(0), [{ kind: 'set', pos: 1, byte: 1 }])], []);
});
