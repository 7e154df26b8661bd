import type Database from 'better-sqlite3';
import { MeterstackError, type Account, type EpochSeconds, type MeterAssignment } from '../../model/index.ts';
import type {
  AccountFilter, BillFilter, BillingRunRecord, BillRecord, Page, PageRequest, PricePoint, TariffVersionRecord,
} from '../store.port.ts';
import { cursorNumber, cursorString, pageLimit, pageOf } from '../common/paging.ts';

interface AccountRow {
  id: string; name: string; premise: string | null; time_zone: string; tariff_id: string; cycle_day: number;
  supplier: string; brp: string; grid_area: string; capacity_exempt: number; created_at: number;
}
interface BillRow {
  id: number; account_id: string; period_from: string; period_to: string; revision: number; as_of: number;
  run_id: string | null; total: number; doc: string; created_at: number;
}
interface RunRow {
  id: string; cycle_day: number; period: string; status: BillingRunRecord['status']; total: number; done: number; failed: number;
  started_at: number; finished_at: number | null; actor: string; summary: string;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id, name: r.name, ...(r.premise !== null ? { premise: r.premise } : {}), timeZone: r.time_zone, tariffId: r.tariff_id,
  cycleDay: r.cycle_day, market: { supplier: r.supplier, brp: r.brp, gridArea: r.grid_area },
  ...(r.capacity_exempt ? { capacityExempt: true } : {}), createdAt: r.created_at,
});
const toBill = (r: BillRow): BillRecord => ({
  id: r.id, accountId: r.account_id, periodFrom: r.period_from, periodTo: r.period_to, revision: r.revision, asOf: r.as_of,
  ...(r.run_id !== null ? { runId: r.run_id } : {}), total: r.total, doc: r.doc, createdAt: r.created_at,
});
const toRun = (r: RunRow): BillingRunRecord => ({
  id: r.id, cycleDay: r.cycle_day, period: r.period, status: r.status, total: r.total, done: r.done, failed: r.failed,
  startedAt: r.started_at, ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}), actor: r.actor, summary: r.summary,
});

/** Accounts, tariff versions, price feeds, bills and billing runs (migration 004). */
export class BillingTables {
  private readonly upsertAccount;
  private readonly accountById;
  private readonly putAssignment;
  private readonly insertTariff;
  private readonly tariffVersions;
  private readonly tariffs;
  private readonly putPrice;
  private readonly prices;
  private readonly insertBillRow;
  private readonly billById;
  private readonly lastRevision;
  private readonly upsertRun;
  private readonly runById;

