import {
  DAY_S, localBuckets, localDay, MeterstackError, obis, QUALITY,
  type Channel, type EpochSeconds, type IntervalSeries, type Meter, type Obis,
} from '../model/index.ts';
import type { ArrivalInput, Store, VeeEstimateRecord, VeeFindingRecord } from '../store/store.port.ts';
import { createHash } from 'node:crypto';
import { DEFAULT_RULE_SET, finalizeEstimates, ruleSetFingerprint, runVee, type RuleSet, type VeeResult } from '../vee/index.ts';
import type { Clock } from './clock.ts';

/** How VEE runs in operation (docs/decisions/2026-11-26-vee-flow.md). */
export interface VeeSettings {
  readonly ruleSet?: RuleSet;
  /** Days of the channel's own history the comparison and estimation rules see (default 28). */
  readonly historyDays?: number;
  /** A local day is closed (still-missing intervals get substitutes) this long after it ended (default 6 h). */
  readonly closeDelayS?: number;
  /** Estimates of a day become final substitutes (F) this long after it ended (default 3 days). */
  readonly finalAfterS?: number;
}

export interface RunOptions {
  /** 'ingest': up to the last received interval; 'close': the whole day, missing ones substituted. */
  readonly mode?: 'ingest' | 'close';
  readonly reestimate?: boolean;
  readonly ruleSet?: RuleSet;
  readonly actor?: string;
  /** Compute and report only: nothing is written. */
  readonly dryRun?: boolean;
}

export interface RunOutcome {
  readonly meterId: string;
  readonly channel: Obis;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Intervals whose value, quality or reason the run changed. */
  readonly changed: number;
  /** Intervals written as a new version (0 when nothing changed). */
  readonly written: number;
  readonly findings: number;
  readonly estimates: number;
  /** Exceptions the run opened. */
  readonly opened: number;
  /** New data arrived while the run computed: nothing was written, run it again. */
  readonly stale: boolean;
}

export const VEE_SOURCE = 'vee';

type VeePorts = Pick<Store,
  'getMeter' | 'listChannels' | 'readSeries' | 'readRegisters' | 'listEvents' | 'writeSeries' | 'recordVeeRun' | 'meterIds'
  | 'getVeeJob' | 'putVeeJob' | 'recordArrivals'>;

const sameSeries = (a: IntervalSeries, b: IntervalSeries): boolean => {
  if (a.start !== b.start || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    if (a.values[i] !== b.values[i] || a.quality[i] !== b.quality[i] || (a.reason?.[i] ?? 0) !== (b.reason?.[i] ?? 0)) return false;
  }
  return true;
};

const findingRecords = (meterId: string, channel: Obis, r: VeeResult): VeeFindingRecord[] => r.findings.map((f) => ({
  meterId, channel, start: f.start, end: f.end, rule: f.rule, severity: f.severity, action: f.action, reason: f.reason, message: f.message,
  details: { ...(f.measured !== undefined ? { measured: f.measured } : {}), ...(f.limit !== undefined ? { limit: f.limit } : {}), params: f.params },
}));

const estimateRecords = (meterId: string, channel: Obis, r: VeeResult): VeeEstimateRecord[] => r.estimates.map((e) => ({
  meterId, channel, start: e.start, end: e.end, method: e.method, methodFlag: e.methodFlag, quality: e.quality, reason: e.reason,
  energy: e.energy, triggers: e.triggers, inputs: JSON.parse(JSON.stringify(e.inputs)) as Record<string, unknown>,
}));

/**
 * VEE in operation: loads a channel window's context from the store (the meter, four weeks of the
 * channel's history, registers and events around it, the stored latest version), runs the pure
 * engine, and writes the outcome back as a new version with its findings and explanations.
 */
export class VeeService {
  readonly ruleSet: RuleSet;
  readonly historyDays: number;
  readonly closeDelayS: number;
  readonly finalAfterS: number;
  private readonly meters = new Map<string, Meter>();
  private readonly channels = new Map<string, Channel[]>();

  constructor(private readonly store: VeePorts, private readonly now: Clock, settings: VeeSettings = {}) {
    this.ruleSet = settings.ruleSet ?? DEFAULT_RULE_SET;
    this.historyDays = settings.historyDays ?? 28;
    this.closeDelayS = settings.closeDelayS ?? 6 * 3600;
    this.finalAfterS = settings.finalAfterS ?? 3 * DAY_S;
  }

