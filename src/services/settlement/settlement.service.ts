import { assertZone, hasCode, MeterstackError, obis, type Account, type Channel, type EpochSeconds, type MarketParties, type Obis } from '../../model/index.ts';
import type {
  Page, SettlementGroupRecord, SettlementPeriodRecord, SettlementRunHeader, SettlementRunRecord, Store,
} from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import { queryScope, storePage, type PageQuery } from '../paging.ts';
import { aggregate, groupTotals, poolTotals, settles } from './aggregate.rules.ts';
import { checkAllocation, checkCompleteness, checkGroupTotals, checkPeriodCount, checkPeriodSums } from './checks.rules.ts';
import { diffRuns, type DiffGroup, type RunDiff } from './diff.rules.ts';
import { EXPORT_FORMATS, toCsv, toXml, type ExportFormat } from './export.rules.ts';
import { assertDay, expectedPeriodCount, settlementDay } from './periods.rules.ts';
import {
  groupKey, PERIOD_S, type CheckName, type CheckResult, type GroupAggregate, type GroupTotals, type MeterSegment, type SettlementDay,
} from './settlement.model.ts';

export const IMPORT = obis('1-0:1.8.0');
export const EXPORT = obis('1-0:2.8.0');

export interface SettlementSettings {
  /** Market zone whose local days are settled (IANA). */
  readonly zone: string;
  /** Completeness a group must reach for the run to be 'complete' (0..1). */
  readonly threshold: number;
}

export const DEFAULT_SETTLEMENT: SettlementSettings = { zone: 'Europe/Amsterdam', threshold: 0.99 };

export interface RunRequest {
  /** Local date YYYY-MM-DD in the zone. */
  readonly day: string;
  readonly zone?: string;
  readonly threshold?: number;
  readonly actor: string;
}

/** What a run stores in its summary JSON, besides the header columns. */
interface StoredSummary {
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly periods: number;
  readonly groupCount: number;
  readonly meteringPoints: number;
  readonly meters: number;
  readonly threshold: number;
  readonly totals: GroupTotals;
  readonly warnings: readonly string[];
  readonly warningCount: number;
}

/** The stored header with its JSON parsed: the summary's fields inline, the checks as the names that failed. */
export interface RunSummary extends Omit<SettlementRunHeader, 'summary' | 'checks'>, StoredSummary {
  readonly failedChecks: readonly CheckName[];
}

export interface PeriodView extends SettlementPeriodRecord {
  /** actual + estimated. */
  readonly withData: number;
}

export interface GroupView extends MarketParties, GroupTotals {
  readonly meteringPoints: number;
  readonly meters: number;
  readonly exportMeters: number;
  readonly periods: readonly PeriodView[];
}

export interface RunComparison extends RunDiff {
  readonly previousRunId: string;
}

/** A run with its checks and the difference to the previous run of the same day and zone. */
export interface RunOutcome extends RunSummary {
  readonly checks: readonly CheckResult[];
  readonly diff: RunComparison | null;
}

export interface RunDetail extends RunOutcome {
  readonly groups: readonly GroupView[];
}

export interface SettlementExport {
  readonly contentType: string;
  readonly filename: string;
  readonly body: string;
}

export interface RunListQuery extends PageQuery {
  readonly day?: string;
  readonly zone?: string;
}

type SettlementPorts = Pick<Store,
  'listAssignments' | 'getAccount' | 'listChannels' | 'readSeries' | 'sumSeries' | 'localTotals'
  | 'insertSettlementRun' | 'getSettlementRun' | 'listSettlementRuns' | 'appendAudit'>;

const MAX_WARNINGS = 50;
const CONSISTENCY: readonly CheckName[] = ['period-count', 'period-sums', 'group-totals', 'allocation'];

/** Run ids are readable and stable: the day, the zone (slashes as dots, to fit a URL path) and the run number. */
export function runId(day: string, zone: string, runNo: number): string {
  return `stl-${day}-${zone.replace(/\//g, '.')}-${runNo}`;
}

function assertThreshold(t: number): number {
  if (!Number.isFinite(t) || t < 0 || t > 1) throw new MeterstackError('SETTLEMENT_INVALID', `completeness threshold ${t} is not a share between 0 and 1 (0.99 is 99 %)`);
  return t;
}

