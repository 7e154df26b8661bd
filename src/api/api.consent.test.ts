import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NOW, platform, type Platform } from '../../test/support/platform.ts';

// Registry → customer grants → a third party reads under the consent → revoke / suspend / expiry,
// through the real API, services and SQLite store.
let p: Platform;
type H = Record<string, string>;
let security: H;
let operator: H;
let alice: H;
let bob: H;
let partyKey: string;
let party: H;

const bearer = (key: string): H => ({ authorization: `Bearer ${key}` });
const DAY = 86_400;

async function customer(username: string, premise: string): Promise<H> {
  await p.services.users.create({ username, name: username, role: 'customer', premise, password: 'correct horse battery' }, 'test');
  const l = await p.services.users.login(username, 'correct horse battery');
  return { cookie: `msk_session=${l.token}`, 'x-csrf-token': l.csrf };
}

before(async () => {
  p = await platform(4);
  const [m1, m2] = p.meters;
  await p.store.upsertMeters([{ ...m1!, premise: 'PREM-1' }, { ...m2!, premise: 'PREM-2' }]);
  const mint = async (role: string) => bearer(((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } })).json() as { key: string }).key);
  security = await mint('security-officer');
  operator = await mint('operator');
  alice = await customer('alice', 'PREM-1');
  bob = await customer('bob', 'PREM-2');
});
after(async () => p.close());

const readings = (premise: string, q: string) => p.app.inject({ url: `/api/v1/third-party/premises/${premise}/readings?${q}`, headers: party });
const RANGE = `from=${encodeURIComponent('2026-03-20T00:00:00+01:00')}&to=${encodeURIComponent('2026-04-02T00:00:00+02:00')}`;

test('security officer registers a party and issues its key (shown once, never logged); an operator reads the registry but cannot change it', async () => {
  const body = { legalName: 'GreenWatt Advice B.V.', contact: 'privacy@greenwatt.example', website: 'https://greenwatt.example', country: 'NL', purposes: ['energy-advice', 'research'] };
  const created = await p.app.inject({ method: 'POST', url: '/api/v1/third-parties', headers: security, payload: body });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().id, 'greenwatt-advice-b-v');
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/third-parties', headers: security, payload: body })).json().code, 'THIRD_PARTY_EXISTS');
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/third-parties', headers: operator, payload: { ...body, id: 'x-op' } })).statusCode, 403);
  const bad = await p.app.inject({ method: 'POST', url: '/api/v1/third-parties', headers: security, payload: { ...body, id: 'bad-site', website: 'ftp://x' } });
  assert.equal(bad.json().code, 'THIRD_PARTY_INVALID');
  const list = await p.app.inject({ url: '/api/v1/third-parties', headers: operator });
  assert.deepEqual(list.json().items.map((x: { id: string }) => x.id), ['greenwatt-advice-b-v']);

  const k = await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/keys', headers: security, payload: { label: 'production' } });
  assert.equal(k.statusCode, 201, k.body);
  assert.equal(k.headers['cache-control'], 'no-store');
  partyKey = k.json().key;
  party = bearer(partyKey);
  assert.match(partyKey, /^msk_/);
  const keys = await p.app.inject({ url: '/api/v1/third-parties/greenwatt-advice-b-v/keys', headers: operator });
  assert.equal(keys.json().items.length, 1);
  assert.equal(keys.json().items[0].key, undefined, 'a listed key never carries the secret');
  const audit = await p.app.inject({ url: '/api/v1/audit?object=thirdparty:greenwatt-advice-b-v', headers: p.auth });
  assert.deepEqual(audit.json().items.map((a: { action: string }) => a.action).sort(), ['thirdparty.create', 'thirdparty.key.issue']);
  assert.equal(JSON.stringify(audit.json()).includes(partyKey), false);
});

