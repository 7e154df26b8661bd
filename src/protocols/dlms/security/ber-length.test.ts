import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../../model/errors.ts';
import { decodeLength, encodeLength } from './ber-length.ts';

test('short and long forms', () => {
  assert.deepEqual(encodeLength(0), Uint8Array.of(0));
  assert.deepEqual(encodeLength(0x7f), Uint8Array.of(0x7f));
  assert.deepEqual(encodeLength(0x80), Uint8Array.of(0x81, 0x80));
  assert.deepEqual(encodeLength(0x1234), Uint8Array.of(0x82, 0x12, 0x34));
  assert.deepEqual(encodeLength(0xffffffff), Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff));
  assert.deepEqual(decodeLength(Uint8Array.of(9, 0x81, 0x30), 1), { length: 0x30, next: 3 });
});

test('rejects indefinite, over-long, truncated and unencodable lengths with typed errors', () => {
  assert.throws(() => decodeLength(Uint8Array.of(0x80), 0), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED') && e.offset === 0);
  assert.throws(() => decodeLength(Uint8Array.of(0x85, 1, 1, 1, 1, 1), 0), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED'));
  assert.throws(() => decodeLength(Uint8Array.of(0x82, 1), 0), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => decodeLength(Uint8Array.of(), 0), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => encodeLength(-1), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED'));
  assert.throws(() => encodeLength(2 ** 32), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED'));
});

test('encode → decode round trip', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
    const enc = encodeLength(n);
    assert.deepEqual(decodeLength(enc, 0), { length: n, next: enc.length });
  }));
});