  /** Meters and channels rarely change; a run loop reads them once (forget() after a change). */
  private async meter(id: string): Promise<Meter> {
    let m = this.meters.get(id);
    if (m === undefined) {
      m = await this.store.getMeter(id);
      if (m === undefined) throw new MeterstackError('METER_NOT_FOUND', `no meter "${id}"`, { details: { meterId: id } });
      if (this.meters.size > 100_000) this.meters.clear();
      this.meters.set(id, m);
    }
    return m;
  }

  async channelsOf(meterId: string): Promise<Channel[]> {
    let c = this.channels.get(meterId);
    if (c === undefined) {
      c = await this.store.listChannels(meterId);
      if (this.channels.size > 100_000) this.channels.clear();
      this.channels.set(meterId, c);
    }
    return c;
  }

  forget(): void {
    this.meters.clear();
    this.channels.clear();
  }

  private async channel(meterId: string, channel: string): Promise<Channel> {
    const code = obis(channel);
    let ch = (await this.channelsOf(meterId)).find((c) => c.obis === code);
    if (ch === undefined) {
      // Registered since it was cached (ingest adds channels): look again once.
      this.channels.delete(meterId);
      ch = (await this.channelsOf(meterId)).find((c) => c.obis === code);
    }
    if (ch === undefined) throw new MeterstackError('CHANNEL_NOT_FOUND', `meter "${meterId}" has no channel ${channel}`, { details: { meterId, channel: code } });
    return ch;
  }

  /** The local day (meter's zone) containing `at`, validated and estimated per `opts.mode`. */
  runDay(meterId: string, channel: string, at: EpochSeconds, opts: RunOptions = {}): Promise<RunOutcome | undefined> {
    return this.runDays(meterId, channel, at, at, opts);
  }

  /**
   * The local days (meter's zone) from the one containing `first` to the one containing `last`, in
   * one engine call: a backlog (a history load, a meter read after a week offline) costs one run
   * per channel, not one per day.
   */
  async runDays(meterId: string, channel: string, first: EpochSeconds, last: EpochSeconds, opts: RunOptions = {}): Promise<RunOutcome | undefined> {
    const meter = await this.meter(meterId);
    const ch = await this.channel(meterId, channel);
    if (ch.intervalS === 0) return undefined;
    const from = Math.ceil(localDay(first, meter.timeZone).start / ch.intervalS) * ch.intervalS;
    let to = Math.floor(localDay(last, meter.timeZone).end / ch.intervalS) * ch.intervalS;
    const stored = await this.store.readSeries(meterId, ch.obis, from, to);
    if (opts.mode !== 'close') {
      // While a day is still being read, validate up to its last received interval: what has not
      // arrived yet is not missing yet (the day-close pass substitutes it).
      let lastIn = stored.quality.length - 1;
      while (lastIn >= 0 && stored.quality[lastIn] === QUALITY.N) lastIn--;
      if (lastIn < 0) return undefined;
      to = from + (lastIn + 1) * ch.intervalS;
    }
    const series = to === from + stored.values.length * ch.intervalS ? stored : sliceSeries(stored, (to - from) / ch.intervalS);
    return this.runSeries(meter, ch, series, opts);
  }

  /** First arrival times of intervals, for timeliness (the VEE flow batches them). */
  async recordArrivals(items: readonly ArrivalInput[]): Promise<void> {
    await this.store.recordArrivals(items);
  }

  /** Channel windows touched but not yet validated, kept across a restart (the VEE flow's queue). */
  async saveBacklog(items: readonly (readonly [string, readonly number[]])[]): Promise<void> {
    await this.store.putVeeJob('ingest-backlog', JSON.stringify(items), this.now());
  }

  async takeBacklog(): Promise<[string, number[]][]> {
    const saved = await this.store.getVeeJob('ingest-backlog');
    if (saved === undefined || saved === '[]') return [];
    await this.store.putVeeJob('ingest-backlog', '[]', this.now());
    return JSON.parse(saved) as [string, number[]][];
  }

  /** Start of the local day (the meter's zone) holding `at`. */
  async dayStart(meterId: string, at: EpochSeconds): Promise<EpochSeconds> {
    return localDay(at, (await this.meter(meterId)).timeZone).start;
  }

  /** Runs the engine over what the store holds for [from, to) of one channel (whole local days or not). */
  async runWindow(meterId: string, channel: string, from: EpochSeconds, to: EpochSeconds, opts: RunOptions = {}): Promise<RunOutcome | undefined> {
    const meter = await this.meter(meterId);
    const ch = await this.channel(meterId, channel);
    if (ch.intervalS === 0) return undefined;
    const f = Math.floor(from / ch.intervalS) * ch.intervalS;
    const t = Math.ceil(to / ch.intervalS) * ch.intervalS;
    return this.runSeries(meter, ch, await this.store.readSeries(meterId, ch.obis, f, t), opts);
  }

