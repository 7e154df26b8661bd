import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode, type Meter } from '../model/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/store.port.ts';
import { DEFAULT_COST, generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { PortalService } from './portal.service.ts';
import { FAILED_LOGIN_WINDOW_S, MAX_FAILED_LOGINS, portalPremise, SESSION_IDLE_S, SESSION_MAX_S, SESSION_TOUCH_S } from './users.rules.ts';
import { SESSION_PREFIX, UsersService } from './users.service.ts';

const T0 = 1_800_000_000;
// Cheap scrypt for the property test only; the service itself always uses DEFAULT_COST.
const FAST = { N: 2 ** 4, r: 1, p: 1 };

async function setup() {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  let now = T0;
  const clock = { now: () => now, advance: (s: number) => { now += s; } };
  return { store, clock, users: new UsersService(store, clock.now) };
}

async function audits(store: Store, action: string) {
  return (await store.listAudit({ action }, { limit: 100 })).items;
}

test('passwords: scrypt with a random salt and its parameters; only the right password verifies', async () => {
  const h1 = await hashPassword('correct horse battery');
  const h2 = await hashPassword('correct horse battery');
  assert.match(h1, new RegExp(`^scrypt\\$${DEFAULT_COST.N}\\$${DEFAULT_COST.r}\\$${DEFAULT_COST.p}\\$[\\w-]{22}\\$[\\w-]{43}$`));
  assert.notEqual(h1, h2, 'a new salt every time');
  assert.equal(await verifyPassword('correct horse battery', h1), true);
  assert.equal(await verifyPassword('correct horse batterY', h1), false);
  assert.equal(await verifyPassword('correct horse battery', h1.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))), false, 'a changed hash');
  for (const bad of ['', 'plain', 'scrypt$3$8$1$abc$def', `scrypt$${2 ** 30}$8$1$AAAA$AAAA`]) assert.equal(await verifyPassword('x', bad), false, bad);
  // The same text in composed and decomposed Unicode is the same password.
  assert.equal(await verifyPassword('Straße café', await hashPassword('Straße cafe\u0301')), true);
});

test('passwords: any password verifies against its own hash and not against another one (property)', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), async (a, b) => {
    const h = await hashPassword(a, FAST);
    assert.equal(await verifyPassword(a, h), true);
    if (a.normalize('NFC') !== b.normalize('NFC')) assert.equal(await verifyPassword(b, h), false);
  }), { numRuns: 40 });
  const generated = new Set(Array.from({ length: 50 }, generatePassword));
  assert.equal(generated.size, 50);
  for (const g of generated) assert.match(g, /^[A-HJ-NP-Za-km-z2-9]{18}$/);
});

test('create: validated, unique by username whatever the case, never stores the password, audited', async () => {
  const { store, users } = await setup();
  const made = await users.create({ username: 'Alice', role: 'operator' }, 'user:admin');
  assert.equal(typeof made.password, 'string', 'a generated password is returned once');
  const stored = await store.findUser('alice');
  assert.ok(stored);
  assert.ok(!JSON.stringify(stored).includes(made.password!), 'only the hash is stored');
  assert.equal((await users.create({ username: 'bob', role: 'auditor', password: 'a long passphrase' }, 'x')).password, undefined);
  await assert.rejects(users.create({ username: 'ALICE', role: 'auditor' }, 'x'), (e: unknown) => hasCode(e, 'USER_EXISTS'));
  await assert.rejects(users.create({ username: 'c', role: 'operator' }, 'x'), (e: unknown) => hasCode(e, 'USER_INVALID'));
  await assert.rejects(users.create({ username: 'carol', role: 'root' }, 'x'), (e: unknown) => hasCode(e, 'AUTH_ROLE_UNKNOWN'));
  await assert.rejects(users.create({ username: 'carol', role: 'customer' }, 'x'), (e: unknown) => hasCode(e, 'USER_INVALID'), 'a customer needs a premise');
  await assert.rejects(users.create({ username: 'carol', role: 'operator', premise: 'P1' }, 'x'), (e: unknown) => hasCode(e, 'USER_INVALID'), 'only customers have one');
  await assert.rejects(users.create({ username: 'carol', role: 'operator', password: 'short' }, 'x'), (e: unknown) => hasCode(e, 'USER_INVALID'));
  const created = await audits(store, 'user.create');
  assert.deepEqual(created.map((a) => [a.actor, a.object]), [['user:admin', 'user:Alice'], ['x', 'user:bob']]);
  assert.ok(!JSON.stringify(created).includes(made.password!));
});

