/**
 * Shared vocabulary of the DLMS association (client `connection.ts` and server `connection-server.ts`):
 * authentication mechanisms and security policies as configured (DOMAIN §2.7), the application
 * context each policy implies, the current-association object HLS pass 3/4 runs on, and the
 * typed DLMS_ILLEGAL_STATE check both table-driven state machines share.
 */
import { DlmsError } from '../errors.ts';
import type { ApplicationContext, Mechanism } from '../apdu/index.ts';
import type { ProtectionMode } from '../security/index.ts';
import type { SecretKey } from '../security/index.ts';

/** Supported association authentication: none (lowest), LLS password (low), HLS mechanism 5 (GMAC). */
export type AuthMechanism = 'lowest' | 'low' | 'hls-gmac';

/** Security policy (class 64 version 0): what protection every xDLMS APDU of the association carries. */
export type SecurityPolicy = 'none' | ProtectionMode;

export interface AssociationKeys {
  /** Global unicast encryption key. */
  readonly ek: SecretKey;
  /** Authentication key. */
  readonly ak: SecretKey;
}

/** The ACSE mechanism-name each configured mechanism sends. */
export const MECHANISM_NAME: Readonly<Record<AuthMechanism, Mechanism | null>> = { lowest: null, low: 'lls', 'hls-gmac': 'hls-gmac' };

export function mechanismOf(name: Mechanism | null): AuthMechanism | undefined {
  if (name === null || name === 'lowest') return 'lowest';
  if (name === 'lls') return 'low';
  if (name === 'hls-gmac') return 'hls-gmac';
  return undefined;
}

export function applicationContextFor(policy: SecurityPolicy): ApplicationContext {
  return policy === 'none' ? 'ln' : 'ln-ciphered';
}

/** Current association (Association LN, class 15) and its method 1, reply_to_HLS_authentication. */
export const CURRENT_ASSOCIATION = {
  classId: 15,
  logicalName: Uint8Array.of(0, 0, 40, 0, 0, 255),
  replyToHlsMethod: 1,
} as const;

export function isCurrentAssociationHls(m: { classId: number; logicalName: Uint8Array; methodId: number }): boolean {
  return m.classId === CURRENT_ASSOCIATION.classId && m.methodId === CURRENT_ASSOCIATION.replyToHlsMethod
    && m.logicalName.length === 6 && m.logicalName.every((b, i) => b === CURRENT_ASSOCIATION.logicalName[i]);
}

/** The DLMS version this stack speaks (InitiateRequest/Response). */
export const DLMS_VERSION = 6;

/** Looks an event up in a transition table; DLMS_ILLEGAL_STATE names the machine, state and event. */
export function transition<S extends string, E extends string>(
  machine: string, table: Record<S, Partial<Record<E, S>>>, state: S, event: E,
): S {
  const to = table[state][event];
  if (to === undefined) {
    throw new DlmsError('DLMS_ILLEGAL_STATE', `${machine}: event ${event} is not allowed in state ${state}`, { details: { state, event } });
  }
  return to;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
