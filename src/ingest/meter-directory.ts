import type { Store } from '../store/store.port.ts';

export interface MeterDirectoryOptions {
  /** Misses looked up one by one per batch; more than this and the whole id list is reloaded. */
  readonly maxLookups?: number;
  /** How long an id found missing stays "unknown" before the store is asked again. */
  readonly negativeTtlMs?: number;
  /** Most remembered misses; the memory of misses is bounded whatever clients send. */
  readonly maxNegative?: number;
  readonly clock?: () => number;
}

/**
 * Which meter ids exist, without a database round trip per message: the full id list is loaded
 * once, and a batch that names ids not in it triggers at most one bounded refresh — a few point
 * lookups, or one reload when there are many. Misses are remembered briefly so that a client
 * flooding unknown ids costs no query per message.
 */
export class MeterDirectory {
  private readonly known = new Set<string>();
  private readonly missing = new Map<string, number>();
  private loaded = false;
  private readonly maxLookups: number;
  private readonly negativeTtlMs: number;
  private readonly maxNegative: number;
  private readonly clock: () => number;

  /** Per meter seen so far: interval length by canonical OBIS (0 = register only). */
  private readonly intervals = new Map<string, Map<string, number>>();

  constructor(private readonly store: Pick<Store, 'meterIds' | 'getMeter' | 'listChannels'>, opts: MeterDirectoryOptions = {}) {
    this.maxLookups = opts.maxLookups ?? 32;
    this.negativeTtlMs = opts.negativeTtlMs ?? 1_000;
    this.maxNegative = opts.maxNegative ?? 10_000;
    this.clock = opts.clock ?? Date.now;
  }

  has(id: string): boolean {
    return this.known.has(id);
  }

  /** See CheckContext.acceptsInterval; only for meters passed to ensure(). */
  acceptsInterval(meterId: string, channel: string, intervalS: number): boolean {
    const byChannel = this.intervals.get(meterId);
    if (byChannel === undefined) return true;
    const stored = byChannel.get(channel);
    if (stored === intervalS) return true;
    if (stored !== undefined && stored !== 0) return false;
    byChannel.set(channel, intervalS);
    return true;
  }

  /** Make `has` and `acceptsInterval` current for these ids; usually no store call at all. */
  async ensure(ids: Iterable<string>): Promise<void> {
    const list = [...ids];
    await this.ensureKnown(list);
    const fresh = list.filter((id) => this.known.has(id) && !this.intervals.has(id));
    const channels = await Promise.all(fresh.map((id) => this.store.listChannels(id)));
    fresh.forEach((id, k) => this.intervals.set(id, new Map(channels[k]!.map((c) => [c.obis as string, c.intervalS]))));
  }

  private async ensureKnown(ids: readonly string[]): Promise<void> {
    if (!this.loaded) {
      await this.reload();
      return;
    }
    const now = this.clock();
    const unknown: string[] = [];
    for (const id of ids) {
      if (this.known.has(id)) continue;
      const until = this.missing.get(id);
      if (until !== undefined && until > now) continue;
      unknown.push(id);
    }
    if (unknown.length === 0) return;
    if (unknown.length > this.maxLookups) await this.reload();
    else await this.lookup(unknown);
    for (const id of unknown) if (!this.known.has(id)) this.remember(id, now);
  }

  private async reload(): Promise<void> {
    for (const id of await this.store.meterIds({})) this.known.add(id);
    this.loaded = true;
  }

  private async lookup(ids: string[]): Promise<void> {
    const found = await Promise.all(ids.map((id) => this.store.getMeter(id)));
    found.forEach((m, k) => { if (m !== undefined) this.known.add(ids[k]!); });
  }

  private remember(id: string, now: number): void {
    if (this.missing.size >= this.maxNegative) this.missing.clear();
    this.missing.set(id, now + this.negativeTtlMs);
  }
}
