import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { hasCode, isoToEpoch } from '../../model/index.ts';
import {
  ceilToBucket, clampWindow, coarseEnough, consentStatus, grantTimes, GRANULARITIES, liveness, MAX_CONSENT_DAYS, nextConsentStatus, nextPartyStatus,
  PARTY_STATUSES, type Granularity, type PartyStatus,
} from './consent.rules.ts';
import { checkParty, slugOf } from './registry.rules.ts';

const T0 = isoToEpoch('2026-03-01T00:00:00Z');
const c = (extra: Partial<{ status: 'active' | 'revoked'; validFrom: number; validUntil: number }> = {}) => ({ status: 'active' as const, validFrom: T0, validUntil: T0 + 1000, ...extra });

test('a consent is live only while active, inside its validity and with its party active', () => {
  assert.deepEqual(liveness(c(), 'active', T0), { live: true });
  assert.deepEqual(liveness(c(), 'active', T0 - 1), { live: false, reason: 'not-yet-valid' });
  assert.deepEqual(liveness(c(), 'active', T0 + 1000), { live: false, reason: 'expired' });
  assert.deepEqual(liveness(c({ status: 'revoked' }), 'active', T0 + 1), { live: false, reason: 'revoked' });
  assert.deepEqual(liveness(c(), 'suspended', T0 + 1), { live: false, reason: 'party-suspended' });
  assert.deepEqual(liveness(c(), 'removed', T0 + 1), { live: false, reason: 'party-removed' });
  assert.equal(consentStatus(c(), T0 + 999), 'active');
  assert.equal(consentStatus(c(), T0 + 1000), 'expired');
});

test('property: liveness is exactly "active, validFrom <= now < validUntil, party active", and once expired it stays so', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: -1e6, max: 3e6 }), fc.boolean(), fc.constantFrom<PartyStatus>(...PARTY_STATUSES), fc.nat(1e6),
    (from, len, now, revoked, party, later) => {
      const x = c({ validFrom: from, validUntil: from + len, status: revoked ? 'revoked' : 'active' });
      const live = liveness(x, party, now).live;
      assert.equal(live, !revoked && from <= now && now < from + len && party === 'active');
      if (consentStatus(x, now) === 'expired') assert.equal(consentStatus(x, now + later), 'expired');
      if (revoked || now >= from + len) assert.equal(liveness(x, 'active', now + later).live, false, 'revoked or expired never comes back');
    },
  ));
});

test('state tables: suspend ⇄ reactivate, remove is final; only an active consent is revoked', () => {
  assert.equal(nextPartyStatus('active', 'suspend'), 'suspended');
  assert.equal(nextPartyStatus('suspended', 'reactivate'), 'active');
  assert.equal(nextPartyStatus('suspended', 'remove'), 'removed');
  assert.throws(() => nextPartyStatus('removed', 'reactivate'), (e) => hasCode(e, 'CONSENT_ILLEGAL_STATE'));
  assert.throws(() => nextPartyStatus('active', 'reactivate'), (e) => hasCode(e, 'CONSENT_ILLEGAL_STATE'));
  assert.equal(nextConsentStatus('active', 'revoke'), 'revoked');
  assert.throws(() => nextConsentStatus('expired', 'revoke'), (e) => hasCode(e, 'CONSENT_ILLEGAL_STATE'));
  assert.throws(() => nextConsentStatus('revoked', 'revoke'), (e) => hasCode(e, 'CONSENT_ILLEGAL_STATE'));
});

test('granularity: equal or coarser is allowed, finer never', () => {
  assert.equal(coarseEnough('P1D', 'P1D'), true);
  assert.equal(coarseEnough('P1D', 'P1M'), true);
  assert.equal(coarseEnough('P1D', 'PT1H'), false);
  assert.equal(coarseEnough('PT1H', 'PT15M'), false);
  fc.assert(fc.property(fc.constantFrom<Granularity>(...GRANULARITIES), fc.constantFrom<Granularity>(...GRANULARITIES), (a, b) => {
    assert.equal(coarseEnough(a, b) && coarseEnough(b, a), a === b);
    assert.equal(coarseEnough(a, b) || coarseEnough(b, a), true);
  }));
});

