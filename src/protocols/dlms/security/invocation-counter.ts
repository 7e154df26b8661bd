import { DlmsError } from '../errors.ts';
import { checkCounter, checkSystemTitle, hex, MAX_INVOCATION_COUNTER } from './gcm.ts';

/** A security-relevant event handed to an injected sink (the audit log is wired in later). */
export interface SecurityEvent {
  readonly type: 'dlms.security.replay-rejected' | 'dlms.security.counter-exhausted';
  readonly at: string;
  /** System title (hex) for replays; key id for exhausted send counters. */
  readonly subject: string;
  readonly invocationCounter: number;
  /** The last accepted (replay) or last used (exhaustion) counter. */
  readonly last: number;
  readonly code: 'DLMS_SECURITY_REPLAY' | 'DLMS_SECURITY_COUNTER_EXHAUSTED';
}
export type SecurityEventSink = (event: SecurityEvent) => void;

interface GuardOptions {
  readonly sink: SecurityEventSink;
  readonly now?: () => Date;
}

/** Plain, JSON-safe state: system title (hex) → last accepted IC. */
export interface ReplayGuardState {
  readonly version: 1;
  readonly lastAccepted: Readonly<Record<string, number>>;
}

/**
 * Per system title the last accepted invocation counter; a frame is accepted only with a strictly
 * greater counter. Call `check` after the frame's tag has verified (so forged frames cannot push
 * the counter); `assertFresh` is the same test without recording, for a cheap pre-check.
 */
export class ReplayGuard {
  readonly #last = new Map<string, number>();
  readonly #sink: SecurityEventSink;
  readonly #now: () => Date;

  constructor(opts: GuardOptions & { readonly state?: ReplayGuardState }) {
    this.#sink = opts.sink;
    this.#now = opts.now ?? (() => new Date());
    if (opts.state !== undefined) this.import(opts.state);
  }

  check(systemTitle: Uint8Array, invocationCounter: number): void {
    const key = this.assertFresh(systemTitle, invocationCounter);
    this.#last.set(key, invocationCounter);
  }

  assertFresh(systemTitle: Uint8Array, invocationCounter: number): string {
    checkSystemTitle(systemTitle);
    checkCounter(invocationCounter);
    const key = hex(systemTitle);
    const last = this.#last.get(key);
    if (last !== undefined && invocationCounter <= last) {
      this.#sink({ type: 'dlms.security.replay-rejected', at: this.#now().toISOString(), subject: key, invocationCounter, last, code: 'DLMS_SECURITY_REPLAY' });
      throw new DlmsError('DLMS_SECURITY_REPLAY', `invocation counter ${invocationCounter} from system title ${key} is not above the last accepted ${last}`, {
        details: { systemTitle: key, invocationCounter, lastAccepted: last },
      });
    }
    return key;
  }

  lastAccepted(systemTitle: Uint8Array): number | undefined {
    return this.#last.get(hex(systemTitle));
  }

  /** After a key change the peer restarts its counter: forget what was accepted under the old key. */
  reset(systemTitle: Uint8Array): void {
    this.#last.delete(hex(systemTitle));
  }

  export(): ReplayGuardState {
    return { version: 1, lastAccepted: Object.fromEntries([...this.#last].sort(([a], [b]) => a.localeCompare(b))) };
  }

  import(state: ReplayGuardState): void {
    if (state?.version !== 1 || typeof state.lastAccepted !== 'object' || state.lastAccepted === null) {
      throw new DlmsError('DLMS_SECURITY_MALFORMED', 'replay guard state is not version 1');
    }
    for (const [title, ic] of Object.entries(state.lastAccepted)) {
      if (!/^[0-9A-F]{16}$/.test(title)) throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', `replay guard state: ${title} is not an 8-octet upper-case hex system title`);
      checkCounter(ic);
      this.#last.set(title, Math.max(ic, this.#last.get(title) ?? 0));
    }
  }
}

/** Plain, JSON-safe state: key id → last invocation counter used (absent = none used yet). */
export interface SendCountersState {
  readonly version: 1;
  readonly lastUsed: Readonly<Record<string, number>>;
}

/**
 * Invocation counters for frames this side sends, per key id (the counter belongs to the key).
 * Counters start at `start` (default 1) and never wrap: after 0xFFFFFFFF `next` fails with
 * DLMS_SECURITY_COUNTER_EXHAUSTED and a security event, until the key is changed (`reset`).
 * Persist `export()` before sending what `next` returned, so a restart never reuses an IV.
 */
export class SendCounters {
  readonly #last = new Map<string, number>();
  readonly #sink: SecurityEventSink;
  readonly #now: () => Date;
  readonly #start: number;

  constructor(opts: GuardOptions & { readonly state?: SendCountersState; readonly start?: number }) {
    this.#sink = opts.sink;
    this.#now = opts.now ?? (() => new Date());
    this.#start = opts.start ?? 1;
    checkCounter(this.#start);
    if (opts.state !== undefined) this.import(opts.state);
  }

  next(keyId: string): number {
    const last = this.#last.get(keyId);
    const ic = last === undefined ? this.#start : last + 1;
    if (ic > MAX_INVOCATION_COUNTER) {
      this.#sink({ type: 'dlms.security.counter-exhausted', at: this.#now().toISOString(), subject: keyId, invocationCounter: ic, last: last ?? ic, code: 'DLMS_SECURITY_COUNTER_EXHAUSTED' });
      throw new DlmsError('DLMS_SECURITY_COUNTER_EXHAUSTED', `invocation counter for key ${keyId} is exhausted; change the key`, { details: { keyId } });
    }
    this.#last.set(keyId, ic);
    return ic;
  }

  /** How many frames can still be sent under this key. */
  remaining(keyId: string): number {
    const last = this.#last.get(keyId);
    return MAX_INVOCATION_COUNTER - (last === undefined ? this.#start - 1 : last);
  }

  reset(keyId: string): void {
    this.#last.delete(keyId);
  }

  export(): SendCountersState {
    return { version: 1, lastUsed: Object.fromEntries([...this.#last].sort(([a], [b]) => a.localeCompare(b))) };
  }

  import(state: SendCountersState): void {
    if (state?.version !== 1 || typeof state.lastUsed !== 'object' || state.lastUsed === null) {
      throw new DlmsError('DLMS_SECURITY_MALFORMED', 'send counter state is not version 1');
    }
    for (const [keyId, ic] of Object.entries(state.lastUsed)) {
      checkCounter(ic);
      this.#last.set(keyId, Math.max(ic, this.#last.get(keyId) ?? 0));
    }
  }
}
