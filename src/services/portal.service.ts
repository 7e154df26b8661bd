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
import { allPages } from './paging.ts';
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
  /** Mean of similar homes in this bucket (Wh, to 10 Wh); null when too few homes (see Usage.similar) or in the future. */
  readonly similar: number | null;
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
  readonly similar: SimilarHomes;
}

/**
 * How the premise compares with homes of the same profile, privacy-safe: only the mean of at least
 * SIMILAR_MIN_HOMES homes is ever given, never a single home's figures.
 */
export interface SimilarHomes {
  /** The profile compared on: the premise's tags, sorted (household, pv, ev, heatpump…). */
  readonly profile: readonly string[];
  /** Other homes with exactly that profile in the fleet. */
  readonly homes: number;
  /** Of those, how many were averaged: a fixed sample with complete enough data over the period. */
  readonly contributing: number;
  readonly minimum: number;
  /** Over the buckets this premise has data in: the sum of the similar homes' means; null when too few homes. */
  readonly total: number | null;
}

/** k-anonymity: a mean is shown only when at least this many homes contribute to it. */
export const SIMILAR_MIN_HOMES = 10;
/** A large fleet is sampled (a fixed, evenly spread set of homes), which bounds the cost of each answer. */
export const SIMILAR_SAMPLE = 100;
/** A home contributes when each of its meters has at least this share of the best-covered meter's intervals. */
const SIMILAR_COVERAGE = 0.9;
const PEERS_TTL_S = 600;
/** Means are rounded to 10 Wh, so comparing two answers cannot recover one home's exact figures. */
const SIMILAR_ROUND_WH = 10;

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

type PortalPorts = Pick<Store, 'meterIdsAtPremise' | 'getMeter' | 'listChannels' | 'localTotals' | 'sumSeries' | 'readSeries' | 'listMeters'>;

/** The profile a home is compared on: its tags, sorted, without duplicates. */
export function profileOf(tags: readonly string[] | undefined): string[] {
  return [...new Set(tags ?? [])].sort();
}

/** Up to `n` items spread evenly over `items` (kept in order): the same sample on every call. */
export function evenSample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.floor((i * items.length) / n)]!);
  return out;
}

/**
 * The homes that may be averaged: every meter of the home has at least SIMILAR_COVERAGE of the
 * intervals the best-covered meter has over the period (a home with a gap would pull the mean down).
 */
export function contributingHomes(homes: ReadonlyMap<string, readonly string[]>, intervalsByMeter: ReadonlyMap<string, number>): string[] {
  let best = 0;
  for (const n of intervalsByMeter.values()) best = Math.max(best, n);
  if (best === 0) return [];
  return [...homes].filter(([, meters]) => meters.every((m) => (intervalsByMeter.get(m) ?? 0) >= SIMILAR_COVERAGE * best)).map(([h]) => h);
}