test('login: a session token whose hash alone is stored; the session knows the role and premise; login and logout audited', async () => {
  const { store, users } = await setup();
  await users.create({ username: 'home1', role: 'customer', premise: 'P1', password: 'my home password' }, 'system');
  await assert.rejects(users.login('home1', 'not my password'), (e: unknown) => hasCode(e, 'AUTH_LOGIN_FAILED'));
  await assert.rejects(users.login('nobody', 'my home password'), (e: unknown) => hasCode(e, 'AUTH_LOGIN_FAILED'));
  const failed = await audits(store, 'session.login-failed');
  assert.deepEqual(failed.map((a) => [a.object, a.details?.reason]), [['user:home1', 'wrong-password'], ['user:nobody', 'unknown-user']]);
  assert.ok(!JSON.stringify(failed).includes('not my password'), 'a tried password is never logged');

  const login = await users.login('HOME1', 'my home password');
  assert.ok(login.token.startsWith(SESSION_PREFIX) && login.token.length > 40);
  assert.equal(await store.findSession(login.token), undefined, 'the token itself is not a key of the store');
  const s = await users.session(login.token);
  assert.ok(s);
  assert.deepEqual({ role: s.principal.role, premise: s.principal.premise, user: s.principal.user }, { role: 'customer', premise: 'P1', user: 'home1' });
  assert.equal(s.csrf, login.csrf);
  assert.equal(await users.session(`${login.token}x`), undefined);
  assert.equal(await users.session('msk_something'), undefined);
  assert.equal(await users.logout(login.token), true);
  assert.equal(await users.session(login.token), undefined, 'logged out');
  assert.deepEqual((await audits(store, 'session.login')).map((a) => a.actor), ['user:home1']);
  assert.deepEqual((await audits(store, 'session.logout')).map((a) => a.actor), ['user:home1']);
});

test('sessions expire after 8 idle hours, slide while used, and end 7 days after login in any case', async () => {
  const { users, clock } = await setup();
  await users.create({ username: 'op', role: 'operator', password: 'operator password' }, 'system');
  const idle = await users.login('op', 'operator password');
  clock.advance(SESSION_IDLE_S - 1);
  assert.ok(await users.session(idle.token), 'still active a second before the idle limit');
  clock.advance(SESSION_IDLE_S - 1);
  assert.ok(await users.session(idle.token), 'the previous request moved the expiry forward');
  clock.advance(SESSION_IDLE_S);
  assert.equal(await users.session(idle.token), undefined, 'idle for 8 hours');

  const busy = await users.login('op', 'operator password');
  for (let t = 0; t < SESSION_MAX_S - 3600; t += 3600) {
    clock.advance(3600);
    assert.ok(await users.session(busy.token), `active after ${t / 3600 + 1} h of use`);
  }
  clock.advance(3600 + SESSION_TOUCH_S);
  assert.equal(await users.session(busy.token), undefined, 'at most 7 days, however busy');
});

test('ten failed logins lock the username for the window, even for the right password', async () => {
  const { store, users, clock } = await setup();
  await users.create({ username: 'op', role: 'operator', password: 'operator password' }, 'system');
  for (let i = 0; i < MAX_FAILED_LOGINS; i++) await assert.rejects(users.login('op', `guess ${i}`), (e: unknown) => hasCode(e, 'AUTH_LOGIN_FAILED'));
  await assert.rejects(users.login('op', 'operator password'), (e: unknown) => hasCode(e, 'AUTH_LOCKED'));
  assert.equal((await audits(store, 'session.login-locked')).length, 1);
  clock.advance(FAILED_LOGIN_WINDOW_S + 1);
  assert.ok(await users.login('op', 'operator password'));
});