test('without a consent the party reads nothing; a customer grants, the party reads whole local days in the consented window, never finer', async () => {
  const none = await readings('PREM-1', RANGE);
  assert.equal(none.statusCode, 403);
  assert.equal(none.json().code, 'CONSENT_REQUIRED');

  const parties = await p.app.inject({ url: '/api/v1/portal/consents/parties', headers: alice });
  assert.deepEqual(parties.json().items.map((x: { id: string }) => x.id), ['greenwatt-advice-b-v']);
  const notAllowed = await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: alice, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'switching', scopes: ['import'], granularity: 'P1D' } });
  assert.equal(notAllowed.json().code, 'CONSENT_INVALID', 'the party may not ask for that purpose');
  const tooLong = await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: alice, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'research', scopes: ['import'], granularity: 'P1D', days: 400 } });
  assert.equal(tooLong.statusCode, 400);
  const g = await p.app.inject({
    method: 'POST', url: '/api/v1/portal/consents', headers: alice,
    payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'energy-advice', scopes: ['import'], granularity: 'P1D', historyDays: 7 },
  });
  assert.equal(g.statusCode, 201, g.body);
  const consent = g.json();
  assert.equal(consent.premise, 'PREM-1');
  assert.equal(consent.status, 'active');
  assert.equal(consent.live, true);
  assert.equal(Date.parse(consent.validUntil) / 1000, NOW + 365 * DAY);

  const r = await readings('PREM-1', RANGE);
  assert.equal(r.statusCode, 200, r.body);
  const d = r.json();
  assert.equal(d.granularity, 'P1D');
  assert.equal(d.clamped, true);
  // History from NOW - 7 days (25 Mar 12:00 UTC) moved up to the next local midnight; up to NOW.
  assert.equal(d.from, '2026-03-26T00:00:00+01:00');
  assert.equal(d.series.length, 1);
  const days = d.series[0].points as { start: string; value: number; intervals: number; expected: number }[];
  assert.equal(days[0]!.start, '2026-03-26T00:00:00+01:00');
  const byDay = Object.fromEntries(days.map((x) => [x.start.slice(0, 10), [x.value, x.intervals, x.expected]]));
  // Meter E0001: 1 Wh a quarter-hour; on 28 Mar one interval is missing; 29 Mar (DST) has 92.
  assert.deepEqual(byDay['2026-03-28'], [95, 95, 96]);
  assert.deepEqual(byDay['2026-03-29'], [92, 92, 92]);
  assert.deepEqual(byDay['2026-03-30'], [96, 96, 96]);
  assert.equal(byDay['2026-03-27']![1], 0);

  const fine = await readings('PREM-1', `${RANGE}&granularity=PT1H`);
  assert.equal(fine.statusCode, 403);
  assert.equal(fine.json().code, 'CONSENT_GRANULARITY_EXCEEDED');
  const month = await readings('PREM-1', `${RANGE}&granularity=P1M`);
  assert.equal(month.statusCode, 200);
  // A month total never includes March: the consented history starts mid-March, so only April (begun, no data yet) is given.
  assert.deepEqual(month.json().series[0].points.map((x: { start: string; value: number }) => [x.start, x.value]), [['2026-04-01T00:00:00+02:00', 0]]);
  const exportScope = await readings('PREM-1', `${RANGE}&scope=export`);
  assert.equal(exportScope.json().code, 'CONSENT_SCOPE_EXCEEDED');
  const other = await readings('PREM-2', RANGE);
  assert.equal(other.statusCode, 403);
  assert.equal(other.json().code, 'CONSENT_REQUIRED');

  const own = await p.app.inject({ url: '/api/v1/third-party/consents', headers: party });
  assert.deepEqual(own.json().items.map((c: { id: string; grantedBy?: string }) => [c.id, c.grantedBy]), [[consent.id, undefined]]);

  const log = await p.app.inject({ url: '/api/v1/portal/consents/access', headers: alice });
  assert.equal(log.statusCode, 200, log.body);
  const outcomes = log.json().items.map((e: { outcome: string; reason?: string; party: { legalName: string } }) => `${e.outcome}:${e.reason ?? ''}`);
  assert.deepEqual(outcomes, ['refused:CONSENT_SCOPE_EXCEEDED', 'served:', 'refused:CONSENT_GRANULARITY_EXCEEDED', 'served:', 'refused:CONSENT_REQUIRED']);
  assert.equal(log.json().items[1].party.legalName, 'GreenWatt Advice B.V.');
  // Bob's log shows the attempt on his premise, not Alice's reads.
  const bobLog = await p.app.inject({ url: '/api/v1/portal/consents/access', headers: bob });
  assert.deepEqual(bobLog.json().items.map((e: { outcome: string }) => e.outcome), ['refused']);
  const audit = await p.app.inject({ url: '/api/v1/audit?object=premise:PREM-1', headers: p.auth });
  assert.ok(audit.json().items.some((a: { action: string }) => a.action === 'consent.access'));
  assert.ok(audit.json().items.some((a: { action: string }) => a.action === 'consent.access-refused'));
});

