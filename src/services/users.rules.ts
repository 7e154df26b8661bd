import type { EpochSeconds } from '../model/index.ts';

/** Sessions end after this long without a request (sliding), and in any case this long after login. */
export const SESSION_IDLE_S = 8 * 3600;
export const SESSION_MAX_S = 7 * 86_400;
/** A session's expiry is moved forward at most once a minute: not a write per request. */
export const SESSION_TOUCH_S = 60;

/** After this many failed logins for one username within the window, that username waits it out. */
export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_S = 15 * 60;

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

export function validUsername(s: string): boolean {
  return USERNAME.test(s);
}

/** Why a password is refused, or undefined if it is acceptable. */
export function passwordProblem(pw: string): string | undefined {
  if (pw.length < MIN_PASSWORD) return `a password needs at least ${MIN_PASSWORD} characters`;
  if (pw.length > MAX_PASSWORD) return `a password has at most ${MAX_PASSWORD} characters`;
  if (new Set(pw).size < 4) return 'a password needs at least 4 different characters';
  return undefined;
}

export function sessionExpiry(createdAt: EpochSeconds, now: EpochSeconds): EpochSeconds {
  return Math.min(createdAt + SESSION_MAX_S, now + SESSION_IDLE_S);
}

export function sessionActive(s: { readonly expiresAt: EpochSeconds }, now: EpochSeconds): boolean {
  return now < s.expiresAt;
}

/** Whether an active session's expiry should be moved forward on this request. */
export function shouldTouch(s: { readonly seenAt: EpochSeconds }, now: EpochSeconds): boolean {
  return now - s.seenAt >= SESSION_TOUCH_S;
}

/**
 * Which premise a portal request is about. A customer sees their own premise only: asking for
 * another one is refused (`forbidden`). Anyone else with portal access (operators) must name one.
 */
export function portalPremise(principal: { readonly role: string; readonly premise?: string }, requested: string | undefined):
  { readonly premise: string } | { readonly refused: 'forbidden' | 'missing' } {
  if (principal.role === 'customer') {
    if (principal.premise === undefined) return { refused: 'forbidden' };
    if (requested !== undefined && requested !== principal.premise) return { refused: 'forbidden' };
    return { premise: principal.premise };
  }
  return requested === undefined || requested === '' ? { refused: 'missing' } : { premise: requested };
}