function toRecordGroups(groups: readonly GroupAggregate[], d: SettlementDay): SettlementGroupRecord[] {
  return groups.map((g) => ({
    gridArea: g.gridArea, brp: g.brp, supplier: g.supplier, meteringPoints: g.meteringPoints, meters: g.meters, exportMeters: g.exportMeters,
    periods: Array.from({ length: d.periods }, (_, p) => ({
      position: p + 1, start: d.start + p * PERIOD_S, importWh: g.importWh[p]!, exportWh: g.exportWh[p]!,
      expected: g.expected[p]!, actual: g.actual[p]!, estimated: g.estimated[p]!, missing: g.missing[p]!,
    })),
  }));
}

function arraysOf(g: SettlementGroupRecord): DiffGroup {
  const pick = (k: keyof SettlementPeriodRecord) => g.periods.map((p) => p[k]);
  return {
    gridArea: g.gridArea, brp: g.brp, supplier: g.supplier, importWh: pick('importWh'), exportWh: pick('exportWh'),
    expected: pick('expected'), actual: pick('actual'), estimated: pick('estimated'), missing: pick('missing'),
  };
}

function summaryOf(h: SettlementRunHeader): RunSummary {
  const s = JSON.parse(h.summary) as StoredSummary;
  const checks = JSON.parse(h.checks) as CheckResult[];
  return {
    id: h.id, day: h.day, zone: h.zone, runNo: h.runNo, at: h.at, actor: h.actor, status: h.status, consistent: h.consistent,
    ...s, failedChecks: checks.filter((c) => !c.passed).map((c) => c.name),
  };
}

/** Channel facts of a meter that settlement needs. */
interface MeterChannels {
  readonly import?: Channel;
  readonly export?: Channel;
}

/**
 * Settlement (docs/settlement.md): aggregates a market zone's local day of 15-minute data per
 * (grid area, BRP, supplier) and period, checks the result against independently computed sums,
 * and stores it as an immutable, numbered run. Re-runs after late data are new runs with their
 * difference to the previous one.
 */
export class SettlementService {
  private readonly settings: SettlementSettings;

  constructor(private readonly store: SettlementPorts, private readonly now: Clock, settings: Partial<SettlementSettings> = {}) {
    this.settings = { ...DEFAULT_SETTLEMENT, ...settings };
    assertZone(this.settings.zone);
    assertThreshold(this.settings.threshold);
  }

  get defaults(): SettlementSettings {
    return this.settings;
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    const zone = assertZone(req.zone ?? this.settings.zone);
    const threshold = assertThreshold(req.threshold ?? this.settings.threshold);
    const d = settlementDay(req.day, zone);
    const { segments, warnings } = await this.readSegments(d);
    const groups = aggregate(segments, d.periods);
    const checks = [
      checkPeriodCount(d.periods, expectedPeriodCount(d.start, d.end, zone), groups),
      checkPeriodSums(groups, await this.meterSums(segments, d), d.periods),
      checkGroupTotals(groups, await this.meterTotals(segments, d)),
      checkAllocation(segments, d.periods),
      checkCompleteness(groups, threshold),
    ];
    const totals = groups.map(groupTotals);
    const summary: StoredSummary = {
      start: d.start, end: d.end, periods: d.periods, groupCount: groups.length,
      meteringPoints: new Set(segments.map((s) => s.accountId)).size, meters: new Set(segments.map((s) => s.meterId)).size,
      threshold, totals: poolTotals(totals), warnings: warnings.slice(0, MAX_WARNINGS), warningCount: warnings.length,
    };
    const recordGroups = toRecordGroups(groups, d);
    const consistent = checks.every((c) => c.passed || !CONSISTENCY.includes(c.name));
    const status = checks.find((c) => c.name === 'completeness')!.passed ? 'complete' : 'incomplete';
    const at = this.now();
    // The run number is the next free one for the day and zone; a concurrent run taking it first makes us retry.
    for (let attempt = 0; ; attempt++) {
      const previous = await this.latest(d.day, zone);
      const runNo = (previous?.runNo ?? 0) + 1;
      const record: SettlementRunRecord = {
        id: runId(d.day, zone, runNo), day: d.day, zone, runNo, at, actor: req.actor, status, consistent,
        summary: JSON.stringify(summary), checks: JSON.stringify(checks), groups: recordGroups,
      };
      try {
        await this.store.insertSettlementRun(record);
      } catch (e) {
        if (hasCode(e, 'SETTLEMENT_RUN_EXISTS') && attempt < 3) continue;
        throw e;
      }
      const diff = previous === undefined ? null
        : { previousRunId: previous.id, ...diffRuns(previous.groups.map(arraysOf), recordGroups.map(arraysOf)) };
      const outcome: RunOutcome = { ...summaryOf(record), checks, diff };
      await this.store.appendAudit([{
        at, actor: req.actor, action: 'settlement.run', object: `settlement-run:${record.id}`,
        details: {
          day: d.day, zone, runNo, status, consistent, failedChecks: outcome.failedChecks, threshold,
          importWh: summary.totals.importWh, exportWh: summary.totals.exportWh, completeness: summary.totals.completeness,
          previousRunId: diff?.previousRunId ?? null, importWhDelta: diff?.importWhDelta ?? null,
        },
      }]);
      return outcome;
    }
  }

