import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h, readVectors, toHex } from './corpus.ts';
import { makeAad, makeIv, protect, unprotect } from '../gcm.ts';
import { hlsGmacResponse } from '../hls-gmac.ts';
import { decodeCiphered, encodeCiphered, open, seal } from '../ciphered-apdu.ts';

type Vector = Record<string, string | boolean | Record<string, string>> & { id: string };
const file = readVectors<{ vectors: Vector[] }>('green-book-gcm.vectors.json');
const byId = (id: string): Record<string, string> => {
  const v = file.vectors.find((x) => x.id === id);
  assert.ok(v, `vector ${id} missing from the corpus`);
  return v as unknown as Record<string, string>;
};

test('corpus holds exactly the three vectors this file checks', () => {
  assert.deepEqual(file.vectors.map((v) => v.id).sort(), ['dlms-cosem-ggc-data-notification', 'green-book-get-clock-auth-enc', 'green-book-hls-gmac']);
});

test('green-book-get-clock-auth-enc: encrypt and decrypt byte-exactly', () => {
  const v = byId('green-book-get-clock-auth-enc');
  const sc = parseInt(v.security_control!, 16);
  const ic = parseInt(v.invocation_counter!, 16);
  const keys = { ek: h(v.block_cipher_key!), ak: h(v.authentication_key!) };
  const body = protect({ sc, systemTitle: h(v.system_title!), invocationCounter: ic, ...keys, plaintext: h(v.plaintext!) });
  assert.equal(toHex(body), `${v.security_control}${v.invocation_counter}${v.ciphertext_and_tag}`);
  assert.equal(v.ciphertext_and_tag, `${v.ciphertext}${v.tag}`);
  const back = unprotect({ systemTitle: h(v.system_title!), ...keys, body });
  assert.equal(toHex(back.plaintext), v.plaintext);
  assert.equal(back.invocationCounter, ic);
});

test('green-book-hls-gmac: IV, AAD and tag byte-exactly', () => {
  const v = byId('green-book-hls-gmac');
  const st = h(v.system_title!);
  const ic = parseInt(v.invocation_counter!, 16);
  const challenge = h(v.challenge_server_to_client!);
  assert.equal(toHex(makeIv(st, ic)), v.iv);
  assert.equal(toHex(makeAad(0x10, 'authenticated', h(v.authentication_key!), challenge)), v.aad);
  const f = hlsGmacResponse({ systemTitle: st, invocationCounter: ic, ek: h(v.block_cipher_key!), ak: h(v.authentication_key!), challenge });
  assert.equal(toHex(f), `${v.security_control}${v.invocation_counter}${v.gmac_tag}`);
});

test('dlms-cosem-ggc-data-notification: decode, decrypt, re-encode and re-encrypt byte-exactly', () => {
  const v = byId('dlms-cosem-ggc-data-notification');
  const fields = v.apdu_fields as unknown as Record<string, string>;
  const bytes = h(v.apdu!);
  const apdu = decodeCiphered(bytes);
  assert.equal(apdu.kind, 'general-glo-ciphering');
  assert.ok(apdu.kind === 'general-glo-ciphering');
  assert.equal(toHex(apdu.systemTitle), fields.system_title);
  assert.equal(apdu.content.length, parseInt(fields.length!, 16));
  assert.equal(apdu.content[0], parseInt(fields.security_control!, 16));
  assert.deepEqual(encodeCiphered(apdu), bytes);
  assert.equal(Buffer.from(h(v.block_cipher_key!)).toString('ascii'), v.block_cipher_key_ascii);
  const keys = { ek: h(v.block_cipher_key!), ak: h(v.authentication_key!) };
  const opened = open(bytes, { ...keys, requireMode: 'authenticated-encrypted' });
  assert.equal(opened.invocationCounter, parseInt(fields.invocation_counter!, 16));
  assert.equal(toHex(opened.plaintext), v.expected_plain_apdu);
  const again = seal({ sc: opened.sc, systemTitle: opened.systemTitle, invocationCounter: opened.invocationCounter, ...keys, apdu: opened.plaintext, general: true });
  assert.deepEqual(again, bytes);
});
