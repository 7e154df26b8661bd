import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/index.ts';
import type { ApiKeyRecord, AuditInput } from '../store/store.port.ts';
import { allows, GRANTS, PERMISSIONS, ROLES } from './auth.rules.ts';
import { AuthService, hashKey, KEY_PREFIX } from './auth.service.ts';

function keyStore() {
  const keys = new Map<string, ApiKeyRecord>();
  const audit: AuditInput[] = [];
  return {
    keys, audit,
    putApiKey: async (k: ApiKeyRecord) => { keys.set(k.hash, k); },
    findApiKey: async (h: string) => keys.get(h),
    countApiKeys: async () => keys.size,
    appendAudit: async (e: readonly AuditInput[]) => { audit.push(...e); },
  };
}

const unauthorized = (e: unknown) => hasCode(e, 'API_UNAUTHORIZED');

test('created keys are msk_ + random, stored only as their SHA-256, and audited', async () => {
  const store = keyStore();
  const auth = new AuthService(store, () => 1_800_000_000);
  const k = await auth.createKey('operator', 'grid app', 'key:admin');
  assert.ok(k.key.startsWith(KEY_PREFIX) && k.key.length >= 36);
  const [stored] = [...store.keys.values()];
  assert.equal(stored!.hash, hashKey(k.key));
  assert.ok(!JSON.stringify([...store.keys.values(), store.audit]).includes(k.key), 'the key itself is stored nowhere');
  assert.deepEqual(store.audit.map((a) => [a.action, a.actor, a.object]), [['apikey.create', 'key:admin', `apikey:${k.id}`]]);
  assert.notEqual((await auth.createKey('operator', 'x', 'a')).key, k.key);
});

test('verify accepts a known key and refuses missing, unknown and revoked ones alike', async () => {
  const store = keyStore();
  const auth = new AuthService(store, () => 0);
  const k = await auth.createKey('auditor', 'audits', 'system');
  assert.deepEqual(await auth.verify(k.key), { keyId: k.id, role: 'auditor', label: 'audits' });
  await assert.rejects(auth.verify(undefined), unauthorized);
  await assert.rejects(auth.verify('msk_nope'), unauthorized);
  store.keys.set(hashKey(k.key), { ...store.keys.get(hashKey(k.key))!, revokedAt: 5 });
  await assert.rejects(auth.verify(k.key), unauthorized);
});

test('authorization denies by default', async () => {
  const auth = new AuthService(keyStore(), () => 0);
  for (const p of PERMISSIONS) {
    assert.equal(allows('admin', p), true, p);
    assert.equal(allows('customer', p), p === 'portal:read' || p === 'portal:write', p);
    assert.equal(allows('third-party', p), p === 'thirdparty:read', p);
    assert.equal(allows('root', p), false, p);
  }
  assert.equal(allows('operator', 'ingest:write'), true);
  assert.equal(allows('operator', 'keys:create'), false);
  assert.throws(() => auth.authorize({ keyId: 'k', role: 'customer', label: '' }, 'meters:read'), (e: unknown) => hasCode(e, 'API_FORBIDDEN'));
  assert.deepEqual(Object.keys(GRANTS).sort(), [...ROLES].sort());
  await assert.rejects(auth.createKey('superuser', 'x', 'a'), (e: unknown) => hasCode(e, 'AUTH_ROLE_UNKNOWN'));
});

test('the first start creates one admin key and returns it; later starts create none', async () => {
  const store = keyStore();
  const auth = new AuthService(store, () => 0);
  const first = await auth.ensureInitialAdminKey();
  assert.equal(first.source, 'generated');
  assert.equal((await auth.verify(first.key)).role, 'admin');
  assert.deepEqual(await auth.ensureInitialAdminKey(), { source: 'existing' });
  assert.equal(store.keys.size, 1);
});

test('METERSTACK_API_KEY is registered once as an admin key, with the same id every start', async () => {
  const store = keyStore();
  const auth = new AuthService(store, () => 0);
  const env = 'automation-key-0123456789';
  const a = await auth.ensureInitialAdminKey(env);
  const b = await auth.ensureInitialAdminKey(env);
  assert.equal(a.source, 'env');
  assert.equal(a.key, undefined, 'the caller already knows it');
  assert.equal(a.keyId, b.keyId);
  assert.equal(store.keys.size, 1);
  assert.equal(store.audit.filter((x) => x.action === 'apikey.register-env').length, 1);
  assert.equal((await auth.verify(env)).role, 'admin');
  await assert.rejects(auth.ensureInitialAdminKey('short'), (e: unknown) => hasCode(e, 'CONFIG_INVALID'));
});
