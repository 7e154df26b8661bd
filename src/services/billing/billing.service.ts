import { DateTime } from 'luxon';
import {
  epochToIso, localDateStart, MeterstackError, QUALITY, zoneOffsetAt,
  type Account, type EpochSeconds,
} from '../../model/index.ts';
import type { BillRecord, Page, PageRequest, Store } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import { buildGrid, type BillGrid } from '../tariffs/calendar.ts';
import { priceBill, type BillLine } from '../tariffs/charges.ts';
import { determinants } from '../tariffs/determinants.ts';
import { formatMicro } from '../tariffs/money.ts';
import type { TariffsService } from '../tariffs/tariffs.service.ts';
import { readAccountData, type AccountData, type DataPorts } from './account-data.ts';
import { billDifference, billDocument, type BillDocument, type LineDifference } from './bill.ts';

export interface BillView {
  readonly id: number;
  readonly accountId: string;
  readonly revision: number;
  readonly runId?: string;
  readonly createdAt: string;
  readonly bill: BillDocument;
  /** Against the previous revision of the same account and period (a re-bill after a correction). */
  readonly previous?: { readonly id: number; readonly revision: number; readonly total: string };
  readonly difference?: { readonly total: string; readonly lines: readonly LineDifference[] };
}

export interface LineExplanation {
  readonly bill: number;
  readonly line: BillLine;
  /** What the line counted, each item with its local time, value and quality. */
  readonly items: readonly { start: string; end: string; kwh?: string; kw?: string; quality?: string; price?: string }[];
  /** Sum of the items in the line's unit, and whether it equals the line's quantity. */
  readonly sum: string;
  readonly reconciles: boolean;
  readonly note: string;
}

type BillingPorts = DataPorts & Pick<Store, 'getAccount' | 'insertBill' | 'getBill' | 'listBills' | 'lastBillRevision' | 'appendAudit'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;
const FLAGS = ['A', 'S', 'E', 'F', 'N', 'V'] as const;

/** The bill of one account for one period: computed from stored data, stored as an immutable revision. */
export class BillingService {
  constructor(private readonly store: BillingPorts, private readonly tariffs: TariffsService, private readonly now: Clock) {}

  private async account(id: string): Promise<Account> {
    const a = await this.store.getAccount(id);
    if (!a) throw new MeterstackError('ACCOUNT_NOT_FOUND', `no account "${id}"`);
    return a;
  }

  private range(account: Account, fromDate: string, toDate: string): { from: EpochSeconds; to: EpochSeconds } {
    if (!DATE.test(fromDate) || !DATE.test(toDate)) throw new MeterstackError('BILL_PERIOD_INVALID', `bill period must be local dates YYYY-MM-DD, not "${fromDate}".."${toDate}"`);
    let from: number, to: number;
    try {
      from = localDateStart(fromDate, account.timeZone);
      to = localDateStart(toDate, account.timeZone);
    } catch (e) {
      throw new MeterstackError('BILL_PERIOD_INVALID', (e as Error).message);
    }
    if (to <= from) throw new MeterstackError('BILL_PERIOD_INVALID', `bill period ${fromDate}..${toDate}: the end date is exclusive and must be after the start`);
    if (to - from > MAX_DAYS * 86_400 + 7200) throw new MeterstackError('BILL_PERIOD_INVALID', `bill period ${fromDate}..${toDate} is longer than ${MAX_DAYS} days`);
    return { from, to };
  }