/** The mean per bucket over `homes` homes, rounded; null for every bucket below the k-anonymity minimum. */
export function similarMeans(sums: readonly number[], homes: number): (number | null)[] {
  if (homes < SIMILAR_MIN_HOMES) return sums.map(() => null);
  return sums.map((s) => Math.round(s / homes / SIMILAR_ROUND_WH) * SIMILAR_ROUND_WH);
}

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
  private readonly peers = new Map<string, { at: EpochSeconds; homes: Map<string, string[]> }>();

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
    const profile = profileOf(pm.meters.find((m) => ids.includes(m.meter.id))?.meter.tags);
    const peers = await this.similar(pm.premise, profile, q.period, thisYear, zone, intervalS);
    const buckets: UsageBucket[] = thisYear.map((b, i) => {
      const ly = lastYear[i];
      const future = b.start >= now;
      return { ...b, lastYear: ly && ly.intervals > 0 ? ly.total : null, similar: future ? null : peers.means[i] ?? null, future };
    });
    const withData = buckets.filter((b) => b.intervals > 0);
    const compared = withData.filter((b) => b.lastYear !== null);
    const similarTotal = peers.contributing >= SIMILAR_MIN_HOMES && withData.length > 0 ? withData.reduce((s, b) => s + (b.similar ?? 0), 0) : null;
    return {
      premise: pm.premise, zone, period: q.period, date: anchor.toISODate()!, from: span.from, to: span.to, unit: 'Wh', meters: ids.length,
      buckets, total: withData.reduce((s, b) => s + b.total, 0),
      lastYearTotal: compared.length > 0 ? compared.reduce((s, b) => s + b.lastYear!, 0) : null,
      similar: { profile, homes: peers.homes, contributing: peers.contributing, minimum: SIMILAR_MIN_HOMES, total: similarTotal },
    };
  }

  /** Other homes with exactly this profile: home (premise, else the meter) → its meters; cached for a while per profile. */
  private async peerHomes(premise: string, profile: readonly string[]): Promise<Map<string, string[]>> {
    const key = profile.join('|');
    const at = this.now();
    let hit = this.peers.get(key);
    if (!hit || at - hit.at > PEERS_TTL_S) {
      const homes = new Map<string, string[]>();
      for (const m of await allPages((page) => this.store.listMeters({ tag: profile[0]!, kind: 'electricity' }, page))) {
        if (profileOf(m.tags).join('|') !== key || m.status === 'removed') continue;
        const home = m.premise ?? `meter:${m.id}`;
        const list = homes.get(home);
        if (list) list.push(m.id); else homes.set(home, [m.id]);
      }
      hit = { at, homes };
      this.peers.set(key, hit);
    }
    const out = new Map(hit.homes);
    out.delete(premise);
    return out;
  }

  /** Means of similar homes per bucket of `buckets`, over a fixed sample of the peers that have data for the period. */
  private async similar(premise: string, profile: readonly string[], period: UsagePeriod, buckets: readonly BucketTotal[], zone: string, intervalS: number)
    : Promise<{ homes: number; contributing: number; means: (number | null)[] }> {
    const none = { homes: 0, contributing: 0, means: buckets.map(() => null) };
    if (profile.length === 0 || buckets.length === 0) return none;
    const all = await this.peerHomes(premise, profile);
    const sample = new Map(evenSample([...all.keys()].sort(), SIMILAR_SAMPLE).map((h) => [h, all.get(h)!]));
    const meterIds = [...sample.values()].flat();
    if (meterIds.length === 0) return { ...none, homes: all.size };
    const from = buckets[0]!.start;
    const to = buckets[buckets.length - 1]!.end;
    const unit = period === 'year' ? 'month' : 'day';
    const rows = await this.store.localTotals({ meterIds, channel: ACTIVE_IMPORT, from, to, zone, period: unit, groupBy: 'meter' });
    const intervals = new Map<string, number>();
    for (const r of rows) intervals.set(r.meterId, (intervals.get(r.meterId) ?? 0) + r.intervals);
    const members = contributingHomes(sample, intervals);
    if (members.length < SIMILAR_MIN_HOMES) return { homes: all.size, contributing: members.length, means: buckets.map(() => null) };
    const memberMeters = members.flatMap((h) => sample.get(h)!);
    // A bucket none of the homes has data in (not read yet) has no mean rather than a mean of 0.
    let sums: { total: number; intervals: number }[];
    if (period === 'day') {
      const grid = alignRange({ from, to }, intervalS);
      const { series } = await this.store.sumSeries(memberMeters, ACTIVE_IMPORT, grid.from, grid.to);
      sums = bucketSeries(series, buckets);
    } else {
      const mine = new Set(memberMeters);
      const byLabel = new Map<string, { total: number; intervals: number }>();
      for (const r of rows) {
        if (!mine.has(r.meterId)) continue;
        const acc = byLabel.get(r.label) ?? { total: 0, intervals: 0 };
        byLabel.set(r.label, { total: acc.total + r.total, intervals: acc.intervals + r.intervals });
      }
      sums = buckets.map((b) => byLabel.get(b.label) ?? { total: 0, intervals: 0 });
    }
    const means = similarMeans(sums.map((x) => x.total), members.length).map((m, i) => (sums[i]!.intervals > 0 ? m : null));
    return { homes: all.size, contributing: members.length, means };
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
