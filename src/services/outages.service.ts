import { MeterstackError, type EpochSeconds, type Meter, type MeterEvent } from '../model/index.ts';
import type { Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';
import { allPages } from './paging.ts';

/** DLMS standard event log codes (IDIS): 1 power down, 2 power up. */
const POWER_DOWN = 1;
const POWER_UP = 2;
/** Power-downs on one transformer within this window are one outage (meters log the same interruption a few seconds apart). */
const GROUP_S = 300;
const DEFAULT_LOOKBACK_S = 30 * 86_400;

export interface Outage {
  /** Stable: transformer and the first power-down. */
  readonly id: string;
  readonly transformerId: string | null;
  readonly feederId: string | null;
  readonly start: EpochSeconds;
  /** When the last affected meter powered up again; null while any is still down. */
  readonly end: EpochSeconds | null;
  readonly active: boolean;
  readonly meters: readonly string[];
  readonly restored: readonly string[];
  readonly premises: readonly string[];
  readonly timeline: readonly { at: EpochSeconds; meter: string; event: 'power-down' | 'power-up' }[];
}

type OutagePorts = Pick<Store, 'listEvents' | 'getMeter'>;

/**
 * Outages as the meters report them: power-down events of meters on one transformer within
 * minutes of each other are one interruption; it is restored when each of them has logged its
 * power-up. Customers affected are the premises of those meters.
 */
export function groupOutages(events: readonly MeterEvent[], meters: ReadonlyMap<string, Meter>): Outage[] {
  const sorted = [...events].filter((e) => e.code === POWER_DOWN || e.code === POWER_UP).sort((a, b) => a.at - b.at || a.code - b.code);
  const open = new Map<string, { o: Mutable; down: Set<string> }>(); // by transformer
  const byMeter = new Map<string, Mutable>(); // meter → the outage it is down in
  const out: Mutable[] = [];
  for (const e of sorted) {
    const m = meters.get(e.meterId);
    const tx = m?.grid?.transformerId ?? `meter:${e.meterId}`;
    if (e.code === POWER_DOWN) {
      if (byMeter.has(e.meterId)) continue; // already down
      let cur = open.get(tx);
      if (!cur || e.at - cur.o.lastDown > GROUP_S) {
        const o: Mutable = {
          id: `${tx}@${e.at}`, transformerId: m?.grid?.transformerId ?? null, feederId: m?.grid?.feederId ?? null,
          start: e.at, end: null, lastDown: e.at, meters: [], restored: [], premises: new Set(), timeline: [],
        };
        out.push(o);
        cur = { o, down: new Set() };
        open.set(tx, cur);
      }
      cur.o.lastDown = e.at;
      cur.o.meters.push(e.meterId);
      if (m?.premise) cur.o.premises.add(m.premise);
      cur.o.timeline.push({ at: e.at, meter: e.meterId, event: 'power-down' });
      cur.down.add(e.meterId);
      byMeter.set(e.meterId, cur.o);
    } else {
      const o = byMeter.get(e.meterId);
      if (!o) continue; // a power-up without a logged power-down (the log started mid-outage)
      byMeter.delete(e.meterId);
      o.restored.push(e.meterId);
      o.timeline.push({ at: e.at, meter: e.meterId, event: 'power-up' });
      if (o.restored.length === o.meters.length) o.end = e.at;
    }
  }
  return out.map(({ lastDown: _l, premises, ...o }) => ({ ...o, premises: [...premises].sort(), active: o.end === null }));
}

interface Mutable {
  id: string; transformerId: string | null; feederId: string | null; start: number; end: number | null; lastDown: number;
  meters: string[]; restored: string[]; premises: Set<string>; timeline: { at: number; meter: string; event: 'power-down' | 'power-up' }[];
}

export class OutagesService {
  constructor(private readonly store: OutagePorts, private readonly now: Clock) {}

  /** The meters that logged the events: a few, where listing the fleet would read 100,000. */
  private async meterIndex(events: readonly MeterEvent[]): Promise<Map<string, Meter>> {
    const out = new Map<string, Meter>();
    for (const id of new Set(events.map((e) => e.meterId))) {
      const m = await this.store.getMeter(id);
      if (m) out.set(id, m);
    }
    return out;
  }

  private events(from: EpochSeconds, to: EpochSeconds): Promise<MeterEvent[]> {
    return allPages((page) => this.store.listEvents(undefined, from, to, page));
  }

  /** Outages that started in [from, to) (default: the last 30 days), newest first. */
  async list(q: { from?: EpochSeconds; to?: EpochSeconds; status?: 'active' | 'restored' } = {}): Promise<Outage[]> {
    const to = q.to ?? this.now() + 1;
    const from = q.from ?? to - DEFAULT_LOOKBACK_S;
    // A power-up may come after `to`; read a day beyond so restorations are seen.
    const events = await this.events(from, Math.max(to, this.now() + 1) + 86_400);
    const all = groupOutages(events, await this.meterIndex(events));
    return all.filter((o) => o.start >= from && o.start < to && (q.status === undefined || (q.status === 'active') === o.active)).reverse();
  }

  async get(id: string): Promise<Outage> {
    const at = Number(id.slice(id.lastIndexOf('@') + 1));
    if (!Number.isSafeInteger(at)) throw new MeterstackError('OUTAGE_NOT_FOUND', `no outage "${id}"`);
    const o = (await this.list({ from: at - GROUP_S, to: at + 1 })).find((x) => x.id === id);
    if (!o) throw new MeterstackError('OUTAGE_NOT_FOUND', `no outage "${id}"`);
    return o;
  }

  /** The outage affecting a premise now (if any) and its recent ones. */
  async forPremise(premise: string): Promise<{ active: Outage | null; recent: Outage[] }> {
    const mine = (await this.list()).filter((o) => o.premises.includes(premise));
    return { active: mine.find((o) => o.active) ?? null, recent: mine.filter((o) => !o.active).slice(0, 10) };
  }
}