test('only the customer grants and revokes, for their own premise; an operator views the portal read-only and revokes in the console with a reason', async () => {
  const mine = (await p.app.inject({ url: '/api/v1/portal/consents', headers: alice })).json();
  const id = mine.items[0].id as string;
  assert.equal((await p.app.inject({ url: '/api/v1/portal/consents?premise=PREM-1', headers: bob })).statusCode, 403);
  const bobRevoke = await p.app.inject({ method: 'POST', url: `/api/v1/portal/consents/${id}/revoke`, headers: bob, payload: {} });
  assert.equal(bobRevoke.statusCode, 404);
  assert.equal(bobRevoke.json().code, 'CONSENT_NOT_FOUND');
  const asOperator = await p.app.inject({ url: '/api/v1/portal/consents?premise=PREM-1', headers: operator });
  assert.equal(asOperator.json().items[0].id, id);
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: p.auth, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'research', scopes: ['import'], granularity: 'P1D' } })).statusCode, 403,
    'an administrator (who has portal:write) still cannot grant for a customer');
  assert.equal((await p.app.inject({ method: 'POST', url: `/api/v1/portal/consents/${id}/revoke`, headers: operator, payload: {} })).statusCode, 403);
  assert.equal((await p.app.inject({ method: 'POST', url: `/api/v1/consents/${id}/revoke`, headers: operator, payload: { reason: 'fraud' } })).statusCode, 403, 'operators read consents, security officers revoke');

  const second = await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: alice, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'research', scopes: ['import'], granularity: 'P1M' } });
  const sec = await p.app.inject({ method: 'POST', url: `/api/v1/consents/${second.json().id}/revoke`, headers: security, payload: { reason: 'complaint about misuse' } });
  assert.equal(sec.statusCode, 200, sec.body);
  assert.equal(sec.json().status, 'revoked');
  assert.equal(sec.json().revokeReason, 'complaint about misuse');

  const revoked = await p.app.inject({ method: 'POST', url: `/api/v1/portal/consents/${id}/revoke`, headers: alice, payload: { reason: 'I stopped using the app' } });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.equal(revoked.json().status, 'revoked');
  assert.equal(revoked.json().live, false);
  assert.equal((await p.app.inject({ method: 'POST', url: `/api/v1/portal/consents/${id}/revoke`, headers: alice, payload: {} })).json().code, 'CONSENT_ILLEGAL_STATE');
  const after = await readings('PREM-1', RANGE);
  assert.equal(after.statusCode, 403);
  assert.equal(after.json().code, 'CONSENT_REQUIRED');
  const audit = await p.app.inject({ url: `/api/v1/audit?object=consent:${id}`, headers: p.auth });
  assert.deepEqual(audit.json().items.map((a: { action: string; actor: string }) => `${a.action} ${a.actor}`).sort(), ['consent.grant user:alice', 'consent.revoke user:alice']);
  const filtered = await p.app.inject({ url: '/api/v1/consents?status=revoked&premise=PREM-1', headers: operator });
  assert.equal(filtered.json().total, 2);
});

test('suspending the party stops its access at once; reactivating restores it; an expired consent allows nothing', async () => {
  const g = await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: bob, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'energy-advice', scopes: ['import'], granularity: 'PT15M', historyDays: 30 } });
  assert.equal(g.statusCode, 201, g.body);
  const q = `from=${encodeURIComponent('2026-03-29T00:00:00+01:00')}&to=${encodeURIComponent('2026-03-30T00:00:00+02:00')}`;
  const ok = await readings('PREM-2', q);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().series[0].points.length, 92);
  assert.equal(ok.json().series[0].points[0].value, 2);

  const s = await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/suspend', headers: security, payload: { reason: 'data breach under investigation' } });
  assert.equal(s.statusCode, 200, s.body);
  const stopped = await readings('PREM-2', q);
  assert.equal(stopped.statusCode, 403);
  assert.equal(stopped.json().code, 'THIRD_PARTY_SUSPENDED');
  assert.equal((await p.app.inject({ url: '/api/v1/third-party/consents', headers: party })).json().code, 'THIRD_PARTY_SUSPENDED');
  const view = (await p.app.inject({ url: '/api/v1/portal/consents', headers: bob })).json().items[0];
  assert.deepEqual([view.status, view.live, view.notLive], ['active', false, 'party-suspended'], 'the consent stays, its access is suspended');
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/suspend', headers: security, payload: {} })).json().code, 'CONSENT_ILLEGAL_STATE');
  await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/reactivate', headers: security, payload: {} });
  assert.equal((await readings('PREM-2', q)).statusCode, 200);

  const c = (await p.store.getConsent(g.json().id))!;
  await p.store.putConsent({ ...c, validUntil: NOW - 1 });
  const expired = await readings('PREM-2', q);
  assert.equal(expired.statusCode, 403);
  assert.equal(expired.json().code, 'CONSENT_REQUIRED');
  assert.equal((await p.app.inject({ url: `/api/v1/consents/${c.id}`, headers: operator })).json().status, 'expired');
});

test('a third-party key not bound to a party gets nothing; removing a party revokes its keys and consents; keys never reach the log', async () => {
  const loose = ((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role: 'third-party', label: 'loose' } })).json() as { key: string }).key;
  const r = await p.app.inject({ url: `/api/v1/third-party/premises/PREM-1/readings?${RANGE}`, headers: bearer(loose) });
  assert.equal(r.json().code, 'THIRD_PARTY_KEY_UNBOUND');
  assert.equal((await p.app.inject({ url: '/api/v1/consents', headers: party })).statusCode, 403, 'a party reads no other routes');

  await p.app.inject({ method: 'POST', url: '/api/v1/portal/consents', headers: alice, payload: { thirdParty: 'greenwatt-advice-b-v', purpose: 'energy-advice', scopes: ['import'], granularity: 'P1D' } });
  const rm = await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/remove', headers: security, payload: { reason: 'contract ended' } });
  assert.equal(rm.statusCode, 200, rm.body);
  assert.equal((await readings('PREM-1', RANGE)).statusCode, 401, 'its key is revoked');
  const active = await p.app.inject({ url: '/api/v1/consents?status=active&thirdParty=greenwatt-advice-b-v', headers: operator });
  assert.equal(active.json().total, 0);
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/third-parties/greenwatt-advice-b-v/reactivate', headers: security, payload: {} })).statusCode, 409);
  assert.equal(p.logs().includes(partyKey), false);
  assert.equal(p.logs().includes(loose), false);
});