  constructor(private readonly db: Database.Database) {
    this.upsertAccount = db.prepare(
      `INSERT INTO accounts (id, name, premise, time_zone, tariff_id, cycle_day, supplier, brp, grid_area, capacity_exempt, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, premise = excluded.premise, time_zone = excluded.time_zone,
         tariff_id = excluded.tariff_id, cycle_day = excluded.cycle_day, supplier = excluded.supplier, brp = excluded.brp,
         grid_area = excluded.grid_area, capacity_exempt = excluded.capacity_exempt`,
    );
    this.accountById = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?');
    this.putAssignment = db.prepare(
      `INSERT INTO account_meters (account_id, meter_id, from_t, to_t) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, meter_id, from_t) DO UPDATE SET to_t = excluded.to_t`,
    );
    this.insertTariff = db.prepare(
      'INSERT INTO tariff_versions (id, version, effective_from, doc, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.tariffVersions = db.prepare<[string], { id: string; version: number; effective_from: string; doc: string; created_at: number; created_by: string }>(
      'SELECT * FROM tariff_versions WHERE id = ? ORDER BY version',
    );
    this.tariffs = db.prepare<[], { id: string; version: number; effective_from: string }>(
      `SELECT t.id, t.version, t.effective_from FROM tariff_versions t
       WHERE t.version = (SELECT max(version) FROM tariff_versions u WHERE u.id = t.id) ORDER BY t.id`,
    );
    this.putPrice = db.prepare('INSERT OR REPLACE INTO prices (feed, start, interval_s, price) VALUES (?, ?, ?, ?)');
    this.prices = db.prepare<[string, number, number], { start: number; interval_s: number; price: number }>(
      'SELECT start, interval_s, price FROM prices WHERE feed = ? AND start >= ? AND start < ? ORDER BY start',
    );
    this.insertBillRow = db.prepare(
      `INSERT INTO bills (account_id, period_from, period_to, revision, as_of, run_id, total, doc, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.billById = db.prepare<[number], BillRow>('SELECT * FROM bills WHERE id = ?');
    this.lastRevision = db.prepare<[string, string, string], BillRow>(
      'SELECT * FROM bills WHERE account_id = ? AND period_from = ? AND period_to = ? ORDER BY revision DESC LIMIT 1',
    );
    this.upsertRun = db.prepare(
      `INSERT INTO billing_runs (id, cycle_day, period, status, total, done, failed, started_at, finished_at, actor, summary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, total = excluded.total, done = excluded.done,
         failed = excluded.failed, finished_at = excluded.finished_at, summary = excluded.summary`,
    );
    this.runById = db.prepare<[string], RunRow>('SELECT * FROM billing_runs WHERE id = ?');
  }

  upsertAccounts(accounts: readonly Account[]): void {
    for (const a of accounts) {
      this.upsertAccount.run(a.id, a.name, a.premise ?? null, a.timeZone, a.tariffId, a.cycleDay, a.market.supplier, a.market.brp,
        a.market.gridArea, a.capacityExempt ? 1 : 0, a.createdAt);
    }
  }

  getAccount(id: string): Account | undefined {
    const r = this.accountById.get(id);
    return r === undefined ? undefined : toAccount(r);
  }

  listAccounts(f: AccountFilter, page: PageRequest): Page<Account> {
    const limit = pageLimit(page.limit);
    const parts: string[] = [];
    const args: (string | number)[] = [];
    if (f.cycleDay !== undefined) { parts.push('cycle_day = ?'); args.push(f.cycleDay); }
    if (f.premise !== undefined) { parts.push('premise = ?'); args.push(f.premise); }
    if (f.tariffId !== undefined) { parts.push('tariff_id = ?'); args.push(f.tariffId); }
    if (f.gridArea !== undefined) { parts.push('grid_area = ?'); args.push(f.gridArea); }
    if (f.q !== undefined && f.q !== '') { parts.push('(instr(lower(id), lower(?)) > 0 OR instr(lower(name), lower(?)) > 0)'); args.push(f.q, f.q); }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM accounts ${where}`).get(...args) as { n: number }).n;
    const after = page.cursor ? cursorString(page.cursor) : '';
    const rows = this.db.prepare(`SELECT * FROM accounts ${where ? `${where} AND` : 'WHERE'} id > ? ORDER BY id LIMIT ?`)
      .all(...args, after, limit + 1) as AccountRow[];
    return pageOf(rows, limit, total, toAccount, (r) => r.id);
  }

  putAssignments(rows: readonly MeterAssignment[]): void {
    for (const r of rows) {
      if (r.to !== undefined && r.to <= r.from) {
        throw new MeterstackError('ACCOUNT_INVALID', `meter ${r.meterId} would serve account ${r.accountId} for an empty period`);
      }
      this.putAssignment.run(r.accountId, r.meterId, r.from, r.to ?? null);
    }
  }

  listAssignments(accountId: string | undefined, from: EpochSeconds, to: EpochSeconds): MeterAssignment[] {
    const rows = this.db.prepare(
      `SELECT account_id, meter_id, from_t, to_t FROM account_meters
       WHERE ${accountId === undefined ? '' : 'account_id = ? AND'} from_t < ? AND (to_t IS NULL OR to_t > ?)
       ORDER BY account_id, from_t, meter_id`,
    ).all(...(accountId === undefined ? [] : [accountId]), to, from) as { account_id: string; meter_id: string; from_t: number; to_t: number | null }[];
    return rows.map((r) => ({ accountId: r.account_id, meterId: r.meter_id, from: r.from_t, ...(r.to_t !== null ? { to: r.to_t } : {}) }));
  }

