import assert from 'node:assert/strict';
import type { ConsentAccessInput, ConsentRecord, ThirdPartyRecord } from '../consent.port.ts';
import type { Case } from './fixtures.ts';

const party = (id: string, legalName: string, extra: Partial<ThirdPartyRecord> = {}): ThirdPartyRecord => ({
  id, legalName, contact: 'privacy@example.org', website: 'https://example.org', country: 'NL', purposes: ['energy-advice', 'research'],
  status: 'active', createdAt: 100, createdBy: 'user:admin', updatedAt: 100, updatedBy: 'user:admin', ...extra,
});
const consent = (id: string, premise: string, thirdPartyId: string, extra: Partial<ConsentRecord> = {}): ConsentRecord => ({
  id, premise, thirdPartyId, purpose: 'energy-advice', scopes: ['import'], granularity: 'P1D', historyFrom: 0, validFrom: 100, validUntil: 1000,
  status: 'active', grantedBy: 'user:customer1', grantedAt: 100, ...extra,
});
const access = (at: number, premise: string, extra: Partial<ConsentAccessInput> = {}): ConsentAccessInput => ({
  at, thirdPartyId: 'tp-a', premise, keyId: 'key_1', scopes: ['import'], granularity: 'P1D', from: 0, to: 86_400, outcome: 'served', values: 1, ...extra,
});

export const consentCases: readonly Case[] = [
  ['consent: third parties are put by id, listed by legal name, filtered by status', async (store) => {
    await store.putThirdParty(party('tp-b', 'Beta Research'));
    await store.putThirdParty(party('tp-a', 'Alpha Advice'));
    assert.deepEqual(await store.getThirdParty('tp-a'), party('tp-a', 'Alpha Advice'));
    await store.putThirdParty(party('tp-a', 'Alpha Advice BV', { status: 'suspended', updatedAt: 200, updatedBy: 'user:sec' }));
    assert.deepEqual(await store.getThirdParty('tp-a'), party('tp-a', 'Alpha Advice BV', { status: 'suspended', updatedAt: 200, updatedBy: 'user:sec' }));
    assert.deepEqual((await store.listThirdParties({})).map((p) => p.id), ['tp-a', 'tp-b']);
    assert.deepEqual((await store.listThirdParties({ status: 'active' })).map((p) => p.id), ['tp-b']);
    assert.equal(await store.getThirdParty('nobody'), undefined);
  }],

  ['consent: key bindings are found by key id, listed per party, and revoked by a put', async (store) => {
    await store.putThirdParty(party('tp-a', 'Alpha'));
    await store.putThirdPartyKey({ keyId: 'key_2', hash: 'h2', thirdPartyId: 'tp-a', label: 'prod', createdAt: 200, createdBy: 'user:admin' });
    await store.putThirdPartyKey({ keyId: 'key_1', hash: 'h1', thirdPartyId: 'tp-a', label: 'test', createdAt: 100, createdBy: 'user:admin' });
    assert.equal((await store.getThirdPartyKey('key_1'))?.thirdPartyId, 'tp-a');
    assert.deepEqual((await store.listThirdPartyKeys('tp-a')).map((k) => k.keyId), ['key_1', 'key_2']);
    const k = (await store.getThirdPartyKey('key_2'))!;
    await store.putThirdPartyKey({ ...k, revokedAt: 300 });
    assert.equal((await store.getThirdPartyKey('key_2'))?.revokedAt, 300);
    assert.equal(await store.getThirdPartyKey('key_9'), undefined);
  }],

  ['consent: consents round-trip, a revoke is a put, lists are newest first and filter by premise, party and status at a time', async (store) => {
    await store.putThirdParty(party('tp-a', 'Alpha'));
    await store.putThirdParty(party('tp-b', 'Beta'));
    await store.putConsent(consent('c1', 'P1', 'tp-a'));
    await store.putConsent(consent('c2', 'P1', 'tp-b', { validUntil: 500 }));
    await store.putConsent(consent('c3', 'P2', 'tp-a'));
    assert.deepEqual(await store.getConsent('c1'), consent('c1', 'P1', 'tp-a'));
    const revoked = consent('c1', 'P1', 'tp-a', { status: 'revoked', revokedBy: 'user:customer1', revokedAt: 300, revokeReason: 'no longer used' });
    await store.putConsent(revoked);
    assert.deepEqual(await store.getConsent('c1'), revoked);
    const ids = async (f: Parameters<typeof store.listConsents>[0]) => (await store.listConsents(f, { limit: 10 })).items.map((c) => c.id);
    assert.deepEqual(await ids({}), ['c3', 'c2', 'c1']);
    assert.deepEqual(await ids({ premise: 'P1' }), ['c2', 'c1']);
    assert.deepEqual(await ids({ thirdPartyId: 'tp-a' }), ['c3', 'c1']);
    assert.deepEqual(await ids({ status: 'revoked' }), ['c1']);
    assert.deepEqual(await ids({ status: 'active', at: 600 }), ['c3']);
    assert.deepEqual(await ids({ status: 'expired', at: 600 }), ['c2']);
    const first = await store.listConsents({}, { limit: 2 });
    assert.equal(first.total, 3);
    const second = await store.listConsents({}, { limit: 2, cursor: first.next });
    assert.deepEqual(second.items.map((c) => c.id), ['c1']);
    assert.equal(second.next, null);
    assert.equal(await store.getConsent('c9'), undefined);
  }],

  ['consent: the access log is append-only, newest first, by premise or party', async (store) => {
    await store.appendConsentAccess(access(100, 'P1', { consentId: 'c1' }));
    await store.appendConsentAccess(access(200, 'P2', { thirdPartyId: 'tp-b', outcome: 'refused', reason: 'CONSENT_REQUIRED', values: 0 }));
    await store.appendConsentAccess(access(300, 'P1', { consentId: 'c1', values: 24 }));
    const p1 = await store.listConsentAccess({ premise: 'P1' }, { limit: 10 });
    assert.deepEqual(p1.items.map((e) => e.at), [300, 100]);
    assert.equal(p1.items[1]!.consentId, 'c1');
    const { seq: _seq, ...rest } = p1.items[0]!;
    assert.deepEqual(rest, access(300, 'P1', { consentId: 'c1', values: 24 }));
    const b = await store.listConsentAccess({ thirdPartyId: 'tp-b' }, { limit: 10 });
    assert.deepEqual(b.items.map((e) => [e.outcome, e.reason, e.consentId]), [['refused', 'CONSENT_REQUIRED', undefined]]);
    assert.equal((await store.listConsentAccess({}, { limit: 10 })).total, 3);
  }],
];
