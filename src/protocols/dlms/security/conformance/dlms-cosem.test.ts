import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors, toHex, vector, type UpstreamCase, type UpstreamFile } from './corpus.ts';
import { makeAad, makeIv, protect, unprotect } from '../gcm.ts';
import { hlsGmacResponse } from '../hls-gmac.ts';
import { decodeCiphered, encodeCiphered, open } from '../ciphered-apdu.ts';

/** One handler per upstream case; a case the corpus gains later fails the coverage test until handled. */
function runAll(file: string, handlers: Record<string, (c: UpstreamCase) => void>): void {
  const { cases } = readVectors<UpstreamFile>(file);
  test(`${file}: every case has a handler`, () => {
    assert.deepEqual(cases.map((c) => c.id).sort(), Object.keys(handlers).sort());
  });
  for (const c of cases) {
    test(c.id, () => {
      assert.equal(c.expected_raises, null);
      handlers[c.id]!(c);
    });
  }
}

const IC_01234567 = 0x01234567;

function encryptAuthenticated(c: UpstreamCase): void {
  const keys = { ek: vector(c, 'encryption_key'), ak: vector(c, 'authentication_key') };
  const systemTitle = vector(c, 'system_title');
  const plain = vector(c, 'plain_data');
  const ciphered = vector(c, 'ciphered_text');
  const body = protect({ sc: 0x30, systemTitle, invocationCounter: IC_01234567, ...keys, plaintext: plain });
  assert.equal(toHex(body.subarray(5)), toHex(ciphered));
  const back = unprotect({ systemTitle, ...keys, body: Uint8Array.from([0x30, 0x01, 0x23, 0x45, 0x67, ...ciphered]) });
  assert.equal(toHex(back.plaintext), toHex(plain));
}

function gmac(c: UpstreamCase): void {
  const st = vector(c, 'client_system_title');
  const challenge = vector(c, 'server_to_client_challenge');
  const inline = c.vectors.filter((v) => v.name === '<inline in assert>').map((v) => v.hex);
  const expectedTag = inline[inline.length - 1]!;
  if (inline.length === 3) {
    assert.equal(toHex(makeIv(st, 1)), inline[0]);
    assert.equal(toHex(makeAad(0x10, 'authenticated', vector(c, 'authentication_key'), challenge)), inline[1]);
  }
  const f = hlsGmacResponse({ systemTitle: st, invocationCounter: 1, ek: vector(c, 'encryption_key'), ak: vector(c, 'authentication_key'), challenge });
  assert.equal(f.length - 5, 12);
  assert.equal(toHex(f.subarray(5)), expectedTag);
}

runAll('dlms-cosem__test_security.vectors.json', {
  'tests/test_security.py::test_encrypt': (c) => {
    const key = vector(c, 'key');
    const text = vector(c, 'text');
    const systemTitle = Uint8Array.from(Buffer.from('12345678', 'ascii'));
    const body = protect({ sc: 0x30, systemTitle, invocationCounter: 1, ek: key, ak: key, plaintext: text });
    assert.equal(toHex(unprotect({ systemTitle, ek: key, ak: key, body }).plaintext), toHex(text));
  },
  'tests/test_security.py::test_encrypt_authenticated': encryptAuthenticated,
  'tests/test_security.py::test_decrypt_authenticated': encryptAuthenticated,
  'tests/test_security.py::test_gmac': gmac,
  'tests/test_security.py::test_gmac2': gmac,
});

const KEY = Uint8Array.from(Buffer.from('MYDUMMYGLOBALKEY', 'ascii'));

runAll('dlms-cosem__test_general_global_cipher.vectors.json', {
  'tests/test_general_global_cipher.py::test_gen_glo_cipher_load': (c) => {
    const apdu = decodeCiphered(vector(c, 'dlms_data'));
    assert.ok(apdu.kind === 'general-glo-ciphering');
    assert.equal(toHex(apdu.systemTitle), toHex(vector(c, 'system_title')));
  },
  'tests/test_general_global_cipher.py::test_gen_glo_cipher_to_apdu': (c) => {
    const opened = open(vector(c, 'dlms_data'), { ek: KEY, ak: KEY });
    assert.equal(opened.kind, 'general-glo-ciphering');
    assert.equal(toHex(opened.systemTitle), toHex(vector(c, 'system_title')));
    assert.equal(opened.plaintext[0], 0x0f); // DATA-NOTIFICATION
  },
  'tests/test_general_global_cipher.py::test_gen_glo_cipher_to_bytes': (c) => {
    const bytes = vector(c, 'dlms_data');
    assert.deepEqual(encodeCiphered(decodeCiphered(bytes)), bytes);
  },
  'tests/test_general_global_cipher.py::test_data_notification_apdu': (c) => {
    // The plain APDU the DB frame of this file decrypts to (decoding DATA-NOTIFICATION is apdu/'s job).
    const { cases } = readVectors<UpstreamFile>('dlms-cosem__test_general_global_cipher.vectors.json');
    const frame = vector(cases.find((x) => x.id.endsWith('test_gen_glo_cipher_load'))!, 'dlms_data');
    assert.equal(toHex(open(frame, { ek: KEY, ak: KEY }).plaintext), toHex(vector(c, 'dlms_data')));
  },
});
