import type { EpochSeconds } from '../model/index.ts';
import type { Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';

export interface FleetSummary {
  readonly meters: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byTag: Readonly<Record<string, number>>;
  readonly feeders: number;
  readonly transformers: number;
  /** When these counts were taken; they may be up to `ttlS` old. */
  readonly at: EpochSeconds;
}

const PAGE = 1000;

type FleetPorts = Pick<Store, 'listMeters' | 'getTopology'>;

/**
 * Counts over the whole fleet. Tags are free-form, so counting them means reading every meter;
 * the result is kept for a short while so that a dashboard polling it does not rescan the fleet.
 */
export class FleetService {
  private cached: { at: EpochSeconds; value: Promise<FleetSummary> } | undefined;

  constructor(private readonly store: FleetPorts, private readonly now: Clock, private readonly ttlS = 30) {}

  summary(): Promise<FleetSummary> {
    const t = this.now();
    if (!this.cached || t - this.cached.at >= this.ttlS) {
      const value = this.count(t);
      this.cached = { at: t, value };
      value.catch(() => { if (this.cached?.value === value) this.cached = undefined; });
    }
    return this.cached.value;
  }

  private async count(at: EpochSeconds): Promise<FleetSummary> {
    const byKind: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    const byTag: Record<string, number> = {};
    const inc = (m: Record<string, number>, k: string) => { m[k] = (m[k] ?? 0) + 1; };
    let meters = 0;
    let cursor: string | null = null;
    do {
      const page = await this.store.listMeters({}, { limit: PAGE, cursor });
      for (const m of page.items) {
        meters++;
        inc(byKind, m.kind);
        inc(byStatus, m.status);
        for (const tag of m.tags ?? []) inc(byTag, tag);
      }
      cursor = page.next;
    } while (cursor !== null);
    const topo = await this.store.getTopology();
    return { meters, byKind, byStatus, byTag, feeders: topo.feeders.length, transformers: topo.transformers.length, at };
  }
}
