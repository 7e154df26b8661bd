import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { makeAad, makeIv, protect, unprotect } from './gcm.ts';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const EK = h('000102030405060708090A0B0C0D0E0F');
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = h('4D4D4D0000BC614E');
const IC = 0x01234567;
// DOMAIN §2.6: the Green Book xDLMS-Initiate.request example.
const INITIATE = h('01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0');
const INITIATE_CT_TAG = h('801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855');

test('IV is system title ‖ big-endian invocation counter', () => {
  assert.deepEqual(makeIv(ST, IC), h('4D4D4D0000BC614E01234567'));
  assert.deepEqual(makeIv(ST, 0xffffffff), h('4D4D4D0000BC614EFFFFFFFF'));
});

test('AAD per mode', () => {
  assert.deepEqual(makeAad(0x30, 'authenticated-encrypted', AK, INITIATE), Uint8Array.from([0x30, ...AK]));
  assert.deepEqual(makeAad(0x10, 'authenticated', AK, h('AABB')), Uint8Array.from([0x10, ...AK, 0xaa, 0xbb]));
  assert.equal(makeAad(0x20, 'encrypted', AK, INITIATE).length, 0);
});

test('DOMAIN §2.6 vector: protect gives SC ‖ IC ‖ ciphertext ‖ tag byte-exactly', () => {
  const body = protect({ sc: 0x30, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE });
  assert.deepEqual(body, Uint8Array.from([0x30, 0x01, 0x23, 0x45, 0x67, ...INITIATE_CT_TAG]));
  const back = unprotect({ systemTitle: ST, ek: EK, ak: AK, body });
  assert.deepEqual(back, { sc: 0x30, mode: 'authenticated-encrypted', invocationCounter: IC, plaintext: INITIATE });
});

test('auth-only sends the plaintext in clear followed by the tag', () => {
  const body = protect({ sc: 0x10, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE });
  assert.equal(body.length, 5 + INITIATE.length + 12);
  assert.deepEqual(body.subarray(5, 5 + INITIATE.length), INITIATE);
  assert.deepEqual(unprotect({ systemTitle: ST, ek: EK, ak: AK, body }).plaintext, INITIATE);
});

test('enc-only carries no tag and its ciphertext equals the GCM stream of auth+enc', () => {
  const enc = protect({ sc: 0x20, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE });
  assert.equal(enc.length, 5 + INITIATE.length);
  assert.deepEqual(enc.subarray(5), INITIATE_CT_TAG.subarray(0, INITIATE.length));
  assert.deepEqual(unprotect({ systemTitle: ST, ek: EK, ak: AK, body: enc }).plaintext, INITIATE);
});

test('a wrong key, a flipped bit or a different system title fails with DLMS_SECURITY_BAD_TAG', () => {
  const body = protect({ sc: 0x30, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE });
  const flipped = Uint8Array.from(body);
  flipped[10] ^= 1;
  assert.throws(() => unprotect({ systemTitle: ST, ek: EK, ak: AK, body: flipped }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
  assert.throws(() => unprotect({ systemTitle: ST, ek: EK, ak: EK, body }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
  assert.throws(() => unprotect({ systemTitle: h('4D4D4D0000BC614F'), ek: EK, ak: AK, body }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
});

test('policy: requireMode rejects a downgraded body', () => {
  const enc = protect({ sc: 0x20, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE });
  assert.throws(() => unprotect({ systemTitle: ST, ek: EK, ak: AK, body: enc, requireMode: 'authenticated-encrypted' }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
});

test('bad inputs give typed errors', () => {
  const base = { sc: 0x30, systemTitle: ST, invocationCounter: IC, ek: EK, ak: AK, plaintext: INITIATE };
  assert.throws(() => protect({ ...base, systemTitle: h('4D4D') }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_SYSTEM_TITLE'));
  assert.throws(() => protect({ ...base, invocationCounter: 2 ** 32 }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_COUNTER'));
  assert.throws(() => protect({ ...base, invocationCounter: -1 }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_COUNTER'));
  assert.throws(() => protect({ ...base, ek: h('00') }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_KEY'));
  assert.throws(() => protect({ ...base, sc: 0x31 }), (e) => hasCode(e, 'DLMS_SECURITY_UNSUPPORTED'));
  assert.throws(() => unprotect({ systemTitle: ST, ek: EK, ak: AK, body: h('3000') }), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => unprotect({ systemTitle: ST, ek: EK, ak: AK, body: h('300000000100') }), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
});
