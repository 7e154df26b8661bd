import { DateTime } from 'luxon';
import {
  MeterstackError, QUALITY, qualityFlag,
  type Channel, type EpochSeconds, type IntervalSeries, type LocalBucket, type Meter, type QualityFlag,
} from '../model/index.ts';
import type { Store } from '../store/store.port.ts';
import type { Principal } from './auth.service.ts';
import type { Clock } from './clock.ts';
import { ACTIVE_IMPORT } from './load.service.ts';
import { alignRange, checkRange } from './range.ts';
import { bucketSeries, fillTotals, localHourBuckets, type BucketTotal } from './readings.rules.ts';
import { portalPremise } from './users.rules.ts';

export const USAGE_PERIODS = ['day', 'week', 'month', 'year'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/** An export format as the portal uses it; the composition root hands in src/formats' Green Button writer. */
export interface DataExporter {
  readonly name: string;
  write(req: {
    readonly meter: Meter; readonly channels: readonly Channel[]; readonly from: EpochSeconds; readonly to: EpochSeconds;
    series(channel: Channel): Promise<IntervalSeries>;
  }, write: (chunk: string) => void | Promise<void>): Promise<void>;
}

export interface PortalMeters {
  readonly premise: string;
  readonly zone: string;
  readonly meters: readonly { readonly meter: Meter; readonly channels: readonly Channel[] }[];
}

export interface UsageBucket extends BucketTotal {
  /** The same bucket a year earlier (52 weeks for a week: same weekdays); null without any data then. */
  readonly lastYear: number | null;
  /** Starts after now: no data can be there yet. */
  readonly future: boolean;
}

export interface Usage {
  readonly premise: string;
  readonly zone: string;
  readonly period: UsagePeriod;
  /** Local date the period was chosen by, and the local dates it spans [from, to). */
  readonly date: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly unit: 'Wh';
  readonly meters: number;
  readonly buckets: readonly UsageBucket[];
  readonly total: number;
  /** Over the buckets that have data this year, the same buckets last year (a fair comparison mid-period). */
  readonly lastYearTotal: number | null;
}

export interface LiveMeter {
  readonly meterId: string;
  /** Newest interval with a value of the import channel, and its average power. */
  readonly latest: { readonly end: EpochSeconds; readonly wh: number; readonly watts: number; readonly quality: QualityFlag } | null;
  /** Import so far in the local day. */
  readonly today: number;
}

export interface PortalLive {
  readonly premise: string;
  readonly at: EpochSeconds;
  readonly meters: readonly LiveMeter[];
}

type PortalPorts = Pick<Store, 'meterIdsAtPremise' | 'getMeter' | 'listChannels' | 'localTotals' | 'sumSeries' | 'readSeries'>;

const MAX_EXPORT_DAYS = 400;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Energy channels (import and export, total and per tariff): what "Download my data" is about. */
const isEnergy = (c: Channel): boolean => c.intervalS > 0 && /^1-0:[12]\.8\.\d+$/.test(c.obis.replace(/\.255$/, ''));

/**
 * The customer portal: a premise's usage compared with last year, its live readings and the
 * Green Button download. Every call first settles which premise the principal may see
 * (users.rules portalPremise): a customer their own only, an operator any one they name.
 */
export class PortalService {
  constructor(
    private readonly store: PortalPorts,
    private readonly now: Clock,
    private readonly exporters: Readonly<Record<string, DataExporter>> = {},
  ) {}

  /** The premise the principal may see (customers: theirs; asking for another is API_FORBIDDEN), with its meters. */
  async meters(p: Principal, requested?: string): Promise<PortalMeters> {
    const which = portalPremise(p, requested);
    if ('refused' in which) {
      throw which.refused === 'missing'
        ? new MeterstackError('QUERY_INVALID', 'name the premise to show: ?premise=<id>')
        : new MeterstackError('API_FORBIDDEN', 'a customer sees their own premise only');
    }
    const ids = await this.store.meterIdsAtPremise(which.premise);
    if (ids.length === 0) throw new MeterstackError('PREMISE_NOT_FOUND', `no meters at premise "${which.premise}"`);
    const meters = [];
    for (const id of ids) {
      const meter = (await this.store.getMeter(id))!;
      meters.push({ meter, channels: await this.store.listChannels(id) });
    }
    return { premise: which.premise, zone: meters[0]!.meter.timeZone, meters };
  }

  async usage(p: Principal, q: { premise?: string; period: UsagePeriod; date?: string }): Promise<Usage> {
    const pm = await this.meters(p, q.premise);
    const zone = pm.zone;
    const now = this.now();
    if (q.date !== undefined && (!DATE.test(q.date) || !DateTime.fromISO(q.date, { zone }).isValid)) {
      throw new MeterstackError('QUERY_INVALID', `date "${q.date}" is not a date YYYY-MM-DD`);
    }
    const anchor = q.date !== undefined ? DateTime.fromISO(q.date, { zone }) : DateTime.fromSeconds(now, { zone });
    const span = periodSpan(anchor, q.period);
    const ids = pm.meters.filter((m) => m.channels.some((c) => c.obis === ACTIVE_IMPORT)).map((m) => m.meter.id);
    const intervalS = pm.meters.flatMap((m) => m.channels).find((c) => c.obis === ACTIVE_IMPORT)?.intervalS || 900;
    const thisYear = await this.totals(ids, q.period, span.from, span.to, zone, intervalS);
    const before = periodSpan(q.period === 'week' ? anchor.minus({ weeks: 52 }) : anchor.minus({ years: 1 }), q.period);
    const lastYear = await this.totals(ids, q.period, before.from, before.to, zone, intervalS);
    const buckets: UsageBucket[] = thisYear.map((b, i) => {
      const ly = lastYear[i];
      return { ...b, lastYear: ly && ly.intervals > 0 ? ly.total : null, future: b.start >= now };
    });
    const withData = buckets.filter((b) => b.intervals > 0);
    const compared = withData.filter((b) => b.lastYear !== null);
    return {
      premise: pm.premise, zone, period: q.period, date: anchor.toISODate()!, from: span.from, to: span.to, unit: 'Wh', meters: ids.length,
      buckets, total: withData.reduce((s, b) => s + b.total, 0),
      lastYearTotal: compared.length > 0 ? compared.reduce((s, b) => s + b.lastYear!, 0) : null,
    };
  }

  async live(p: Principal, premise?: string): Promise<PortalLive> {
    const pm = await this.meters(p, premise);
    const at = this.now();
    const out: LiveMeter[] = [];
    for (const { meter, channels } of pm.meters) {
      const ch = channels.find((c) => c.obis === ACTIVE_IMPORT && c.intervalS > 0);
      if (!ch) { out.push({ meterId: meter.id, latest: null, today: 0 }); continue; }
      const grid = alignRange({ from: at - 6 * 3600, to: at }, ch.intervalS);
      const s = await this.store.readSeries(meter.id, ch.obis, grid.from, grid.to);
      let latest: LiveMeter['latest'] = null;
      for (let i = s.values.length - 1; i >= 0; i--) {
        if (s.quality[i] === QUALITY.N) continue;
        const wh = s.values[i]!;
        latest = { end: s.start + (i + 1) * s.intervalS, wh, watts: Math.round((wh * 3600) / s.intervalS), quality: qualityFlag(s.quality[i]!) };
        break;
      }
      const day = DateTime.fromSeconds(at, { zone: meter.timeZone }).startOf('day');
      const totals = await this.store.localTotals({
        meterIds: [meter.id], channel: ch.obis, from: day.toSeconds(), to: day.plus({ days: 1 }).toSeconds(), zone: meter.timeZone, period: 'day', groupBy: 'all',
      });
      out.push({ meterId: meter.id, latest, today: totals.reduce((n, t) => n + t.total, 0) });
    }
    return { premise: pm.premise, at, meters: out };
  }

  /**
   * Green Button "Download my data": one meter of the premise (the first if none is named; a meter
   * of another premise is not found), its energy channels over [from, to).
   */
  async download(p: Principal, q: { premise?: string; meter?: string; from: EpochSeconds; to: EpochSeconds; format?: string },
    write: (chunk: string) => void | Promise<void>): Promise<void> {
    checkRange(q, MAX_EXPORT_DAYS);
    const pm = await this.meters(p, q.premise);
    const found = q.meter === undefined ? pm.meters[0] : pm.meters.find((m) => m.meter.id === q.meter);
    if (!found) throw new MeterstackError('METER_NOT_FOUND', `no meter "${q.meter}" at premise "${pm.premise}"`);
    const format = q.format ?? 'greenbutton';
    const exporter = this.exporters[format];
    if (!exporter) throw new MeterstackError('QUERY_INVALID', `no export format "${format}" is configured`);
    const channels = found.channels.filter(isEnergy);
    await exporter.write({
      meter: found.meter, channels, from: q.from, to: q.to,
      series: (c) => {
        const g = alignRange(q, c.intervalS);
        return this.store.readSeries(found.meter.id, c.obis, g.from, g.to);
      },
    }, write);
  }

  private async totals(ids: readonly string[], period: UsagePeriod, from: EpochSeconds, to: EpochSeconds, zone: string, intervalS: number): Promise<BucketTotal[]> {
    if (period === 'day') {
      const buckets = localHourBuckets(from, to, zone);
      const grid = alignRange({ from, to }, intervalS);
      if (ids.length === 0) return bucketSeries(emptySeries(grid.from, grid.to, intervalS), buckets);
      const { series } = await this.store.sumSeries(ids, ACTIVE_IMPORT, grid.from, grid.to);
      return bucketSeries(series, buckets);
    }
    const unit = period === 'year' ? 'month' : 'day';
    const buckets: LocalBucket[] = [];
    let cur = DateTime.fromSeconds(from, { zone });
    while (cur.toSeconds() < to) {
      const next = cur.plus(unit === 'day' ? { days: 1 } : { months: 1 });
      buckets.push({ label: cur.toFormat(unit === 'day' ? 'yyyy-MM-dd' : 'yyyy-MM'), start: cur.toSeconds(), end: next.toSeconds() });
      cur = next;
    }
    const totals = ids.length === 0 ? [] : await this.store.localTotals({ meterIds: ids, channel: ACTIVE_IMPORT, from, to, zone, period: unit, groupBy: 'all' });
    return fillTotals(buckets, totals, intervalS);
  }
}

function periodSpan(anchor: DateTime, period: UsagePeriod): { from: EpochSeconds; to: EpochSeconds } {
  const unit = period === 'week' ? 'week' : period;
  const start = anchor.startOf(unit);
  const end = start.plus(period === 'day' ? { days: 1 } : period === 'week' ? { weeks: 1 } : period === 'month' ? { months: 1 } : { years: 1 });
  return { from: start.toSeconds(), to: end.toSeconds() };
}

function emptySeries(from: EpochSeconds, to: EpochSeconds, intervalS: number): IntervalSeries {
  const n = Math.max(0, Math.round((to - from) / intervalS));
  return { meterId: '*', channel: ACTIVE_IMPORT, start: from, intervalS, values: new Float64Array(n), quality: new Uint8Array(n).fill(QUALITY.N) };
}
