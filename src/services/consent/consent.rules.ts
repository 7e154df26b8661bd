import { DateTime } from 'luxon';
import { DAY_S, MeterstackError, obis, type EpochSeconds } from '../../model/index.ts';

/** What a third party may ask a customer's data for; a party's registry entry lists the ones it may use. */
export const PURPOSES = ['energy-advice', 'switching', 'research', 'ev-charging'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Which data a consent covers: energy taken from the grid (1.8.0) and/or fed back (2.8.0). */
export const SCOPES = ['import', 'export'] as const;
export type Scope = (typeof SCOPES)[number];
export const SCOPE_OBIS: Readonly<Record<Scope, string>> = { import: obis('1-0:1.8.0'), export: obis('1-0:2.8.0') };

/** ISO 8601 durations, finest first: a party never gets data finer than its consent says. */
export const GRANULARITIES = ['PT15M', 'PT1H', 'P1D', 'P1M'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const PARTY_STATUSES = ['active', 'suspended', 'removed'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];
export type PartyEvent = 'suspend' | 'reactivate' | 'remove';

/** Stored consent states; `expired` is never stored, it follows from the clock (consentStatus). */
export type StoredConsentStatus = 'active' | 'revoked';
export type ConsentStatus = StoredConsentStatus | 'expired';
export type ConsentEvent = 'revoke';

/** Consents last a year unless the customer chooses shorter, and never longer than 366 days. */
export const DEFAULT_CONSENT_DAYS = 365;
export const MAX_CONSENT_DAYS = 366;
/** How far back a consent may reach before the day it was given. */
export const MAX_HISTORY_DAYS = 730;
/** The longest range one request may ask for, per granularity (a request is answered whole, not paged). */
export const MAX_REQUEST_DAYS: Readonly<Record<Granularity, number>> = { PT15M: 31, PT1H: 92, P1D: 1100, P1M: 1100 };

export const PARTY_TRANSITIONS: Readonly<Record<PartyStatus, Partial<Record<PartyEvent, PartyStatus>>>> = {
  active: { suspend: 'suspended', remove: 'removed' },
  suspended: { reactivate: 'active', remove: 'removed' },
  removed: {},
};

export const CONSENT_TRANSITIONS: Readonly<Record<ConsentStatus, Partial<Record<ConsentEvent, StoredConsentStatus>>>> = {
  active: { revoke: 'revoked' },
  revoked: {},
  expired: {},
};

export function nextPartyStatus(state: PartyStatus, event: PartyEvent): PartyStatus {
  const next = PARTY_TRANSITIONS[state][event];
  if (next === undefined) throw new MeterstackError('CONSENT_ILLEGAL_STATE', `a third party that is ${state} cannot ${event}`, { details: { state, event } });
  return next;
}

export function nextConsentStatus(state: ConsentStatus, event: ConsentEvent): StoredConsentStatus {
  const next = CONSENT_TRANSITIONS[state][event];
  if (next === undefined) throw new MeterstackError('CONSENT_ILLEGAL_STATE', `a consent that is ${state} cannot be ${event}d`, { details: { state, event } });
  return next;
}

export const isPurpose = (s: string): s is Purpose => (PURPOSES as readonly string[]).includes(s);
export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);
export const isGranularity = (s: string): s is Granularity => (GRANULARITIES as readonly string[]).includes(s);

/** Whether `requested` is at least as coarse as `consented`. */
export function coarseEnough(consented: Granularity, requested: Granularity): boolean {
  return GRANULARITIES.indexOf(requested) >= GRANULARITIES.indexOf(consented);
}

export interface ConsentTimes {
  readonly status: StoredConsentStatus;
  readonly validFrom: EpochSeconds;
  readonly validUntil: EpochSeconds;
}

/** The status a customer and an operator see: a consent past its end is expired, whatever is stored. */
export function consentStatus(c: ConsentTimes, now: EpochSeconds): ConsentStatus {
  if (c.status === 'revoked') return 'revoked';
  return now >= c.validUntil ? 'expired' : 'active';
}

export type NotLive = 'revoked' | 'expired' | 'not-yet-valid' | 'party-suspended' | 'party-removed';

/** A consent allows access only while active, inside [validFrom, validUntil) and its party active. */
export function liveness(c: ConsentTimes, party: PartyStatus, now: EpochSeconds): { live: true } | { live: false; reason: NotLive } {
  const s = consentStatus(c, now);
  if (s !== 'active') return { live: false, reason: s };
  if (now < c.validFrom) return { live: false, reason: 'not-yet-valid' };
  if (party !== 'active') return { live: false, reason: party === 'suspended' ? 'party-suspended' : 'party-removed' };
  return { live: true };
}

/** Start of the local bucket of `granularity` at or after `t` (quarter-hours on the UTC grid, which every zone shares). */
export function ceilToBucket(t: EpochSeconds, zone: string, g: Granularity): EpochSeconds {
  if (g === 'PT15M') return Math.ceil(t / 900) * 900;
  const unit = g === 'PT1H' ? 'hour' : g === 'P1D' ? 'day' : 'month';
  const start = DateTime.fromSeconds(t, { zone }).startOf(unit);
  const s = start.toSeconds();
  return s === t ? t : start.plus({ [`${unit}s`]: 1 }).toSeconds();
}

export interface Window {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** The request reached outside what the consent allows and was cut. */
  readonly clamped: boolean;
}

/**
 * The part of [from, to) a consent lets a party read: not before the consented history start (moved
 * up to a whole bucket, so a day or month total never includes an earlier interval), not after now.
 * `from >= to` means nothing is left.
 */
export function clampWindow(q: { from: EpochSeconds; to: EpochSeconds }, historyFrom: EpochSeconds, now: EpochSeconds, zone: string, g: Granularity): Window {
  const lower = Math.max(q.from, historyFrom);
  const from = ceilToBucket(lower, zone, g);
  const to = Math.min(q.to, now);
  return { from, to: Math.max(from, to), clamped: from !== q.from || to !== q.to };
}

export interface GrantInput {
  readonly validFrom: EpochSeconds;
  readonly days?: number;
  readonly historyDays?: number;
}

/** Validity and history of a new consent: a year by default, at most MAX_CONSENT_DAYS, history at most MAX_HISTORY_DAYS. */
export function grantTimes(g: GrantInput): { validFrom: EpochSeconds; validUntil: EpochSeconds; historyFrom: EpochSeconds } {
  const days = g.days ?? DEFAULT_CONSENT_DAYS;
  const history = g.historyDays ?? 0;
  if (!Number.isInteger(days) || days < 1 || days > MAX_CONSENT_DAYS) {
    throw new MeterstackError('CONSENT_INVALID', `a consent lasts 1 to ${MAX_CONSENT_DAYS} days, not ${days}`, { details: { field: 'days' } });
  }
  if (!Number.isInteger(history) || history < 0 || history > MAX_HISTORY_DAYS) {
    throw new MeterstackError('CONSENT_INVALID', `history reaches back 0 to ${MAX_HISTORY_DAYS} days, not ${history}`, { details: { field: 'historyDays' } });
  }
  return { validFrom: g.validFrom, validUntil: g.validFrom + days * DAY_S, historyFrom: g.validFrom - history * DAY_S };
}
