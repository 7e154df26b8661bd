import {
  epochToIso, isoToEpoch, localDateStart, MeterstackError, obis,
  type EpochSeconds, type MeterAssignment,
} from '../../model/index.ts';
import type { Store } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import { allPages, pageLimit, queryScope, unwrapOffset, wrapCursor } from '../paging.ts';
import type { VersionedTariff } from '../tariffs/calendar.ts';
import { parseTariff } from '../tariffs/tariff.model.ts';
import { IMPORT } from './account-data.ts';
import {
  buildTouModel, STEP_S, touRegistersOf, verifyMeter,
  type RegisterRead, type TouModel, type TouModelOptions, type TouMeterResult, type TouVerifyOptions,
} from './tou-verify.rules.ts';

export interface TouVerifyRequest {
  readonly tariffId: string;
  /** Local date YYYY-MM-DD (midnight in each meter's zone), ISO 8601 instant, or epoch seconds. Default: 30 days before `to`. */
  readonly from?: string | EpochSeconds;
  /** Exclusive end, same forms. Default: the start of today (local). */
  readonly to?: string | EpochSeconds;
  /** These meters (in their own zones) instead of every meter of the accounts on the tariff. */
  readonly meterIds?: readonly string[];
  readonly options?: TouVerifyOptions & TouModelOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TouMeterReport extends TouMeterResult {
  readonly meterId: string;
  readonly accountId?: string;
  readonly zone: string;
}

export interface TouTotals {
  readonly meters: number;
  readonly ok: number;
  readonly misconfigured: number;
  readonly insufficientData: number;
  /** Misconfigured meters per cause. */
  readonly byCause: Readonly<Record<string, number>>;
}

export interface TouReport {
  readonly tariffId: string;
  readonly from: string;
  readonly to: string;
  readonly zones: readonly string[];
  readonly registers: readonly string[];
  readonly totals: TouTotals;
  /** Faults the range cannot reveal in a zone (e.g. no DST day in it). */
  readonly untestable: readonly { readonly zone: string; readonly fault: string; readonly why: string }[];
  /** Misconfigured first (lowest confidence last), then insufficient data, then ok; by meter id within. */
  readonly meters: readonly TouMeterReport[];
  readonly elapsedMs: number;
  readonly metersPerS: number;
}

export interface TouPageQuery {
  readonly verdict?: TouMeterResult['verdict'];
  /** Only misconfigured meters with this cause ('clock-offset', 'wrong-season', …). */
  readonly cause?: string;
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** A report with its meters paged: `{…report, items, total, next}`. */
export type TouReportPage = Omit<TouReport, 'meters'> & { readonly items: readonly TouMeterReport[]; readonly total: number; readonly next: string | null };

type TouPorts = Pick<Store, 'listTariffVersions' | 'listAccounts' | 'listAssignments' | 'getMeter' | 'readSeries' | 'readRegisters'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 400;
const MAX_METERS = 1_000_000;
const MODEL_CACHE = 16;
/** A report stays available for paging this long; the first page of a request always runs afresh. */
const REPORT_TTL_S = 600;
const REPORT_CACHE = 8;

interface Target {
  readonly meterId: string;
  readonly accountId?: string;
  readonly zone: string;
  readonly within?: { readonly from: EpochSeconds; readonly to: EpochSeconds };
}

const invalid = (msg: string): never => {
  throw new MeterstackError('TOU_VERIFY_INVALID', msg);
};

function instant(v: string | EpochSeconds, zone: string, what: string): EpochSeconds {
  if (typeof v === 'number') return Number.isInteger(v) ? v : invalid(`${what} ${v} is not whole epoch seconds`);
  if (DATE.test(v)) {
    try {
      return localDateStart(v, zone);
    } catch {
      return invalid(`${what} "${v}" is not a date YYYY-MM-DD`);
    }
  }
  try {
    return isoToEpoch(v);
  } catch {
    return invalid(`${what} "${v}" is neither a local date YYYY-MM-DD nor an ISO 8601 time`);
  }
}

const ORDER: Record<TouMeterResult['verdict'], number> = { misconfigured: 0, 'insufficient-data': 1, ok: 2 };
const CONF: Record<string, number> = { high: 0, medium: 1, low: 2 };

/**
 * TOU verification over a fleet: every meter of the accounts on a tariff (or a list of meters),
 * its 15-minute import and its TOU register reads from the store, judged by the pure rules
 * (tou-verify.rules.ts) against one calendar model per zone that all those meters share.
 */
export class TouVerificationService {
  private readonly models = new Map<string, TouModel>();
  private readonly reports = new Map<string, { at: EpochSeconds; report: TouReport }>();

