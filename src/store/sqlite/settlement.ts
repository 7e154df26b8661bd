import type Database from 'better-sqlite3';
import { MeterstackError } from '../../model/index.ts';
import type {
  Page, PageRequest, SettlementGroupRecord, SettlementPeriodRecord, SettlementRunFilter, SettlementRunHeader, SettlementRunRecord,
} from '../store.port.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

interface RunRow {
  seq: number; id: string; day: string; zone: string; run_no: number; at: number; actor: string;
  status: SettlementRunHeader['status']; consistent: number; summary: string; checks: string;
}
interface GroupRow { grp: number; grid_area: string; brp: string; supplier: string; metering_points: number; meters: number; export_meters: number }
type PeriodRow = [grp: number, position: number, start: number, importWh: number, exportWh: number, expected: number, actual: number, estimated: number, missing: number];

const toHeader = (r: RunRow): SettlementRunHeader => ({
  id: r.id, day: r.day, zone: r.zone, runNo: r.run_no, at: r.at, actor: r.actor, status: r.status, consistent: r.consistent === 1,
  summary: r.summary, checks: r.checks,
});

/** Settlement runs, their groups and per-period results (migration 005). */
export class SettlementTables {
  private readonly insertRun;
  private readonly insertGroup;
  private readonly insertPeriod;
  private readonly runById;
  private readonly groupsOf;
  private readonly periodsOf;

  constructor(private readonly db: Database.Database) {
    this.insertRun = db.prepare(
      `INSERT INTO settlement_runs (id, day, zone, run_no, at, actor, status, consistent, summary, checks)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertGroup = db.prepare(
      `INSERT INTO settlement_groups (run_seq, grp, grid_area, brp, supplier, metering_points, meters, export_meters)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertPeriod = db.prepare(
      `INSERT INTO settlement_periods (run_seq, grp, position, start, import_wh, export_wh, expected, actual, estimated, missing)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.runById = db.prepare<[string], RunRow>('SELECT * FROM settlement_runs WHERE id = ?');
    this.groupsOf = db.prepare<[number], GroupRow>('SELECT * FROM settlement_groups WHERE run_seq = ? ORDER BY grp');
    this.periodsOf = db.prepare<[number]>(
      `SELECT grp, position, start, import_wh, export_wh, expected, actual, estimated, missing
       FROM settlement_periods WHERE run_seq = ? ORDER BY grp, position`,
    ).raw();
  }

  /** Runs inside the store's transaction, so a run is stored whole or not at all. */
  insert(run: SettlementRunRecord): void {
    let seq: number;
    try {
      seq = Number(this.insertRun.run(run.id, run.day, run.zone, run.runNo, run.at, run.actor, run.status, run.consistent ? 1 : 0, run.summary, run.checks)
        .lastInsertRowid);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new MeterstackError('SETTLEMENT_RUN_EXISTS', `settlement run ${run.runNo} of ${run.day} in ${run.zone} (${run.id}) exists already`);
      }
      throw e;
    }
    run.groups.forEach((g, grp) => {
      this.insertGroup.run(seq, grp, g.gridArea, g.brp, g.supplier, g.meteringPoints, g.meters, g.exportMeters);
      for (const p of g.periods) {
        this.insertPeriod.run(seq, grp, p.position, p.start, p.importWh, p.exportWh, p.expected, p.actual, p.estimated, p.missing);
      }
    });
  }

  get(id: string): SettlementRunRecord | undefined {
    const r = this.runById.get(id);
    if (r === undefined) return undefined;
    const periods = new Map<number, SettlementPeriodRecord[]>();
    for (const [grp, position, start, importWh, exportWh, expected, actual, estimated, missing] of this.periodsOf.all(r.seq) as PeriodRow[]) {
      let list = periods.get(grp);
      if (list === undefined) periods.set(grp, (list = []));
      list.push({ position, start, importWh, exportWh, expected, actual, estimated, missing });
    }
    const groups: SettlementGroupRecord[] = this.groupsOf.all(r.seq).map((g) => ({
      gridArea: g.grid_area, brp: g.brp, supplier: g.supplier, meteringPoints: g.metering_points, meters: g.meters, exportMeters: g.export_meters,
      periods: periods.get(g.grp) ?? [],
    }));
    return { ...toHeader(r), groups };
  }

  list(f: SettlementRunFilter, page: PageRequest): Page<SettlementRunHeader> {
    const limit = pageLimit(page.limit);
    const parts: string[] = [];
    const args: (string | number)[] = [];
    if (f.day !== undefined) { parts.push('day = ?'); args.push(f.day); }
    if (f.zone !== undefined) { parts.push('zone = ?'); args.push(f.zone); }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM settlement_runs ${where}`).get(...args) as { n: number }).n;
    const before = page.cursor ? cursorNumber(page.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = this.db.prepare(`SELECT * FROM settlement_runs ${where ? `${where} AND` : 'WHERE'} seq < ? ORDER BY seq DESC LIMIT ?`)
      .all(...args, before, limit + 1) as RunRow[];
    return pageOf(rows, limit, total, toHeader, (r) => r.seq);
  }
}