  private async runSeries(meter: Meter, ch: Channel, whole: IntervalSeries, opts: RunOptions): Promise<RunOutcome | undefined> {
    const history = await this.store.readSeries(meter.id, ch.obis, whole.start - this.historyDays * DAY_S, whole.start);
    // Where the channel's data begins (a new meter, the first day of a loaded history), the
    // intervals before its first reading are not a gap: the window starts at the first reading.
    let series = whole;
    if (!history.quality.some((q) => q !== QUALITY.N)) {
      const first = whole.quality.findIndex((q) => q !== QUALITY.N);
      if (first < 0) return undefined;
      if (first > 0) series = sliceSeries(whole, whole.values.length, first);
    }
    const from = series.start;
    const to = from + series.values.length * ch.intervalS;
    const registers = await this.store.readRegisters(meter.id, ch.obis, from - DAY_S, to + DAY_S);
    const events = (await this.store.listEvents(meter.id, from - DAY_S, to + DAY_S, { limit: 10_000 })).items;
    const ruleSet = opts.ruleSet ?? this.ruleSet;
    const result = runVee(
      // No `prior`: the input is the stored latest version itself (the run is after the commit, and
      // the store already merged and versioned what arrived), so there is nothing to merge with.
      { series, meter, history: [history], registers, events, readThrough: to },
      { ruleSet, ...(opts.reestimate ? { reestimate: true } : {}) },
    );
    const base = {
      meterId: meter.id, channel: ch.obis, from, to, changed: result.changed, findings: result.findings.length, estimates: result.estimates.length,
    };
    if (opts.dryRun) return { ...base, written: 0, opened: 0, stale: false };
    let written = 0;
    if (result.changed > 0) {
      // The engine ran between awaits: if the pipeline committed new data for this window meanwhile,
      // writing now would overwrite it with a stale outcome. Leave it to the next run.
      const fresh = await this.store.readSeries(meter.id, ch.obis, from, to);
      if (!sameSeries(fresh, series)) return { ...base, written: 0, opened: 0, stale: true };
      const s = result.series;
      const w = await this.store.writeSeries([s], {
        source: VEE_SOURCE, actor: opts.actor ?? 'vee', reason: `VEE ${result.ruleSet.id}@${result.ruleSet.version}: ${result.changed} interval(s) changed`,
      });
      written = w.written + w.versioned;
    }
    const stamp = result.ruleSet;
    const opened = await this.store.recordVeeRun({
      meterId: meter.id, channel: ch.obis, from, to, at: this.now(), ruleSet: `${stamp.id}@${stamp.version}#${stamp.fingerprint}`,
      findings: findingRecords(meter.id, ch.obis, result), estimates: estimateRecords(meter.id, ch.obis, result),
    });
    return { ...base, written, opened: opened.length, stale: false };
  }

  /**
   * The day-close pass: every local day (each meter's zone) that ended between the last pass and
   * `now − closeDelayS` is run whole, so intervals still missing get substitutes; every day that
   * ended before `now − finalAfterS` has its estimates turned into final substitutes (F).
   * Progress is kept in the store, so a restart continues where the last pass stopped.
   */
  async closeDays(opts: { meterIds?: readonly string[]; firstRun?: EpochSeconds } = {}): Promise<{ closed: number; finalized: number }> {
    const now = this.now();
    const saved = JSON.parse((await this.store.getVeeJob('day-close')) ?? '{}') as { closed?: number; final?: number };
    const start = opts.firstRun ?? now - 2 * DAY_S;
    const closeTo = now - this.closeDelayS;
    const finalTo = now - this.finalAfterS;
    const closeFrom = saved.closed ?? start;
    const finalFrom = saved.final ?? Math.min(start, finalTo);
    let closed = 0;
    let finalized = 0;
    const ids = opts.meterIds ?? await this.store.meterIds({});
    for (const id of ids) {
      const meter = await this.meter(id);
      for (const ch of await this.channelsOf(id)) {
        if (ch.intervalS === 0) continue;
        for (const day of endingBetween(closeFrom, closeTo, meter.timeZone)) {
          const r = await this.runDay(id, ch.obis, day.start, { mode: 'close' });
          if (r && r.written > 0) closed++;
        }
        for (const day of endingBetween(finalFrom, finalTo, meter.timeZone)) {
          finalized += await this.finalizeDay(meter, ch, day.start, day.end);
        }
      }
    }
    await this.store.putVeeJob('day-close', JSON.stringify({ closed: Math.max(closeFrom, closeTo), final: Math.max(finalFrom, finalTo) }), now);
    return { closed, finalized };
  }