  constructor(private readonly store: TouPorts, private readonly now: Clock) {}

  private async versions(tariffId: string): Promise<VersionedTariff[]> {
    const rows = await this.store.listTariffVersions(tariffId);
    if (rows.length === 0) throw new MeterstackError('TARIFF_NOT_FOUND', `no tariff "${tariffId}"`);
    return rows.map((r) => ({ version: r.version, tariff: parseTariff(JSON.parse(r.doc)) }));
  }

  private range(req: TouVerifyRequest, zone: string): { from: EpochSeconds; to: EpochSeconds } {
    let to: number;
    if (req.to === undefined) to = localDateStart(epochToIso(this.now(), zone).slice(0, 10), zone);
    else to = instant(req.to, zone, 'to');
    let from: number;
    if (req.from === undefined) {
      const d = new Date(Date.parse(`${epochToIso(to, zone).slice(0, 10)}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
      from = localDateStart(d, zone);
    } else from = instant(req.from, zone, 'from');
    if (from % STEP_S !== 0 || to % STEP_S !== 0) invalid(`the range ${epochToIso(from)} .. ${epochToIso(to)} must start and end on quarter-hours`);
    if (to <= from) invalid(`the range ${epochToIso(from, zone)} .. ${epochToIso(to, zone)} ends before it starts (the end is exclusive)`);
    if (to - from > MAX_DAYS * 86_400) invalid(`the range is longer than ${MAX_DAYS} days`);
    return { from, to };
  }

  private model(tariffId: string, versions: readonly VersionedTariff[], zone: string, from: number, to: number, opts: TouModelOptions): TouModel {
    const key = JSON.stringify([tariffId, versions.map((v) => v.version), zone, from, to, opts.maxOffsetQuarters, opts.maxSeasonShiftDays]);
    let m = this.models.get(key);
    if (!m) {
      m = buildTouModel(versions, zone, from, to, opts);
      if (this.models.size >= MODEL_CACHE) this.models.delete(this.models.keys().next().value!);
      this.models.set(key, m);
    }
    return m;
  }

  /** The meters to verify: a given list, or every meter assigned to an account on the tariff. */
  private async targets(req: TouVerifyRequest): Promise<Target[]> {
    if (req.meterIds !== undefined) {
      if (req.meterIds.length === 0) invalid('the meter list is empty');
      if (req.meterIds.length > MAX_METERS) invalid(`at most ${MAX_METERS} meters at once`);
      const out: Target[] = [];
      for (const id of new Set(req.meterIds)) {
        const m = await this.store.getMeter(id);
        if (!m) throw new MeterstackError('METER_NOT_FOUND', `no meter "${id}"`);
        out.push({ meterId: id, zone: m.timeZone });
      }
      return out;
    }
    const accounts = new Map((await allPages((page) => this.store.listAccounts({ tariffId: req.tariffId }, page), 1000)).map((a) => [a.id, a.timeZone]));
    if (accounts.size === 0) return [];
    // The widest UTC span any zone's range can take; each target is cut to its own zone's range later.
    const spans = [...new Set(accounts.values())].map((z) => this.range(req, z));
    const lo = Math.min(...spans.map((s) => s.from));
    const hi = Math.max(...spans.map((s) => s.to));
    const rows: MeterAssignment[] = (await this.store.listAssignments(undefined, lo, hi)).filter((a) => accounts.has(a.accountId));
    return rows.map((a) => ({
      meterId: a.meterId, accountId: a.accountId, zone: accounts.get(a.accountId)!,
      within: { from: a.from, to: a.to ?? Number.MAX_SAFE_INTEGER },
    }));
  }

  /**
   * The report a page at a time. Without a cursor the verification runs now; with one, the pages
   * come from that same run while it is kept (10 minutes), so a fleet report pages consistently.
   */
  async verifyPage(req: TouVerifyRequest, q: TouPageQuery = {}): Promise<TouReportPage> {
    const key = JSON.stringify([req.tariffId, req.from ?? null, req.to ?? null, req.meterIds ?? null, req.options ?? null]);
    const scope = queryScope('tou-verification', [key, q.verdict ?? null, q.cause ?? null]);
    const offset = unwrapOffset(scope, q.cursor);
    let hit = this.reports.get(key);
    if (offset === 0 || !hit || hit.at + REPORT_TTL_S < this.now()) {
      hit = { at: this.now(), report: await this.verify(req) };
      this.reports.delete(key);
      if (this.reports.size >= REPORT_CACHE) this.reports.delete(this.reports.keys().next().value!);
      this.reports.set(key, hit);
    }
    const { meters, ...head } = hit.report;
    const selected = meters.filter((m) => (q.verdict === undefined || m.verdict === q.verdict) && (q.cause === undefined || m.cause === q.cause));
    const limit = pageLimit(q.limit);
    const items = selected.slice(offset, offset + limit);
    return { ...head, items, total: selected.length, next: offset + limit < selected.length ? wrapCursor(scope, offset + limit) : null };
  }

  async verify(req: TouVerifyRequest): Promise<TouReport> {
    const started = performance.now();
    const versions = await this.versions(req.tariffId);
    const targets = await this.targets(req);
    const opts = req.options ?? {};
    const zones = [...new Set(targets.map((t) => t.zone))].sort();
    const ranges = new Map(zones.map((z) => [z, this.range(req, z)]));
    const models = new Map(zones.map((z) => [z, this.model(req.tariffId, versions, z, ranges.get(z)!.from, ranges.get(z)!.to, opts)]));
    const registers = models.size ? models.values().next().value!.registers : buildRegistersOnly(versions);
    const channels = registers.map((r) => obis(r));
    const meters: TouMeterReport[] = [];
    let done = 0;
    for (const t of targets) {
      const model = models.get(t.zone)!;
      const series = await this.store.readSeries(t.meterId, IMPORT, model.from, model.to);
      const base = { meterId: t.meterId, ...(t.accountId ? { accountId: t.accountId } : {}), zone: t.zone };
      if (series.intervalS !== STEP_S) {
        meters.push({ ...base, ...notQuarterHours(series.intervalS) });
      } else {
        const regs: RegisterRead[][] = [];
        // A read exactly at the end of the range closes its last window.
        for (const ch of channels) regs.push((await this.store.readRegisters(t.meterId, ch, model.from, model.to + 1)).map((r) => ({ at: r.at, value: r.value })));
        const result = verifyMeter(model, { values: series.values, quality: series.quality, registers: regs, ...(t.within ? { within: t.within } : {}) }, opts);
        meters.push({ ...base, ...result });
      }
      done++;
      if (req.onProgress && (done % 100 === 0 || done === targets.length)) req.onProgress(done, targets.length);
    }
    meters.sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict] || (CONF[a.confidence ?? ''] ?? 3) - (CONF[b.confidence ?? ''] ?? 3) || a.meterId.localeCompare(b.meterId));
    const byCause: Record<string, number> = {};
    for (const m of meters) if (m.verdict === 'misconfigured') byCause[m.cause!] = (byCause[m.cause!] ?? 0) + 1;
    const elapsedMs = performance.now() - started;
    const first = zones.length ? ranges.get(zones[0]!)! : this.range(req, 'UTC');
    return {
      tariffId: req.tariffId,
      from: epochToIso(first.from, zones[0] ?? 'UTC'),
      to: epochToIso(first.to, zones[0] ?? 'UTC'),
      zones, registers,
      totals: {
        meters: meters.length,
        ok: meters.filter((m) => m.verdict === 'ok').length,
        misconfigured: meters.filter((m) => m.verdict === 'misconfigured').length,
        insufficientData: meters.filter((m) => m.verdict === 'insufficient-data').length,
        byCause,
      },
      untestable: zones.flatMap((z) => models.get(z)!.untestable.map((u) => ({ zone: z, ...u }))),
      meters,
      elapsedMs: Math.round(elapsedMs),
      metersPerS: meters.length ? Math.round((meters.length / elapsedMs) * 1000) : 0,
    };
  }
}

function buildRegistersOnly(versions: readonly VersionedTariff[]): string[] {
  return touRegistersOf(versions[versions.length - 1]!.tariff).map((r) => r.obis);
}

function notQuarterHours(intervalS: number): TouMeterResult {
  return {
    verdict: 'insufficient-data', cause: null, faults: [], description: null, confidence: null, explained: null, alternatives: [],
    windows: { usable: 0, violating: 0, skipped: { missing: 0, reset: 0, unreconciled: 0 } },
    residualWh: { calendar: 0, cause: null }, evidence: { windows: [], hours: [] },
    note: `the meter records import every ${intervalS} s; TOU verification needs 15-minute intervals`,
  };
}
