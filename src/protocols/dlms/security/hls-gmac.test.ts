import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { hlsGmacResponse, responseFromAuthOnlyBody, verifyHlsGmacResponse } from './hls-gmac.ts';
import { protect } from './gcm.ts';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const EK = h('000102030405060708090A0B0C0D0E0F');
const AK = h('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'ascii'));

test('DOMAIN §2.6 server vector: IV 4D4D4D0000BC614E01234567, f("K56iVagY") tag FE1466AFB3DBCD4F9389E2B7', () => {
  const f = hlsGmacResponse({ systemTitle: h('4D4D4D0000BC614E'), invocationCounter: 0x01234567, ek: EK, ak: AK, challenge: ascii('K56iVagY') });
  assert.deepEqual(f, h('10 01234567 FE1466AFB3DBCD4F9389E2B7'));
});

test('DOMAIN §2.6 client vector: IV 4D4D4D000000000100000001, f("P6wRJ21F") tag 1A52FE7DD3E72748973C1E28', () => {
  assert.deepEqual(ascii('P6wRJ21F'), h('503677524A323146'));
  const f = hlsGmacResponse({ systemTitle: h('4D4D4D0000000001'), invocationCounter: 1, ek: EK, ak: AK, challenge: ascii('P6wRJ21F') });
  assert.deepEqual(f, h('10 00000001 1A52FE7DD3E72748973C1E28'));
});

test('verify accepts the genuine response and returns the peer IC', () => {
  const response = h('10 01234567 FE1466AFB3DBCD4F9389E2B7');
  const ok = verifyHlsGmacResponse({ systemTitle: h('4D4D4D0000BC614E'), ek: EK, ak: AK, challenge: ascii('K56iVagY'), response });
  assert.equal(ok.invocationCounter, 0x01234567);
});

test('verify rejects a wrong tag, challenge, SC or length with typed errors', () => {
  const base = { systemTitle: h('4D4D4D0000BC614E'), ek: EK, ak: AK, challenge: ascii('K56iVagY') };
  const good = h('10 01234567 FE1466AFB3DBCD4F9389E2B7');
  for (let i = 1; i < good.length; i++) {
    const bad = Uint8Array.from(good);
    bad[i] ^= 0x01;
    assert.throws(() => verifyHlsGmacResponse({ ...base, response: bad }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
  }
  assert.throws(() => verifyHlsGmacResponse({ ...base, challenge: ascii('K56iVagZ'), response: good }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
  assert.throws(() => verifyHlsGmacResponse({ ...base, response: Uint8Array.from([0x30, ...good.subarray(1)]) }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
  assert.throws(() => verifyHlsGmacResponse({ ...base, response: good.subarray(0, 16) }), (e) => hasCode(e, 'DLMS_SECURITY_TRUNCATED'));
  assert.throws(() => verifyHlsGmacResponse({ ...base, response: Uint8Array.from([...good, 0]) }), (e) => hasCode(e, 'DLMS_SECURITY_MALFORMED'));
});

test('responseFromAuthOnlyBody extracts f() from an auth-only protected challenge', () => {
  const body = protect({ sc: 0x10, systemTitle: h('4D4D4D0000000001'), invocationCounter: 1, ek: EK, ak: AK, plaintext: ascii('P6wRJ21F') });
  assert.deepEqual(responseFromAuthOnlyBody(body), h('10 00000001 1A52FE7DD3E72748973C1E28'));
  assert.throws(() => responseFromAuthOnlyBody(h('30 00000001')), (e) => hasCode(e, 'DLMS_SECURITY_BAD_CONTROL'));
});
