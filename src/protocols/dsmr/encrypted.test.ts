import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRaises } from '../_harness/index.ts';
import { decodeFrame, decryptFrame, encryptFrame, frameLength } from './encrypted.ts';
import { parseTelegram } from './telegram.ts';
import { formatTelegram } from './writer.ts';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const authKey = Buffer.from('d0d1d2d3d4d5d6d7d8d9dadbdcdddedf', 'hex');
const systemTitle = Buffer.from('SAG10307', 'latin1');
// Long enough (> 255 octets) for the two-octet length form 0x82 LL LL that Smarty frames use.
const LINES = ['1-3:0.2.8(42)', '0-0:1.0.0(200706104157S)', '1-0:1.8.0(000025.653*kWh)', ...Array.from({ length: 12 }, (_, i) => `1-0:${32 + i}.7.0(233.0*V)`)];
const telegram = Buffer.from(formatTelegram('Lux5\\253694471_M', LINES), 'latin1');

test('a sealed frame decrypts to the telegram, with and without an authentication key', () => {
  for (const ak of [authKey, undefined]) {
    const frame = encryptFrame(telegram, { key, systemTitle, invocationCounter: 0x01020304, ...(ak ? { authKey: ak } : {}) });
    assert.equal(frameLength(frame, 0), frame.length);
    const { plaintext, frame: info } = decryptFrame(frame, { key, ...(ak ? { authKey: ak } : {}) });
    assert.deepEqual(Buffer.from(plaintext), telegram);
    assert.equal(info.invocationCounter, 0x01020304);
    assert.equal(parseTelegram(plaintext, { requireValidCrc: true }).objects.length, LINES.length);
  }
});

test('wrong key, wrong or missing authentication key, a flipped bit: DSMR_DECRYPT_FAILED, never plaintext', () => {
  const frame = encryptFrame(telegram, { key, authKey, systemTitle, invocationCounter: 7 });
  assertRaises(() => decryptFrame(frame, { key: Buffer.alloc(16, 1), authKey }), 'DSMR_DECRYPT_FAILED');
  assertRaises(() => decryptFrame(frame, { key, authKey: Buffer.alloc(16) }), 'DSMR_DECRYPT_FAILED');
  assertRaises(() => decryptFrame(frame, { key }), 'DSMR_DECRYPT_FAILED');
  const flipped = Uint8Array.from(frame);
  flipped[40]! ^= 1;
  assertRaises(() => decryptFrame(flipped, { key, authKey }), 'DSMR_DECRYPT_FAILED');
});

test('malformed frames and keys give typed errors', () => {
  const frame = encryptFrame(telegram, { key, authKey, systemTitle, invocationCounter: 7 });
  assertRaises(() => decryptFrame(frame.subarray(0, frame.length - 1), { key, authKey }), 'DSMR_FRAME_MALFORMED');
  assertRaises(() => decodeFrame(Uint8Array.of(0x7e, 1, 2)), 'DSMR_FRAME_MALFORMED', 0);
  const sc = Uint8Array.from(frame);
  sc[13] = 0x20; // encryption without authentication: not what P1 frames use
  assertRaises(() => decodeFrame(sc), 'DSMR_FRAME_MALFORMED', 13);
  assertRaises(() => decryptFrame(frame, { key: key.subarray(0, 15) }), 'DSMR_BAD_KEY');
  assertRaises(() => decryptFrame(frame, { key, authKey: authKey.subarray(1) }), 'DSMR_BAD_KEY');
});

test('frameLength: known, needs more octets, or cannot be a frame', () => {
  const frame = encryptFrame(telegram, { key, systemTitle, invocationCounter: 1 });
  assert.equal(frame[10], 0x82);
  for (let n = 0; n < 13; n++) assert.equal(frameLength(frame.subarray(0, n), 0), 0, `${n} octets`);
  assert.equal(frameLength(frame.subarray(0, 13), 0), frame.length);
  assert.equal(frameLength(frame.subarray(0, 14), 0), frame.length);
  assert.equal(frameLength(Uint8Array.of(0xdb, 0x07), 0), -1);
  assert.equal(frameLength(Uint8Array.of(0xdb, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x83), 0), -1);
  assert.equal(frameLength(Uint8Array.of(0x2f), 0), -1);
});

test('property: any payload round-trips through seal and open, for any counter', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 0xffffffff }), (payload, ic) => {
    const frame = encryptFrame(payload, { key, authKey, systemTitle, invocationCounter: ic });
    const r = decryptFrame(frame, { key, authKey });
    assert.deepEqual(Buffer.from(r.plaintext), Buffer.from(payload));
    assert.equal(r.frame.invocationCounter, ic);
  }), { numRuns: 100 });
});