  putTariffVersion(v: TariffVersionRecord): void {
    try {
      this.insertTariff.run(v.id, v.version, v.effectiveFrom, v.doc, v.createdAt, v.createdBy);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new MeterstackError('TARIFF_VERSION_EXISTS', `tariff ${v.id} already has a version ${v.version}; versions are immutable, add the next one`);
      }
      throw e;
    }
  }

  listTariffVersions(id: string): TariffVersionRecord[] {
    return this.tariffVersions.all(id).map((r) => ({
      id: r.id, version: r.version, effectiveFrom: r.effective_from, doc: r.doc, createdAt: r.created_at, createdBy: r.created_by,
    }));
  }

  listTariffs(): { id: string; version: number; effectiveFrom: string }[] {
    return this.tariffs.all().map((r) => ({ id: r.id, version: r.version, effectiveFrom: r.effective_from }));
  }

  putPrices(feed: string, points: readonly PricePoint[]): number {
    for (const p of points) this.putPrice.run(feed, p.start, p.intervalS, p.price);
    return points.length;
  }

  readPrices(feed: string, from: EpochSeconds, to: EpochSeconds): PricePoint[] {
    return this.prices.all(feed, from, to).map((r) => ({ start: r.start, intervalS: r.interval_s, price: r.price }));
  }

  insertBill(b: BillRecord): BillRecord {
    try {
      const info = this.insertBillRow.run(b.accountId, b.periodFrom, b.periodTo, b.revision, b.asOf, b.runId ?? null, b.total, b.doc, b.createdAt);
      return { ...b, id: Number(info.lastInsertRowid) };
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new MeterstackError('BILL_REVISION_EXISTS', `account ${b.accountId} already has revision ${b.revision} for ${b.periodFrom}..${b.periodTo}`);
      }
      throw e;
    }
  }

  getBill(id: number): BillRecord | undefined {
    const r = this.billById.get(id);
    return r === undefined ? undefined : toBill(r);
  }

  lastBill(accountId: string, periodFrom: string, periodTo: string): BillRecord | undefined {
    const r = this.lastRevision.get(accountId, periodFrom, periodTo);
    return r === undefined ? undefined : toBill(r);
  }

  listBills(f: BillFilter, page: PageRequest): Page<BillRecord> {
    const limit = pageLimit(page.limit);
    const parts: string[] = [];
    const args: (string | number)[] = [];
    if (f.accountId !== undefined) { parts.push('account_id = ?'); args.push(f.accountId); }
    if (f.runId !== undefined) { parts.push('run_id = ?'); args.push(f.runId); }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM bills ${where}`).get(...args) as { n: number }).n;
    const before = page.cursor ? cursorNumber(page.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = this.db.prepare(`SELECT * FROM bills ${where ? `${where} AND` : 'WHERE'} id < ? ORDER BY id DESC LIMIT ?`)
      .all(...args, before, limit + 1) as BillRow[];
    return pageOf(rows, limit, total, toBill, (r) => r.id);
  }

  putRun(r: BillingRunRecord): void {
    this.upsertRun.run(r.id, r.cycleDay, r.period, r.status, r.total, r.done, r.failed, r.startedAt, r.finishedAt ?? null, r.actor, r.summary);
  }

  getRun(id: string): BillingRunRecord | undefined {
    const r = this.runById.get(id);
    return r === undefined ? undefined : toRun(r);
  }

  listRuns(page: PageRequest): Page<BillingRunRecord> {
    const limit = pageLimit(page.limit);
    const total = (this.db.prepare('SELECT count(*) AS n FROM billing_runs').get() as { n: number }).n;
    const before = page.cursor ? cursorString(page.cursor) : '\uffff';
    const rows = this.db.prepare('SELECT * FROM billing_runs WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit + 1) as RunRow[];
    return pageOf(rows, limit, total, toRun, (r) => r.id);
  }
}