  /**
   * Re-runs VEE over [from, to) for a set of meters, e.g. after a rule set changed: a new version
   * only where the outcome differs (a second run changes nothing). Progress is saved per meter
   * under a job id derived from the request, so an interrupted run resumes where it stopped.
   */
  async revalidate(r: RevalidateRequest): Promise<RevalidateProgress> {
    if (!(r.from < r.to) || r.to - r.from > MAX_REVALIDATE_DAYS * DAY_S) {
      throw new MeterstackError('QUERY_INVALID', `re-validation needs from < to and at most ${MAX_REVALIDATE_DAYS} days`);
    }
    const ruleSet = r.ruleSet ?? this.ruleSet;
    const ids = [...(r.meterIds ?? await this.store.meterIds({}))].sort();
    const job = `revalidate:${createHash('sha256').update(JSON.stringify([r.from, r.to, ids, ruleSetFingerprint(ruleSet), r.reestimate === true])).digest('hex').slice(0, 16)}`;
    const saved = JSON.parse((await this.store.getVeeJob(job)) ?? 'null') as { done: number; runs: number; changed: number; complete: boolean } | null;
    const resumed = saved !== null && !saved.complete;
    let { done, runs, changed } = resumed ? saved : { done: 0, runs: 0, changed: 0 };
    const closedBefore = this.now() - this.closeDelayS;
    const progress = (complete: boolean): RevalidateProgress => ({ job, meters: ids.length, done, runs, changed, resumed, complete });
    this.forget();
    for (; done < ids.length; ) {
      const id = ids[done]!;
      for (const ch of await this.channelsOf(id)) {
        if (ch.intervalS === 0) continue;
        for (let t = r.from; t < r.to; t += REVALIDATE_SPAN_DAYS * DAY_S) {
          const last = Math.min(r.to, t + REVALIDATE_SPAN_DAYS * DAY_S) - 1;
          const out = await this.runDays(id, ch.obis, t, last, {
            mode: last < closedBefore ? 'close' : 'ingest', ruleSet, ...(r.reestimate ? { reestimate: true } : {}), actor: r.actor ?? 'vee:revalidate',
          });
          runs++;
          if (out && out.written > 0) changed++;
        }
      }
      done++;
      await this.store.putVeeJob(job, JSON.stringify({ done, runs, changed, complete: done === ids.length }), this.now());
      r.onProgress?.(progress(done === ids.length));
    }
    if (ids.length === 0) await this.store.putVeeJob(job, JSON.stringify({ done, runs, changed, complete: true }), this.now());
    return progress(true);
  }

  private async finalizeDay(meter: Meter, ch: Channel, start: EpochSeconds, end: EpochSeconds): Promise<number> {
    const from = Math.ceil(start / ch.intervalS) * ch.intervalS;
    const to = Math.floor(end / ch.intervalS) * ch.intervalS;
    const series = await this.store.readSeries(meter.id, ch.obis, from, to);
    const f = finalizeEstimates(series, to);
    if (f.finalized === 0) return 0;
    await this.store.writeSeries([f.series], { source: VEE_SOURCE, actor: 'vee', reason: `${f.finalized} estimate(s) became final substitutes (F)` });
    return f.finalized;
  }
}

export interface RevalidateRequest {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Default: every meter. */
  readonly meterIds?: readonly string[];
  readonly ruleSet?: RuleSet;
  /** Estimate S/E intervals again too (manual edits are S: they would be replaced). Default false. */
  readonly reestimate?: boolean;
  readonly actor?: string;
  readonly onProgress?: (p: RevalidateProgress) => void;
}

export interface RevalidateProgress {
  readonly job: string;
  readonly meters: number;
  /** Meters finished (including those a resumed job had done before). */
  readonly done: number;
  readonly runs: number;
  /** Channel windows that got a new version. */
  readonly changed: number;
  readonly resumed: boolean;
  readonly complete: boolean;
}

const MAX_REVALIDATE_DAYS = 366;
const REVALIDATE_SPAN_DAYS = 31;

/** Local days whose end lies in (from, to]. */
function endingBetween(from: EpochSeconds, to: EpochSeconds, zone: string): { start: EpochSeconds; end: EpochSeconds }[] {
  if (to <= from) return [];
  return localBuckets(from - DAY_S, to, zone, 'day').filter((d) => d.end > from && d.end <= to);
}

/** Intervals [from, to) of a series. */
function sliceSeries(s: IntervalSeries, to: number, from = 0): IntervalSeries {
  return {
    ...s, start: s.start + from * s.intervalS, values: s.values.slice(from, to), quality: s.quality.slice(from, to),
    ...(s.reason ? { reason: s.reason.slice(from, to) } : {}),
  };
}
