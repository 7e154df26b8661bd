import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';

let p: Platform;
const passwords = { op: 'operator password', home: 'customer password' };

before(async () => {
  p = await platform(6);
  // Two meters at premise P1, one at P2: the customer of P1 may see the first two only.
  const premises = ['P1', 'P1', 'P2'];
  await p.store.upsertMeters(p.meters.slice(0, 3).map((m, i) => ({ ...m, premise: premises[i]! })));
  await p.services.users.create({ username: 'op', role: 'operator', password: passwords.op }, 'test');
  await p.services.users.create({ username: 'home', role: 'customer', premise: 'P1', password: passwords.home }, 'test');
});
after(async () => p.close());

async function login(username: string, password: string) {
  const res = await p.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: res.json().csrf as string, body: res.json(), setCookie: String(res.headers['set-cookie']) };
}

test('login sets an HttpOnly, SameSite=Strict session cookie and answers the role and a CSRF token; a wrong password is 401', async () => {
  const bad = await p.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'op', password: 'wrong password' } });
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().code, 'AUTH_LOGIN_FAILED');
  assert.equal(bad.headers['set-cookie'], undefined);
  const s = await login('op', passwords.op);
  assert.match(s.setCookie, /^msk_session=mss_[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.equal(s.body.role, 'operator');
  assert.ok(s.body.permissions.includes('vee:write'));
  const me = await p.app.inject({ url: '/api/v1/session', headers: { cookie: s.cookie } });
  assert.equal(me.json().user.username, 'op');
  assert.equal(me.json().csrf, s.csrf);
  const meters = await p.app.inject({ url: '/api/v1/meters', headers: { cookie: s.cookie } });
  assert.equal(meters.statusCode, 200);
  assert.ok(!p.logs().includes(s.cookie.split('=')[1]!), 'the session token never reaches the log');
});