  async list(q: RunListQuery): Promise<Page<RunSummary>> {
    const filter = {
      ...(q.day !== undefined ? { day: assertDay(q.day) } : {}),
      ...(q.zone !== undefined ? { zone: assertZone(q.zone) } : {}),
    };
    const page = await storePage(queryScope('settlement-runs', filter), q, (p) => this.store.listSettlementRuns(filter, p));
    return { items: page.items.map(summaryOf), total: page.total, next: page.next };
  }

  async get(id: string): Promise<RunDetail> {
    const run = await this.record(id);
    const previous = run.runNo > 1 ? await this.store.getSettlementRun(runId(run.day, run.zone, run.runNo - 1)) : undefined;
    const diff = previous === undefined ? null
      : { previousRunId: previous.id, ...diffRuns(previous.groups.map(arraysOf), run.groups.map(arraysOf)) };
    const groups: GroupView[] = run.groups.map((g) => ({
      gridArea: g.gridArea, brp: g.brp, supplier: g.supplier, meteringPoints: g.meteringPoints, meters: g.meters, exportMeters: g.exportMeters,
      ...groupTotals(arraysOf(g)),
      periods: g.periods.map((p) => ({ ...p, withData: p.actual + p.estimated })),
    }));
    return { ...summaryOf(run), checks: JSON.parse(run.checks) as CheckResult[], diff, groups };
  }