test('update: a new password, role or disabling ends the sessions; a disabled user cannot log in; audited', async () => {
  const { store, users } = await setup();
  const { user } = await users.create({ username: 'op', role: 'operator', password: 'operator password' }, 'system');
  const a = await users.login('op', 'operator password');
  await users.update(user.id, { name: 'Olga Operator' }, 'user:admin');
  assert.ok(await users.session(a.token), 'a new name keeps the session');
  await users.update(user.id, { password: 'a new operator password' }, 'user:admin');
  assert.equal(await users.session(a.token), undefined, 'a new password ends it');
  await assert.rejects(users.login('op', 'operator password'), (e: unknown) => hasCode(e, 'AUTH_LOGIN_FAILED'));
  const b = await users.login('op', 'a new operator password');
  await users.update(user.id, { disabled: true }, 'user:admin');
  assert.equal(await users.session(b.token), undefined);
  await assert.rejects(users.login('op', 'a new operator password'), (e: unknown) => hasCode(e, 'AUTH_LOGIN_FAILED'));
  await assert.rejects(users.update(user.id, { role: 'customer' }, 'x'), (e: unknown) => hasCode(e, 'USER_INVALID'), 'a customer needs a premise');
  const moved = await users.update(user.id, { role: 'customer', premise: 'P9', disabled: false }, 'x');
  assert.deepEqual([moved.role, moved.premise, moved.disabledAt], ['customer', 'P9', undefined]);
  assert.deepEqual((await audits(store, 'user.update')).map((e) => e.details?.changed), [['name'], ['password'], ['disabled'], ['role', 'premise', 'enabled']]);
  await assert.rejects(users.update('usr_nope', { name: 'x' }, 'x'), (e: unknown) => hasCode(e, 'USER_NOT_FOUND'));
});

test('demo users: an operator, an administrator and one customer per given home, on a platform without users only', async () => {
  const { users } = await setup();
  const demo = await users.ensureDemoUsers(['P1', 'P2']);
  assert.deepEqual(demo.map((u) => [u.username, u.role, u.premise]), [
    ['operator', 'operator', undefined], ['admin', 'admin', undefined], ['customer1', 'customer', 'P1'], ['customer2', 'customer', 'P2'],
  ]);
  for (const u of demo) assert.ok(await users.login(u.username, u.password), u.username);
  assert.deepEqual(await users.ensureDemoUsers(['P3']), []);
});

test('premise check: a customer sees their own premise only; others name one; a meter elsewhere is not found', async () => {
  assert.deepEqual(portalPremise({ role: 'customer', premise: 'P1' }, undefined), { premise: 'P1' });
  assert.deepEqual(portalPremise({ role: 'customer', premise: 'P1' }, 'P1'), { premise: 'P1' });
  assert.deepEqual(portalPremise({ role: 'customer', premise: 'P1' }, 'P2'), { refused: 'forbidden' });
  assert.deepEqual(portalPremise({ role: 'customer' }, undefined), { refused: 'forbidden' });
  assert.deepEqual(portalPremise({ role: 'operator' }, undefined), { refused: 'missing' });
  assert.deepEqual(portalPremise({ role: 'operator' }, 'P2'), { premise: 'P2' });

  const { store, clock } = await setup();
  const meter = (id: string, premise: string): Meter => ({ id, kind: 'electricity', status: 'active', timeZone: 'Europe/Amsterdam', tags: [], premise });
  await store.upsertMeters([meter('M1', 'P1'), meter('M2', 'P1'), meter('M3', 'P2')]);
  assert.deepEqual(await store.meterIdsAtPremise('P1'), ['M1', 'M2']);
  const portal = new PortalService(store, clock.now, { greenbutton: { name: 'greenbutton', write: async (req, write) => { await write(req.meter.id); } } });
  const customer = { keyId: 'u1', role: 'customer', label: 'Home 1', user: 'home1', premise: 'P1' };
  assert.deepEqual((await portal.meters(customer)).meters.map((m) => m.meter.id), ['M1', 'M2']);
  await assert.rejects(portal.meters(customer, 'P2'), (e: unknown) => hasCode(e, 'API_FORBIDDEN'));
  await assert.rejects(portal.usage(customer, { premise: 'P2', period: 'week' }), (e: unknown) => hasCode(e, 'API_FORBIDDEN'));
  const operator = { keyId: 'k', role: 'operator', label: 'ops' };
  assert.deepEqual((await portal.meters(operator, 'P2')).meters.map((m) => m.meter.id), ['M3']);
  await assert.rejects(portal.meters(operator), (e: unknown) => hasCode(e, 'QUERY_INVALID'));
  await assert.rejects(portal.meters(operator, 'P404'), (e: unknown) => hasCode(e, 'PREMISE_NOT_FOUND'));
  const out: string[] = [];
  await portal.download(customer, { meter: 'M2', from: T0 - 86_400, to: T0 }, (c) => { out.push(c); });
  assert.deepEqual(out, ['M2']);
  await assert.rejects(portal.download(customer, { meter: 'M3', from: T0 - 86_400, to: T0 }, () => undefined), (e: unknown) => hasCode(e, 'METER_NOT_FOUND'));
});
