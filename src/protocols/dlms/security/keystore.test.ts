import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { hasCode } from '../../../model/errors.ts';
import { SoftwareKeyStore, type SoftwareKeyStoreData } from './keystore.ts';
import { SecretKey } from './secret-key.ts';

const EK_HEX = '000102030405060708090A0B0C0D0E0F';
const AK_HEX = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF';
const ST = Uint8Array.from(Buffer.from('4D4D4D0000BC614E', 'hex'));
const DATA: SoftwareKeyStoreData = {
  keys: { 'm1-ek': EK_HEX, 'm1-ak': AK_HEX },
  meters: [{ meterId: 'm1', systemTitle: '4d4d4d0000bc614e', ek: 'm1-ek', ak: 'm1-ak' }],
};
const SECRETS = [EK_HEX, AK_HEX];

/** Every rendering of `value` a log line, API response or crash report could contain. */
function renderings(value: unknown): string[] {
  return [String(value), JSON.stringify(value) ?? '', inspect(value, { depth: Infinity, showHidden: true, getters: true }), inspect({ nested: [value] }, { depth: Infinity })];
}

function assertNoSecrets(value: unknown, secrets: string[] = SECRETS): void {
  for (const text of renderings(value)) {
    for (const s of secrets) {
      assert.ok(!text.toUpperCase().includes(s.toUpperCase()), `secret leaked in: ${text.slice(0, 200)}`);
    }
    // also not as decimal byte lists (what inspect would print for a Uint8Array)
    assert.ok(!text.includes('208, 209, 210'), `key bytes leaked in: ${text.slice(0, 200)}`);
  }
}

test('keysFor by meter id or system title returns key ids', async () => {
  const store = SoftwareKeyStore.fromJSON(DATA);
  const expected = { meterId: 'm1', systemTitle: '4D4D4D0000BC614E', ek: 'm1-ek', ak: 'm1-ak' };
  assert.deepEqual(await store.keysFor({ meterId: 'm1' }), expected);
  assert.deepEqual(await store.keysFor({ systemTitle: ST }), expected);
  await assert.rejects(store.keysFor({ meterId: 'm2' }), (e) => hasCode(e, 'DLMS_SECURITY_UNKNOWN_KEY'));
  await assert.rejects(store.keysFor({ systemTitle: new Uint8Array(8) }), (e) => hasCode(e, 'DLMS_SECURITY_UNKNOWN_KEY'));
});

test('protect/unprotect by key id equals protect with exported bytes (DOMAIN §2.6 vector)', async () => {
  const store = SoftwareKeyStore.fromJSON(DATA);
  const keys = await store.keysFor({ meterId: 'm1' });
  const plaintext = Uint8Array.from(Buffer.from('C0010000080000010000FF0200', 'hex'));
  const body = await store.protect(keys, { sc: 0x30, systemTitle: ST, invocationCounter: 0x01234567, plaintext });
  assert.equal(Buffer.from(body).toString('hex').toUpperCase(), '3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B');
  assert.deepEqual((await store.unprotect(keys, { systemTitle: ST, body })).plaintext, plaintext);
  assert.equal(Buffer.from((await store.exportKey('m1-ek')).bytes()).toString('hex').toUpperCase(), EK_HEX);
});

test('newKey creates a distinct random key usable by id', async () => {
  const store = SoftwareKeyStore.fromJSON(DATA);
  const a = await store.newKey();
  const b = await store.newKey();
  assert.notEqual(a, b);
  assert.ok(!(await store.exportKey(a)).equals(await store.exportKey(b)));
  store.setMeterKeys({ meterId: 'm1', systemTitle: '4D4D4D0000BC614E', ek: a, ak: b });
  const body = await store.protect({ ek: a, ak: b }, { sc: 0x30, systemTitle: ST, invocationCounter: 1, plaintext: Uint8Array.of(1, 2, 3) });
  await assert.rejects(store.unprotect({ ek: 'm1-ek', ak: 'm1-ak' }, { systemTitle: ST, body }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
  assert.equal((await store.keysFor({ meterId: 'm1' })).ek, a);
  const reloaded = SoftwareKeyStore.fromJSON(JSON.parse(JSON.stringify(store.exportForStorage())));
  assert.deepEqual((await reloaded.unprotect({ ek: a, ak: b }, { systemTitle: ST, body })).plaintext, Uint8Array.of(1, 2, 3));
});

test('keys never appear in JSON.stringify, util.inspect or String() of keys and the store', async () => {
  const store = SoftwareKeyStore.fromJSON(DATA);
  assertNoSecrets(store);
  assertNoSecrets(await store.exportKey('m1-ek'));
  assertNoSecrets(await store.exportKey('m1-ak'));
  assertNoSecrets(await store.keysFor({ meterId: 'm1' }));
  const generated = await store.newKey();
  const generatedHex = Buffer.from((await store.exportKey(generated)).bytes()).toString('hex');
  assertNoSecrets(store, [...SECRETS, generatedHex]);
  assert.equal(JSON.stringify({ k: new SecretKey(new Uint8Array(16).fill(0xd0), 'x') }), '{"k":"[redacted]"}');
});

test('keys never appear in error messages, details or causes', async () => {
  const badHex = 'ABCDEFABCDEFABCDEFABCDEFABCDEF0'; // 31 digits
  let err: unknown;
  try { SoftwareKeyStore.fromJSON({ keys: { k1: badHex }, meters: [] }); } catch (e) { err = e; }
  assert.ok(hasCode(err, 'DLMS_SECURITY_BAD_KEY'));
  assert.match(err.message, /k1/);
  assertNoSecrets(err, [badHex]);
  assertNoSecrets(err.details, [badHex]);

  const store = SoftwareKeyStore.fromJSON(DATA);
  const body = await store.protect({ ek: 'm1-ek', ak: 'm1-ak' }, { sc: 0x30, systemTitle: ST, invocationCounter: 9, plaintext: Uint8Array.of(0xc0) });
  body[body.length - 1]! ^= 1;
  try { await store.unprotect({ ek: 'm1-ek', ak: 'm1-ak' }, { systemTitle: ST, body }); } catch (e) { err = e; }
  assert.ok(hasCode(err, 'DLMS_SECURITY_BAD_TAG'));
  assertNoSecrets(err);
  assertNoSecrets(err.details);
  await assert.rejects(store.exportKey('nope'), (e) => hasCode(e, 'DLMS_SECURITY_UNKNOWN_KEY'));
});

test('invalid keystore data is rejected with typed errors', () => {
  assert.throws(() => SoftwareKeyStore.fromJSON({ keys: {}, meters: [{ meterId: 'm', systemTitle: '4D4D4D0000BC614E', ek: 'x', ak: 'y' }] }), (e) => hasCode(e, 'DLMS_SECURITY_UNKNOWN_KEY'));
  assert.throws(() => SoftwareKeyStore.fromJSON({ keys: { x: EK_HEX }, meters: [{ meterId: 'm', systemTitle: '4D4D', ek: 'x', ak: 'x' }] }), (e) => hasCode(e, 'DLMS_SECURITY_BAD_SYSTEM_TITLE'));
  assert.throws(() => SoftwareKeyStore.fromJSON(null as unknown as SoftwareKeyStoreData), (e) => hasCode(e, 'DLMS_SECURITY_BAD_KEY'));
  assert.throws(() => new SecretKey(new Uint8Array(15), 'short'), (e) => hasCode(e, 'DLMS_SECURITY_BAD_KEY'));
});
