import type { EpochSeconds } from '../model/index.ts';
import type { AuditInput, Store } from '../store/store.port.ts';

/**
 * Security and status entries of the MQTT head-end, written to the hash-chained audit log in
 * small batches: ten thousand devices connecting at once would otherwise cost a transaction each.
 * Entries never carry a secret (callers pass usernames, addresses, topics and reasons only).
 */
export class MqttAuditLog {
  private pending: AuditInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly onError: (err: unknown) => void;
  private readonly flushMs: number;

  constructor(
    private readonly store: Pick<Store, 'appendAudit'>,
    private readonly now: () => EpochSeconds,
    opts: { readonly flushMs?: number; readonly onError?: (err: unknown) => void } = {},
  ) {
    this.flushMs = opts.flushMs ?? 100;
    this.onError = opts.onError ?? (() => undefined);
  }

  record(actor: string, action: string, object: string, details?: Record<string, unknown>): void {
    this.pending.push({ at: this.now(), actor, action, object, ...(details ? { details } : {}) });
    if (this.pending.length >= 500) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is pending; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.flushing = this.flushing.then(() => this.store.appendAudit(batch)).catch((err: unknown) => this.onError(err));
    }
    return this.flushing;
  }
}