  /** Month peaks (W) of the 11 months before `from`, from stored data, for rolling capacity charges. */
  private async capacityHistory(account: Account, from: EpochSeconds, grid: BillGrid, asOf?: EpochSeconds): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const needs = grid.versions.some((v) => v.tariff.charges.some((c) => c.type === 'capacity' && c.basis === 'rolling-12'));
    if (!needs) return out;
    const start = DateTime.fromSeconds(from, { zone: account.timeZone }).startOf('month').minus({ months: 11 }).toSeconds();
    if (start >= from) return out;
    let data: AccountData;
    try {
      data = await readAccountData(this.store, account.id, start, from, asOf === undefined ? {} : { asOf });
    } catch (e) {
      if (e instanceof MeterstackError && e.code === 'BILL_NO_DATA') return out;
      throw e;
    }
    const toW = 3600 / data.stepS;
    for (let i = 0; i < data.imp.values.length; i++) {
      if (data.imp.quality[i] === QUALITY.N) continue;
      const t = start + i * data.stepS;
      const month = new Date((t + zoneOffsetAt(t, account.timeZone).offset * 60) * 1000).toISOString().slice(0, 7);
      const w = Math.round(data.imp.values[i]! * toW);
      if (w > (out.get(month) ?? -1)) out.set(month, w);
    }
    return out;
  }

  /** Compute (without storing) the bill of an account for local dates [fromDate, toDate). */
  async compute(accountId: string, fromDate: string, toDate: string, opts: { asOf?: EpochSeconds } = {}): Promise<{ doc: BillDocument; totalMicro: number; grid: BillGrid; data: AccountData }> {
    const account = await this.account(accountId);
    const { from, to } = this.range(account, fromDate, toDate);
    const asOf = opts.asOf ?? this.now();
    const data = await readAccountData(this.store, account.id, from, to, { ...(opts.asOf !== undefined ? { asOf } : {}), registers: true });
    const { versions, fingerprints } = await this.tariffs.parsedVersions(account.tariffId);
    const grid = buildGrid(versions, account.timeZone, from, to, data.stepS);
    const det = determinants(grid, data.imp, data.exp);
    const prices = await this.tariffs.pricesFor(grid.versions.map((v) => v.tariff), from, data.stepS, grid.n);
    const history = await this.capacityHistory(account, from, grid, opts.asOf);
    const lines = priceBill(grid, det, {
      imp: data.imp, ...(data.exp ? { exp: data.exp } : {}), prices, capacityHistory: history, capacityExempt: account.capacityExempt === true,
    });
    const { doc, totalMicro } = billDocument({ account, fromDate, toDate, grid, det, data, lines, fingerprints, asOf });
    return { doc, totalMicro, grid, data };
  }

  /** Compute and store the next revision; against an earlier one, the difference is part of the answer. */
  async bill(accountId: string, fromDate: string, toDate: string, actor: string, runId?: string): Promise<BillView> {
    const asOf = this.now();
    const { doc, totalMicro } = await this.compute(accountId, fromDate, toDate, { asOf });
    const prev = await this.store.lastBillRevision(accountId, fromDate, toDate);
    const rec = await this.store.insertBill({
      accountId, periodFrom: fromDate, periodTo: toDate, revision: (prev?.revision ?? 0) + 1, asOf, ...(runId ? { runId } : {}),
      total: totalMicro, doc: JSON.stringify(doc), createdAt: this.now(),
    });
    await this.store.appendAudit([{
      at: this.now(), actor, action: prev ? 'bill.rebill' : 'bill.create', object: `bill:${rec.id}`,
      details: { accountId, period: `${fromDate}..${toDate}`, revision: rec.revision, total: doc.total, ...(runId ? { runId } : {}) },
    }]);
    return this.view(rec, prev);
  }

  private view(rec: BillRecord, prev?: BillRecord): BillView {
    const bill = JSON.parse(rec.doc) as BillDocument;
    const base = { id: rec.id!, accountId: rec.accountId, revision: rec.revision, ...(rec.runId ? { runId: rec.runId } : {}), createdAt: epochToIso(rec.createdAt), bill };
    if (!prev) return base;
    const before = JSON.parse(prev.doc) as BillDocument;
    return { ...base, previous: { id: prev.id!, revision: prev.revision, total: before.total }, difference: billDifference(before.lines, bill.lines) };
  }

  async get(id: number): Promise<BillView> {
    const rec = await this.store.getBill(id);
    if (!rec) throw new MeterstackError('BILL_NOT_FOUND', `no bill ${id}`);
    let prev: BillRecord | undefined;
    if (rec.revision > 1) {
      const all = await this.store.listBills({ accountId: rec.accountId }, { limit: 1000 });
      prev = all.items.find((b) => b.periodFrom === rec.periodFrom && b.periodTo === rec.periodTo && b.revision === rec.revision - 1);
    }
    return this.view(rec, prev);
  }

  async list(filter: { accountId?: string; runId?: string }, page: PageRequest): Promise<Page<{ id: number; accountId: string; periodFrom: string; periodTo: string; revision: number; total: string; createdAt: string; runId?: string }>> {
    const p = await this.store.listBills(filter, page);
    return {
      ...p,
      items: p.items.map((b) => ({
        id: b.id!, accountId: b.accountId, periodFrom: b.periodFrom, periodTo: b.periodTo, revision: b.revision,
        total: formatMicro(b.total), createdAt: epochToIso(b.createdAt), ...(b.runId ? { runId: b.runId } : {}),
      })),
    };
  }

  /** Recompute a stored bill from the data as it was at its `asOf`: the same inputs must give the same bill. */
  async reproduce(id: number): Promise<{ identical: boolean; sameData: boolean; stored: string; recomputed: string }> {
    const rec = await this.store.getBill(id);
    if (!rec) throw new MeterstackError('BILL_NOT_FOUND', `no bill ${id}`);
    const stored = JSON.parse(rec.doc) as BillDocument;
    const { doc } = await this.compute(rec.accountId, rec.periodFrom, rec.periodTo, { asOf: rec.asOf });
    return {
      identical: JSON.stringify(doc.lines) === JSON.stringify(stored.lines) && doc.total === stored.total,
      sameData: doc.dataFingerprint === stored.dataFingerprint, stored: stored.total, recomputed: doc.total,
    };
  }

  /** The intervals (or days, or peaks) behind one line, read as of the bill's `asOf`. */
  async explain(id: number, n: number): Promise<LineExplanation> {
    const rec = await this.store.getBill(id);
    if (!rec) throw new MeterstackError('BILL_NOT_FOUND', `no bill ${id}`);
    const stored = JSON.parse(rec.doc) as BillDocument;
    const line = stored.lines.find((l) => l.n === n);
    if (!line) throw new MeterstackError('BILL_NOT_FOUND', `bill ${id} has no line ${n} (it has ${stored.lines.length})`);
    const { grid, data } = await this.compute(rec.accountId, rec.periodFrom, rec.periodTo, { asOf: rec.asOf });
    const zone = stored.account.timeZone;
    const v = grid.versions.findIndex((gv) => gv.version === line.version && gv.from === line.from);
    const iso = (t: number): string => epochToIso(t, zone);
    if (line.type === 'standing') {
      const days = grid.days.filter((d) => d.version === v);
      return { bill: id, line, items: days.map((d) => ({ start: iso(d.start), end: iso(d.end) })), sum: String(days.length), reconciles: String(days.length) === line.quantity, note: 'each local day of the tariff version in the bill period' };
    }
    if (line.type === 'vat') {
      const base = stored.lines.filter((l) => l.n < line.n && l.version === line.version && l.from === line.from);
      const sum = base.reduce((a, l) => a + l.amount, 0);
      return { bill: id, line, items: base.map((l) => ({ start: l.from, end: l.to, price: formatMicro(l.amount) })), sum: formatMicro(sum), reconciles: formatMicro(sum) === line.quantity, note: 'the lines before the VAT line for the same tariff version' };
    }
    if (line.type === 'capacity') {
      const m = grid.months.findIndex((x) => x.month === line.month);
      let best = -1;
      for (let i = 0; i < grid.n; i++) if (grid.month[i] === m && data.imp.quality[i] !== QUALITY.N && (best < 0 || data.imp.values[i]! > data.imp.values[best]!)) best = i;
      const items = best < 0 ? [] : [{ start: iso(grid.from + best * grid.stepS), end: iso(grid.from + (best + 1) * grid.stepS), kwh: formatMicro(data.imp.values[best]! * 1000, 3), kw: formatMicro(Math.round(data.imp.values[best]! * 3600 / grid.stepS) * 1000, 3), quality: FLAGS[data.imp.quality[best]!]! }];
      return { bill: id, line, items, sum: items[0]?.kw ?? '0', reconciles: true, note: `the highest quarter-hour of ${line.month} in this bill; the billed kW is ${line.explain}` };
    }
    const credit = line.type === 'export';
    const series = credit ? data.exp : data.imp;
    const pIndex = line.period === undefined ? -1 : grid.versions[v]!.tariff.periods.findIndex((p) => p.id === line.period);
    const items: LineExplanation['items'][number][] = [];
    let wh = 0;
    if (series) {
      for (let i = 0; i < grid.n; i++) {
        if (grid.version[i] !== v || (pIndex >= 0 && grid.period[i] !== pIndex)) continue;
        const q = series.quality[i]!;
        if (q !== QUALITY.N) wh += series.values[i]!;
        items.push({ start: iso(grid.from + i * grid.stepS), end: iso(grid.from + (i + 1) * grid.stepS), kwh: formatMicro(series.values[i]! * 1000, 3), quality: FLAGS[q]! });
      }
    }
    const sum = formatMicro(Math.round(wh * 1000), 3);
    const netted = grid.versions[v]!.tariff.netMetering;
    return {
      bill: id, line, items, sum,
      reconciles: line.type === 'tiered' || netted ? true : sum === line.quantity,
      note: line.type === 'tiered' ? 'every interval of the tariff version; the blocks split their total by the daily allowances'
        : netted ? 'the intervals of this period; the line counts them after netting export against import'
          : `every ${credit ? 'export' : 'import'} interval the line counted (N = missing, not priced)`,
    };
  }
}