test('the window never starts before the history start, is moved up to a whole local bucket and never reaches past now', () => {
  const zone = 'Europe/Amsterdam';
  const history = isoToEpoch('2026-03-10T13:20:00+01:00');
  const now = isoToEpoch('2026-03-20T12:00:00+01:00');
  const w = clampWindow({ from: isoToEpoch('2026-03-01T00:00:00+01:00'), to: isoToEpoch('2026-04-01T00:00:00+02:00') }, history, now, zone, 'P1D');
  assert.equal(w.from, isoToEpoch('2026-03-11T00:00:00+01:00'));
  assert.equal(w.to, now);
  assert.equal(w.clamped, true);
  const m = clampWindow({ from: history, to: now }, history, now, zone, 'P1M');
  assert.equal(m.from, isoToEpoch('2026-04-01T00:00:00+02:00'));
  assert.equal(m.to, m.from, 'nothing is left: the first whole month starts after now');
  const inside = clampWindow({ from: isoToEpoch('2026-03-12T00:00:00+01:00'), to: isoToEpoch('2026-03-13T00:00:00+01:00') }, history, now, zone, 'PT1H');
  assert.equal(inside.clamped, false);
});

test('property: a clamped window lies inside [history, now] and starts on a bucket boundary of the zone', () => {
  const zones = ['Europe/Amsterdam', 'Asia/Kolkata', 'America/New_York', 'UTC'];
  fc.assert(fc.property(
    fc.integer({ min: T0, max: T0 + 400 * 86_400 }), fc.integer({ min: 0, max: 90 * 86_400 }), fc.integer({ min: 0, max: 200 * 86_400 }), fc.integer({ min: 0, max: 200 * 86_400 }),
    fc.constantFrom(...zones), fc.constantFrom<Granularity>(...GRANULARITIES),
    (from, span, historyOffset, nowOffset, zone, g) => {
      const history = T0 + historyOffset;
      const now = T0 + nowOffset;
      const w = clampWindow({ from, to: from + span }, history, now, zone, g);
      assert.ok(w.from >= history && w.from >= from);
      assert.ok(w.to >= w.from);
      assert.ok(w.to <= Math.max(w.from, now));
      assert.equal(ceilToBucket(w.from, zone, g), w.from);
      if (g === 'P1D') assert.equal(DateTime.fromSeconds(w.from, { zone }).toFormat('HH:mm:ss'), '00:00:00');
    },
  ));
});

test('grant times: a year by default, at most 366 days, history at most 730 days', () => {
  assert.deepEqual(grantTimes({ validFrom: T0 }), { validFrom: T0, validUntil: T0 + 365 * 86_400, historyFrom: T0 });
  assert.equal(grantTimes({ validFrom: T0, days: 30, historyDays: 7 }).historyFrom, T0 - 7 * 86_400);
  assert.throws(() => grantTimes({ validFrom: T0, days: MAX_CONSENT_DAYS + 1 }), (e) => hasCode(e, 'CONSENT_INVALID'));
  assert.throws(() => grantTimes({ validFrom: T0, days: 0 }), (e) => hasCode(e, 'CONSENT_INVALID'));
  assert.throws(() => grantTimes({ validFrom: T0, historyDays: 731 }), (e) => hasCode(e, 'CONSENT_INVALID'));
});

test('registry entries are checked field by field', () => {
  const ok = { legalName: 'Green Watt B.V.', contact: 'privacy@greenwatt.example', website: 'https://greenwatt.example', country: 'nl', purposes: ['research', 'energy-advice', 'research'] };
  assert.deepEqual(checkParty(ok), { id: 'green-watt-b-v', legalName: 'Green Watt B.V.', contact: 'privacy@greenwatt.example', website: 'https://greenwatt.example', country: 'NL', purposes: ['energy-advice', 'research'] });
  assert.equal(slugOf('Énergie Conseil'), 'energie-conseil');
  for (const [field, bad] of [['website', { website: 'javascript:alert(1)' }], ['country', { country: 'NLD' }], ['purposes', { purposes: ['marketing'] }], ['purposes', { purposes: [] }], ['id', { id: 'A B' }]] as const) {
    assert.throws(() => checkParty({ ...ok, ...bad }), (e) => hasCode(e, 'THIRD_PARTY_INVALID') && (e.details as { field: string }).field === field);
  }
});