test('a form post from another site cannot log in (JSON only, same origin)', async () => {
  const form = await p.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=op&password=${encodeURIComponent(passwords.op)}` });
  assert.equal(form.statusCode, 415);
  const foreign = await p.app.inject({ method: 'POST', url: '/api/v1/session', headers: { origin: 'https://evil.example', host: 'localhost:8080' }, payload: { username: 'op', password: passwords.op } });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().code, 'AUTH_CSRF');
});

test('a session\'s state changes need its CSRF token and its own origin', async () => {
  const s = await login('op', passwords.op);
  const patch = (headers: Record<string, string>) => p.app.inject({ method: 'PATCH', url: '/api/v1/vee/exceptions/999', headers: { cookie: s.cookie, ...headers }, payload: { status: 'accepted' } });
  assert.equal((await patch({})).json().code, 'AUTH_CSRF');
  assert.equal((await patch({ 'x-csrf-token': 'not-the-token' })).json().code, 'AUTH_CSRF');
  assert.equal((await patch({ 'x-csrf-token': s.csrf, origin: 'http://elsewhere:1', host: 'localhost' })).json().code, 'AUTH_CSRF');
  const ok = await patch({ 'x-csrf-token': s.csrf });
  assert.equal(ok.statusCode, 404, 'past the CSRF check: the exception does not exist');
  assert.equal(ok.json().code, 'VEE_EXCEPTION_NOT_FOUND');
});

test('a customer sees their own premise only: other premises 403, meters elsewhere 404, the operator API 403', async () => {
  const s = await login('home', passwords.home);
  const get = (url: string) => p.app.inject({ url, headers: { cookie: s.cookie } });
  const mine = await get('/api/v1/portal/meters');
  assert.equal(mine.statusCode, 200);
  assert.deepEqual(mine.json().meters.map((m: { meter: { id: string } }) => m.meter.id), [p.meters[0]!.id, p.meters[1]!.id]);
  assert.equal((await get('/api/v1/portal/meters?premise=P1')).statusCode, 200);
  for (const url of ['/api/v1/portal/meters?premise=P2', '/api/v1/portal/usage?period=week&premise=P2', '/api/v1/portal/live/now?premise=P2']) {
    const res = await get(url);
    assert.equal(res.statusCode, 403, url);
    assert.equal(res.json().code, 'API_FORBIDDEN');
  }
  const range = 'from=2026-03-28T00:00:00Z&to=2026-03-30T00:00:00Z';
  const elsewhere = await get(`/api/v1/portal/export?meter=${p.meters[2]!.id}&${range}`);
  assert.equal(elsewhere.statusCode, 404);
  for (const url of ['/api/v1/meters', `/api/v1/meters/${p.meters[0]!.id}`, `/api/v1/meters/${p.meters[2]!.id}/series?channel=1-0:1.8.0&${range}`, '/api/v1/vee/exceptions', '/api/v1/live']) {
    assert.equal((await get(url)).statusCode, 403, url);
  }
  const usage = await get('/api/v1/portal/usage?period=week&date=2026-03-29');
  assert.equal(usage.statusCode, 200, usage.body);
  const u = usage.json();
  assert.equal(u.buckets.length, 7);
  assert.equal(u.premise, 'P1');
  // The seeded fleet: meter i has i + 1 Wh a quarter-hour; P1 holds meters 0 and 1, and meter 0's
  // first interval on 2026-03-28 is estimated, its second missing.
  const day = (label: string) => u.buckets.find((b: { label: string }) => b.label === label);
  assert.equal(day('2026-03-28').total, 96 * 1 - 1 + 96 * 2);
  assert.equal(day('2026-03-28').estimated, 1);
  assert.equal(day('2026-03-29').total, 92 * 1 + 92 * 2, 'the DST day has 92 quarter-hours');
  assert.equal(day('2026-03-27').lastYear, null);
  const gb = await get(`/api/v1/portal/export?meter=${p.meters[1]!.id}&${range}`);
  assert.equal(gb.statusCode, 200, gb.body);
  assert.match(String(gb.headers['content-type']), /application\/atom\+xml/);
  assert.match(String(gb.headers['content-disposition']), /^attachment; filename="meterstack-E0002-2026-03-28\.xml"$/);
  assert.match(gb.body, /naesb\.org\/espi/);
});

test('an operator opens the customer view of any premise (read-only) and must name it', async () => {
  const s = await login('op', passwords.op);
  const other = await p.app.inject({ url: '/api/v1/portal/meters?premise=P2', headers: { cookie: s.cookie } });
  assert.equal(other.statusCode, 200);
  assert.deepEqual(other.json().meters.map((m: { meter: { id: string } }) => m.meter.id), [p.meters[2]!.id]);
  const none = await p.app.inject({ url: '/api/v1/portal/meters', headers: { cookie: s.cookie } });
  assert.equal(none.statusCode, 400);
  assert.equal((await p.app.inject({ url: '/api/v1/portal/meters?premise=NOPE', headers: { cookie: s.cookie } })).json().code, 'PREMISE_NOT_FOUND');
  assert.equal((await p.app.inject({ url: '/api/v1/users', headers: { cookie: s.cookie } })).statusCode, 403, 'users are the administrator\'s');
});

test('users: an administrator creates and changes them over the API; each change is audited', async () => {
  const created = await p.app.inject({ method: 'POST', url: '/api/v1/users', headers: p.auth, payload: { username: 'home2', role: 'customer', premise: 'P2' } });
  assert.equal(created.statusCode, 201, created.body);
  const { user, password } = created.json();
  assert.equal(user.premise, 'P2');
  assert.equal(typeof password, 'string');
  const s = await login('home2', password);
  assert.equal(s.body.premise, 'P2');
  const changed = await p.app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: p.auth, payload: { disabled: true } });
  assert.equal(changed.statusCode, 200);
  assert.ok(changed.json().disabledAt);
  assert.equal((await p.app.inject({ url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode, 401, 'disabling ends the session');
  const list = await p.app.inject({ url: '/api/v1/users', headers: p.auth });
  assert.ok(list.json().items.every((u: Record<string, unknown>) => !('password' in u)));
  const audit = await p.app.inject({ url: '/api/v1/audit?object=user:home2', headers: p.auth });
  assert.deepEqual(audit.json().items.map((e: { action: string }) => e.action), ['user.create', 'session.login', 'user.update']);
});

test('logout needs the CSRF token, ends the session and clears the cookie; audited', async () => {
  const s = await login('op', passwords.op);
  assert.equal((await p.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode, 403);
  const out = await p.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers['set-cookie']), /^msk_session=; .*Max-Age=0/);
  const after = await p.app.inject({ url: '/api/v1/meters', headers: { cookie: s.cookie } });
  assert.equal(after.statusCode, 401);
  const audit = await p.app.inject({ url: '/api/v1/audit?action=session.logout', headers: p.auth });
  assert.ok(audit.json().items.some((e: { actor: string }) => e.actor === 'user:op'));
});

test('the live stream sends a snapshot at once over server-sent events, and closing the app ends it', async () => {
  const s = await login('op', passwords.op);
  await p.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = p.app.server.address() as { port: number };
  const ctl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${addr.port}/api/v1/live`, { headers: { cookie: s.cookie }, signal: ctl.signal });
  assert.equal(res.status, 200);
  assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const deadline = Date.now() + 10_000;
  while (!/event: snapshot\ndata: (.+)\n\n/.test(text) && Date.now() < deadline) text += (await reader.read()).value ?? '';
  const data = JSON.parse(/event: snapshot\ndata: (.+)\n\n/.exec(text)![1]!);
  assert.equal(typeof data.messages, 'number');
  assert.equal(typeof data.openExceptions, 'number');
  assert.equal(data.newMessages, 0);
  assert.equal(data.activeOutages, 0, 'an operator sees the outage count');
  assert.equal(data.alerts, undefined, 'but not the security alerts: they are the audit readers\'');
  ctl.abort();
  const admin = new AbortController();
  const all = await fetch(`http://127.0.0.1:${addr.port}/api/v1/live`, { headers: p.auth, signal: admin.signal });
  const adminReader = all.body!.pipeThrough(new TextDecoderStream()).getReader();
  text = '';
  while (!/event: snapshot\ndata: (.+)\n\n/.test(text) && Date.now() < deadline) text += (await adminReader.read()).value ?? '';
  admin.abort();
  const failed = (await p.app.inject({ url: '/api/v1/audit?action=session.login-failed', headers: p.auth })).json().total;
  assert.ok(failed > 0, 'an earlier test failed a login');
  assert.equal(JSON.parse(/event: snapshot\ndata: (.+)\n\n/.exec(text)![1]!).alerts, failed, 'failed logins of the last day are alerts');
  const key = await p.app.inject({ url: '/api/v1/live', headers: { cookie: (await login('home', passwords.home)).cookie } });
  assert.equal(key.statusCode, 403, 'customers have no fleet stream');
});