  async export(id: string, format: string): Promise<SettlementExport> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new MeterstackError('SETTLEMENT_INVALID', `export format "${format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
    }
    const run = await this.record(id);
    if ((format as ExportFormat) === 'csv') return { contentType: 'text/csv; charset=utf-8', filename: `${run.id}.csv`, body: toCsv(run) };
    const { start, end } = JSON.parse(run.summary) as StoredSummary;
    return { contentType: 'application/xml; charset=utf-8', filename: `${run.id}.xml`, body: toXml(run, { start, end }) };
  }

  private async record(id: string): Promise<SettlementRunRecord> {
    const run = await this.store.getSettlementRun(id);
    if (run === undefined) throw new MeterstackError('SETTLEMENT_RUN_NOT_FOUND', `no settlement run ${id}`);
    return run;
  }

  private async latest(day: string, zone: string): Promise<SettlementRunRecord | undefined> {
    const [head] = (await this.store.listSettlementRuns({ day, zone }, { limit: 1 })).items;
    return head === undefined ? undefined : this.store.getSettlementRun(head.id);
  }

  /** Every assignment overlapping the day, cut to it, with the meters' series over its part of the day. */
  private async readSegments(d: SettlementDay): Promise<{ segments: MeterSegment[]; warnings: string[] }> {
    const assignments = await this.store.listAssignments(undefined, d.start, d.end);
    const accounts = new Map<string, Account | undefined>();
    const channels = new Map<string, MeterChannels>();
    const warnings: string[] = [];
    const segments: MeterSegment[] = [];
    for (const a of assignments) {
      // The interval whose start the assignment covers is the assignment's: boundaries round up to the grid.
      const p0 = Math.max(0, Math.ceil((a.from - d.start) / PERIOD_S));
      const p1 = Math.min(d.periods, a.to === undefined ? d.periods : Math.ceil((a.to - d.start) / PERIOD_S));
      if (p1 <= p0) continue;
      if (!accounts.has(a.accountId)) accounts.set(a.accountId, await this.store.getAccount(a.accountId));
      const account = accounts.get(a.accountId);
      if (account === undefined) {
        warnings.push(`assignment of meter ${a.meterId} names account ${a.accountId}, which does not exist`);
        continue;
      }
      let ch = channels.get(a.meterId);
      if (ch === undefined) {
        const list = await this.store.listChannels(a.meterId);
        const imp = list.find((c) => c.obis === IMPORT);
        const exp = list.find((c) => c.obis === EXPORT);
        ch = { ...(imp ? { import: imp } : {}), ...(exp ? { export: exp } : {}) };
        channels.set(a.meterId, ch);
        if (imp === undefined) warnings.push(`meter ${a.meterId} has no ${IMPORT} channel: its periods count as missing`);
        else if (!settles(imp.intervalS)) warnings.push(`meter ${a.meterId} records ${IMPORT} in ${imp.intervalS} s intervals, which do not add up to quarter-hours: its periods count as missing`);
        if (exp !== undefined && !settles(exp.intervalS)) warnings.push(`meter ${a.meterId} records ${EXPORT} in ${exp.intervalS} s intervals, which do not add up to quarter-hours: left out`);
      }
      const from = d.start + p0 * PERIOD_S;
      const to = d.start + p1 * PERIOD_S;
      const read = async (c: Channel | undefined, code: Obis) => {
        if (c === undefined || !settles(c.intervalS)) return undefined;
        const s = await this.store.readSeries(a.meterId, code, from, to);
        return { intervalS: s.intervalS, values: s.values, quality: s.quality };
      };
      const imp = await read(ch.import, IMPORT);
      const exp = await read(ch.export, EXPORT);
      segments.push({
        accountId: a.accountId, meterId: a.meterId, market: account.market, p0, p1,
        ...(imp ? { import: imp } : {}), ...(exp ? { export: exp } : {}),
      });
    }
    if (segments.length === 0) warnings.push(`no account has a meter assignment overlapping ${d.day} in ${d.zone}: nothing to settle`);
    return { segments, warnings };
  }

  /** Segments of one channel batched by window and resolution: one store query per batch. */
  private static batches(segments: readonly MeterSegment[], which: 'import' | 'export'): Map<string, { p0: number; p1: number; segs: MeterSegment[] }> {
    const out = new Map<string, { p0: number; p1: number; segs: MeterSegment[]; ids: Set<string> }>();
    for (const s of segments) {
      const slice = s[which];
      if (slice === undefined) continue;
      // A meter listed twice in one window (two accounts at once) goes to a second batch: the store
      // sums each meter once per query, and this side must count every segment, as the groups do.
      for (let copy = 0; ; copy++) {
        const key = `${s.p0}:${s.p1}:${slice.intervalS}:${copy}`;
        let b = out.get(key);
        if (b === undefined) out.set(key, (b = { p0: s.p0, p1: s.p1, segs: [], ids: new Set() }));
        if (b.ids.has(s.meterId)) continue;
        b.ids.add(s.meterId);
        b.segs.push(s);
        break;
      }
    }
    return out;
  }

  /** Check (a)'s other side: the store's own per-interval sums over the same meters and windows. */
  private async meterSums(segments: readonly MeterSegment[], d: SettlementDay): Promise<{ importWh: Float64Array; exportWh: Float64Array }> {
    const result = { importWh: new Float64Array(d.periods), exportWh: new Float64Array(d.periods) };
    for (const [which, code, into] of [['import', IMPORT, result.importWh], ['export', EXPORT, result.exportWh]] as const) {
      for (const b of SettlementService.batches(segments, which).values()) {
        const sum = await this.store.sumSeries(b.segs.map((s) => s.meterId), code, d.start + b.p0 * PERIOD_S, d.start + b.p1 * PERIOD_S);
        const per = PERIOD_S / sum.series.intervalS;
        const v = sum.series.values;
        for (let i = 0; i < v.length; i++) {
          const p = b.p0 + Math.floor(i / per);
          into[p] = into[p]! + v[i]!;
        }
      }
    }
    return result;
  }

  /** Check (b)'s other side: each meter's own local-day total from the store, cut to its assignment. */
  private async meterTotals(segments: readonly MeterSegment[], d: SettlementDay): Promise<Map<string, { importWh: number; exportWh: number }>> {
    const out = new Map<string, { importWh: number; exportWh: number }>();
    for (const [which, code] of [['import', IMPORT], ['export', EXPORT]] as const) {
      for (const b of SettlementService.batches(segments, which).values()) {
        const rows = await this.store.localTotals({
          meterIds: b.segs.map((s) => s.meterId), channel: code, from: d.start + b.p0 * PERIOD_S, to: d.start + b.p1 * PERIOD_S,
          zone: d.zone, period: 'day', groupBy: 'meter',
        });
        const byMeter = new Map<string, number>();
        // The window lies inside one local day: one row per meter (repeated if the meter is listed twice).
        for (const r of rows) byMeter.set(r.meterId, r.total);
        for (const s of b.segs) {
          const key = groupKey(s.market);
          let t = out.get(key);
          if (t === undefined) out.set(key, (t = { importWh: 0, exportWh: 0 }));
          const total = byMeter.get(s.meterId) ?? 0;
          if (which === 'import') t.importWh += total;
          else t.exportWh += total;
        }
      }
    }
    return out;
  }
}
