import { EXCHANGE_LIFETIME_S } from './manifest.ts';

/**
 * Deduplication of CoAP messages (RFC 7252 §4.5): a message id from one endpoint means the same
 * message for EXCHANGE_LIFETIME; a retransmission must get the same answer and must not be
 * processed again. The coap library replays its cached response for a retransmission only after
 * that response went out, so a retransmission arriving while the first copy is still being
 * ingested (or after a separate response) would be handed to us again; this cache closes that gap.
 * Time is injected (sans-IO); memory is bounded, oldest first.
 */
export class ExchangeCache<T> {
  readonly #entries = new Map<string, { readonly at: number; readonly result: Promise<T> }>();
  readonly #lifetimeMs: number;
  readonly #max: number;

  constructor(opts: { lifetimeS?: number; maxEntries?: number } = {}) {
    this.#lifetimeMs = (opts.lifetimeS ?? EXCHANGE_LIFETIME_S) * 1000;
    this.#max = opts.maxEntries ?? 100_000;
  }

  static key(peer: { readonly address: string; readonly port: number }, messageId: number): string {
    return `${peer.address}|${peer.port}|${messageId}`;
  }

  /** The first copy runs `work`; a copy within the lifetime gets the first one's result. */
  run(key: string, nowMs: number, work: () => Promise<T>): { readonly duplicate: boolean; readonly result: Promise<T> } {
    this.#expire(nowMs);
    const seen = this.#entries.get(key);
    if (seen !== undefined) return { duplicate: true, result: seen.result };
    const result = work();
    // A rejected result is an answer too (the same one for every copy); never an unhandled rejection.
    result.catch(() => undefined);
    this.#entries.set(key, { at: nowMs, result });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return { duplicate: false, result };
  }

  get size(): number {
    return this.#entries.size;
  }

  #expire(nowMs: number): void {
    // Insertion order is time order, so expiry stops at the first live entry.
    for (const [k, e] of this.#entries) {
      if (nowMs - e.at < this.#lifetimeMs) break;
      this.#entries.delete(k);
    }
  }
}
