import type { AuditInput } from '../store/store.port.ts';

/**
 * Security audit entries for CoAP, throttled: a flood of forged datagrams from one address must
 * not flood the audit chain. The first event of a kind from an address is written at once; more
 * within `windowS` are counted and the count goes into the next entry written.
 */
export class AuditThrottle {
  readonly #write: (entries: readonly AuditInput[]) => Promise<void>;
  readonly #windowS: number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();
  #pending: Promise<void> = Promise.resolve();

  constructor(write: (entries: readonly AuditInput[]) => Promise<void>, windowS = 60) {
    this.#write = write;
    this.#windowS = windowS;
  }

  record(e: AuditInput): void {
    const peer = typeof e.details?.peer === 'string' ? e.details.peer.replace(/:\d+$/, '') : e.actor;
    const key = `${e.action}|${peer}`;
    const seen = this.#last.get(key);
    if (seen !== undefined && e.at - seen.at < this.#windowS) {
      seen.suppressed++;
      return;
    }
    if (this.#last.size > 10_000) this.#last.clear();
    this.#last.set(key, { at: e.at, suppressed: 0 });
    const entry = seen !== undefined && seen.suppressed > 0 ? { ...e, details: { ...e.details, suppressedBefore: seen.suppressed } } : e;
    // Audit writes are best effort here: a failing audit must not turn into a failed request.
    this.#pending = this.#pending.then(() => this.#write([entry])).catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.#pending;
  }
}
