import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, isoToEpoch } from '../../model/index.ts';
import { seedFleet, tempStore, type TempStore } from '../../../test/support/sqlite-fleet.ts';
import { AuthService, type Principal } from '../auth.service.ts';
import { ReadingsService } from '../readings.service.ts';
import { ConsentService } from './consent.service.ts';
import { ThirdPartiesService } from './registry.service.ts';
import { ThirdPartyDataService } from './third-party-data.service.ts';

// The consent services over a real SQLite store, with a clock the test moves.
let t: TempStore;
let now = isoToEpoch('2026-03-31T10:00:00Z');
const clock = () => now;
let consents: ConsentService;
let parties: ThirdPartiesService;
let data: ThirdPartyDataService;
const carol: Principal = { keyId: 'u-carol', role: 'customer', label: 'Carol', user: 'carol', premise: 'HOME-1' };
const officer: Principal = { keyId: 'u-sec', role: 'security-officer', label: 'Sec', user: 'sec' };
let app: Principal;

before(async () => {
  t = tempStore(clock);
  const [m] = await seedFleet(t.store, 2);
  await t.store.upsertMeters([{ ...m!, premise: 'HOME-1' }]);
  consents = new ConsentService(t.store, clock);
  parties = new ThirdPartiesService(t.store, new AuthService(t.store, clock), clock);
  data = new ThirdPartyDataService(t.store, consents, new ReadingsService(t.store), clock);
  await parties.add({ id: 'ev-app', legalName: 'ChargeSmart', contact: 'dpo@chargesmart.example', website: 'https://chargesmart.example', country: 'DE', purposes: ['ev-charging'] }, 'user:sec');
  const key = await parties.issueKey('ev-app', 'prod', 'user:sec');
  app = { keyId: key.keyId, role: 'third-party', label: 'ChargeSmart' };
});
after(async () => t.close());

const q = { from: isoToEpoch('2026-03-28T00:00:00+01:00'), to: isoToEpoch('2026-03-31T00:00:00+02:00') };

test('a consent lives from its grant until its end: hourly totals while valid, nothing once expired', async () => {
  const c = await consents.grant(carol, { thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['import'], granularity: 'PT1H', days: 2, historyDays: 3 });
  assert.equal(c.live, true);
  const d = await data.readings(app, 'HOME-1', q);
  // From 28 Mar 10:00 UTC (history 3 days) on, whole hours only: 11:00 local onwards.
  assert.equal(d.from, isoToEpoch('2026-03-28T11:00:00+01:00'));
  const pts = d.series[0]!.points;
  assert.equal(pts[0]!.start, d.from);
  assert.ok(pts.every((p) => p.end - p.start === 3600), 'local hours, also across the DST change');
  assert.equal(pts.find((p) => p.start === isoToEpoch('2026-03-29T03:00:00+02:00'))!.value, 4, 'four quarter-hours of 1 Wh');
  assert.ok(pts.every((p) => p.start >= d.from));
  now += 2 * 86_400;
  await assert.rejects(data.readings(app, 'HOME-1', q), (e) => hasCode(e, 'CONSENT_REQUIRED'));
  assert.equal((await consents.get(c.id)).state, 'expired');
  await assert.rejects(consents.revokeAsCustomer(carol, c.id), (e) => hasCode(e, 'CONSENT_ILLEGAL_STATE'));
  const log = await consents.accessLog(carol, undefined, { limit: 10 });
  assert.deepEqual(log.items.map((e) => e.outcome), ['refused', 'served']);
});

test('a grant is checked: another premise, a party not active, an operator', async () => {
  await assert.rejects(consents.grant(carol, { premise: 'HOME-2', thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['import'], granularity: 'P1D' }), (e) => hasCode(e, 'API_FORBIDDEN'));
  await assert.rejects(consents.grant(officer, { premise: 'HOME-1', thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['import'], granularity: 'P1D' }), (e) => hasCode(e, 'API_FORBIDDEN'));
  await assert.rejects(consents.grant(carol, { thirdPartyId: 'nobody', purpose: 'ev-charging', scopes: ['import'], granularity: 'P1D' }), (e) => hasCode(e, 'THIRD_PARTY_NOT_FOUND'));
  await assert.rejects(consents.grant(carol, { thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['gas'], granularity: 'P1D' }), (e) => hasCode(e, 'CONSENT_INVALID'));
  await parties.transition('ev-app', 'suspend', 'user:sec');
  await assert.rejects(consents.grant(carol, { thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['import'], granularity: 'P1D' }), (e) => hasCode(e, 'THIRD_PARTY_NOT_FOUND'));
  await parties.transition('ev-app', 'reactivate', 'user:sec');
});

test('removing a party revokes its live consents and its keys, and is audited', async () => {
  const c = await consents.grant(carol, { thirdPartyId: 'ev-app', purpose: 'ev-charging', scopes: ['import'], granularity: 'P1D' });
  await parties.transition('ev-app', 'remove', 'user:sec', 'contract ended');
  const after = await consents.get(c.id);
  assert.deepEqual([after.state, after.revokedBy, after.party.status], ['revoked', 'user:sec', 'removed']);
  assert.ok((await parties.keys('ev-app')).every((k) => k.revokedAt !== undefined));
  const k = (await t.store.listThirdPartyKeys('ev-app'))[0]!;
  assert.notEqual((await t.store.findApiKey(k.hash))?.revokedAt, undefined);
  const audit = await t.store.listAudit({ objectPrefix: 'thirdparty:ev-app' }, { limit: 20 });
  assert.deepEqual(audit.items.map((a) => a.action).sort(), ['thirdparty.create', 'thirdparty.key.issue', 'thirdparty.reactivate', 'thirdparty.remove', 'thirdparty.suspend']);
  const revoked = await t.store.listAudit({ objectPrefix: `consent:${c.id}` }, { limit: 5 });
  assert.deepEqual(revoked.items.map((x) => `${x.action} ${x.actor}`).sort(), ['consent.grant user:carol', 'consent.revoke user:sec']);
});
