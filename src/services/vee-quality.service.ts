import { assertZone, localBuckets, MeterstackError, obis, type EpochSeconds } from '../model/index.ts';
import type { LocalTotal, Store } from '../store/store.port.ts';
import { checkRange } from './range.ts';

export interface QualityQuery {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Default 1-0:1.8.0 (active energy import). */
  readonly channel?: string;
  readonly meterId?: string;
  readonly feederId?: string;
  readonly transformerId?: string;
  /** Local days in this zone; default the first meter's zone. */
  readonly zone?: string;
  /** Timeliness: an interval is on time when it first arrived within this many hours after its end (default 24). */
  readonly withinH?: number;
}

/** Of the intervals that arrived (as first recorded by the ingest flow), how many in time. */
export interface Timeliness {
  readonly arrived: number;
  readonly onTime: number;
  /** onTime / arrived (1 when nothing arrived). */
  readonly timeliness: number;
}

/** Counts behind a completeness figure: the numbers data-quality SLAs are written on. */
export interface Completeness {
  /** Intervals the grid has (92/96/100 quarter-hours a local day). */
  readonly expected: number;
  /** Intervals with a value (actual or estimated). */
  readonly present: number;
  readonly actual: number;
  readonly estimated: number;
  /** present / expected. */
  readonly completeness: number;
  /** actual / expected. */
  readonly actualShare: number;
}

export interface QualityReport {
  readonly channel: string;
  readonly zone: string;
  readonly meters: number;
  readonly withinH: number;
  readonly total: Completeness & Timeliness;
  readonly days: readonly (Completeness & Timeliness & { readonly date: string })[];
  /** Per meter, worst completeness first (at most 1,000). */
  readonly byMeter: readonly (Completeness & Timeliness & { readonly meterId: string })[];
}

class Tally {
  arrived = 0;
  onTime = 0;
  get(): Timeliness {
    return { arrived: this.arrived, onTime: this.onTime, timeliness: this.arrived ? this.onTime / this.arrived : 1 };
  }
}

const MAX_DAYS = 366;
const MAX_METERS = 1000;

function completeness(rows: readonly LocalTotal[]): Completeness {
  let expected = 0;
  let present = 0;
  let estimated = 0;
  for (const r of rows) {
    expected += r.expected;
    present += r.intervals;
    estimated += r.estimated;
  }
  const actual = present - estimated;
  return { expected, present, actual, estimated, completeness: expected ? present / expected : 1, actualShare: expected ? actual / expected : 1 };
}

type QualityPorts = Pick<Store, 'meterIds' | 'getMeter' | 'localTotals' | 'readArrivals'>;

/** Completeness of interval data (actual vs estimated) per meter, per local day, over a region. */
export class VeeQualityService {
  constructor(private readonly store: QualityPorts) {}

  async report(q: QualityQuery): Promise<QualityReport> {
    checkRange(q, MAX_DAYS);
    const channel = obis(q.channel ?? '1-0:1.8.0');
    let ids: string[];
    if (q.meterId !== undefined) {
      if (!(await this.store.getMeter(q.meterId))) throw new MeterstackError('METER_NOT_FOUND', `no meter "${q.meterId}"`, { details: { meterId: q.meterId } });
      ids = [q.meterId];
    } else {
      ids = await this.store.meterIds({ ...(q.feederId !== undefined ? { feederId: q.feederId } : {}), ...(q.transformerId !== undefined ? { transformerId: q.transformerId } : {}) });
    }
    const zone = assertZone(q.zone ?? (ids.length ? (await this.store.getMeter(ids[0]!))!.timeZone : 'UTC'));
    const withinH = q.withinH ?? 24;
    if (!(withinH > 0)) throw new MeterstackError('QUERY_INVALID', 'withinH must be a positive number of hours');
    if (ids.length === 0) return { channel, zone, meters: 0, withinH, total: { ...completeness([]), ...new Tally().get() }, days: [], byMeter: [] };
    const rows = await this.store.localTotals({ meterIds: ids, channel, from: q.from, to: q.to, zone, period: 'day', groupBy: 'meter' });
    const byDay = new Map<string, LocalTotal[]>();
    const byMeter = new Map<string, LocalTotal[]>();
    for (const r of rows) {
      (byDay.get(r.label) ?? byDay.set(r.label, []).get(r.label)!).push(r);
      (byMeter.get(r.meterId) ?? byMeter.set(r.meterId, []).get(r.meterId)!).push(r);
    }
    const t = await this.timeliness(ids, channel, q.from, q.to, zone, withinH * 3600);
    const tally = (m: Map<string, Tally>, k: string): Timeliness => (m.get(k) ?? new Tally()).get();
    return {
      channel, zone, meters: ids.length, withinH, total: { ...completeness(rows), ...t.total.get() },
      days: [...byDay].map(([date, list]) => ({ date, ...completeness(list), ...tally(t.days, date) })).sort((a, b) => a.date.localeCompare(b.date)),
      byMeter: [...byMeter].map(([meterId, list]) => ({ meterId, ...completeness(list), ...tally(t.meters, meterId) }))
        .sort((a, b) => a.completeness - b.completeness || a.actualShare - b.actualShare || a.meterId.localeCompare(b.meterId)).slice(0, MAX_METERS),
    };
  }

  private async timeliness(ids: readonly string[], channel: string, from: EpochSeconds, to: EpochSeconds, zone: string, withinS: number) {
    const buckets = localBuckets(from, to, zone, 'day');
    const total = new Tally();
    const days = new Map<string, Tally>();
    const meters = new Map<string, Tally>();
    const limit = Math.ceil(withinS / 60);
    for (const b of await this.store.readArrivals(ids, obis(channel), from, to)) {
      const m = meters.get(b.meterId) ?? meters.set(b.meterId, new Tally()).get(b.meterId)!;
      let d = 0;
      for (let k = 0; k < b.late.length; k++) {
        const late = b.late[k]!;
        const at = b.start + k * b.intervalS;
        if (late === 0 || at < from || at >= to) continue;
        while (d < buckets.length - 1 && at >= buckets[d]!.end) d++;
        while (d > 0 && at < buckets[d]!.start) d--;
        const label = buckets[d]!.label;
        const day = days.get(label) ?? days.set(label, new Tally()).get(label)!;
        const ok = late - 1 <= limit ? 1 : 0;
        for (const x of [total, m, day]) { x.arrived++; x.onTime += ok; }
      }
    }
    return { total, days, meters };
  }
}
