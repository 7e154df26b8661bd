import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { decodeCiphered, encodeCiphered, open, seal } from './ciphered-apdu.ts';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const EK = h('000102030405060708090A0B0C0D0E0F');
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = h('4D4D4D0000BC614E');
const INITIATE = h('01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0');
// DOMAIN §2.6: full glo-initiate-request = 21 30 30 01234567 <ciphertext ‖ tag>.
const GLO_INITIATE = h('21 30 30 01234567 801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855');

test('DOMAIN §2.6 glo-initiate-request: seal is byte-exact, open gives the plain APDU back', () => {
  assert.deepEqual(seal({ sc: 0x30, systemTitle: ST, invocationCounter: 0x01234567, ek: EK, ak: AK, apdu: INITIATE }), GLO_INITIATE);
  const opened = open(GLO_INITIATE, { systemTitle: ST, ek: EK, ak: AK });
  assert.equal(opened.kind, 'glo-initiate-request');
  assert.equal(opened.invocationCounter, 0x01234567);
  assert.deepEqual(opened.plaintext, INITIATE);
});

test('glo-get-request wraps a GET-request (0xC0 → 0xC8)', () => {
  const get = h('C0010000080000010000FF0200');
  const bytes = seal({ sc: 0x30, systemTitle: ST, invocationCounter: 0x01234567, ek: EK, ak: AK, apdu: get });
  assert.equal(bytes[0], 0xc8);
  assert.deepEqual(bytes, h('C8 1E 30 01234567 411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B'));
  assert.deepEqual(open(bytes, { systemTitle: ST, ek: EK, ak: AK }).plaintext, get);
});

test('general-glo-ciphering carries the system title; long contents use the BER long form', () => {
  const apdu = new Uint8Array(300).fill(0x0f);
  const bytes = seal({ sc: 0x30, systemTitle: ST, invocationCounter: 7, ek: EK, ak: AK, apdu, general: true });
  assert.deepEqual(bytes.subarray(0, 10), Uint8Array.from([0xdb, 0x08, ...ST]));
  assert.deepEqual(bytes.subarray(10, 13), Uint8Array.of(0x82, 0x01, 0x3d)); // 5 + 300 + 12
  const decoded = decodeCiphered(bytes);
  assert.equal(decoded.kind, 'general-glo-ciphering');
  assert.deepEqual(encodeCiphered(decoded), bytes);
  const opened = open(bytes, { ek: EK, ak: AK });
  assert.deepEqual(opened.systemTitle, ST);
  assert.deepEqual(opened.plaintext, apdu);
});

test('typed errors for unknown tags, trailing bytes, truncation and a mismatching system title', () => {
  assert.throws(() => decodeCiphered(h('C0 00')), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED') && e.offset === 0);
  assert.throws(() => decodeCiphered(Uint8Array.from([...GLO_INITIATE, 0])), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED'));
  assert.throws(() => decodeCiphered(GLO_INITIATE.subarray(0, 20)), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => decodeCiphered(new Uint8Array(0)), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => open(GLO_INITIATE, { ek: EK, ak: AK }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_SYSTEM_TITLE'));
  const general = seal({ sc: 0x30, systemTitle: ST, invocationCounter: 7, ek: EK, ak: AK, apdu: INITIATE, general: true });
  assert.throws(() => open(general, { systemTitle: h('0000000000000000'), ek: EK, ak: AK }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_SYSTEM_TITLE'));
  assert.throws(() => seal({ sc: 0x30, systemTitle: ST, invocationCounter: 7, ek: EK, ak: AK, apdu: h('0F00') }), (e) => hasCode(e, 'DLMS_SECURITY_UNSUPPORTED'));
});
