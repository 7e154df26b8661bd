import type Database from 'better-sqlite3';
import type { Obis } from '../../model/index.ts';
import { DAY_S } from '../../model/index.ts';
import type {
  ArrivalBlock, ArrivalInput, ExceptionFilter, ExceptionPatch, ExceptionStatus, Page, PageRequest, VeeEstimateRecord, VeeException, VeeFindingRecord, VeeRunRecord,
} from '../store.port.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

interface FindingRow { meter_id: string; channel: string; start: number; end: number; rule: string; severity: string; action: string; reason: number; message: string; details: string }
interface EstimateRow { meter_id: string; channel: string; start: number; end: number; method: string; method_flag: number; quality: string; reason: number; energy: number; triggers: string; inputs: string }
interface ExceptionRow { id: number; meter_id: string; channel: string; rule: string; severity: string; start: number; end: number; message: string; status: ExceptionStatus; assignee: string | null; created_at: number; updated_at: number }

const toFinding = (r: FindingRow): VeeFindingRecord => ({
  meterId: r.meter_id, channel: r.channel as Obis, start: r.start, end: r.end, rule: r.rule, severity: r.severity, action: r.action,
  reason: r.reason, message: r.message, details: JSON.parse(r.details) as Record<string, unknown>,
});
const toEstimate = (r: EstimateRow): VeeEstimateRecord => ({
  meterId: r.meter_id, channel: r.channel as Obis, start: r.start, end: r.end, method: r.method, methodFlag: r.method_flag, quality: r.quality,
  reason: r.reason, energy: r.energy, triggers: JSON.parse(r.triggers) as string[], inputs: JSON.parse(r.inputs) as Record<string, unknown>,
});
const toException = (r: ExceptionRow): VeeException => ({
  id: r.id, meterId: r.meter_id, channel: r.channel as Obis, rule: r.rule, severity: r.severity, start: r.start, end: r.end, message: r.message,
  status: r.status, ...(r.assignee !== null ? { assignee: r.assignee } : {}), createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Findings, estimate explanations, the exceptions queue and VEE job progress (migration 003). */
export class VeeTables {
  private readonly delFindings;
  private readonly delEstimates;
  private readonly putFinding;
  private readonly putEstimate;
  private readonly openException;
  private readonly findings;
  private readonly estimates;
  private readonly exceptionById;
  private readonly jobGet;
  private readonly jobPut;
  private readonly arrivalGet;
  private readonly arrivalPut;

  constructor(private readonly db: Database.Database) {
    this.delFindings = db.prepare('DELETE FROM vee_findings WHERE meter_id = ? AND channel = ? AND start >= ? AND start < ?');
    this.delEstimates = db.prepare('DELETE FROM vee_estimates WHERE meter_id = ? AND channel = ? AND start >= ? AND start < ?');
    this.putFinding = db.prepare(
      'INSERT INTO vee_findings (meter_id, channel, start, end, rule, severity, action, reason, message, details, rule_set, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.putEstimate = db.prepare(
      'INSERT INTO vee_estimates (meter_id, channel, start, end, method, method_flag, quality, reason, energy, triggers, inputs, rule_set, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.openException = db.prepare<unknown[], ExceptionRow>(
      `INSERT INTO vee_exceptions (meter_id, channel, rule, severity, start, end, message, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meter_id, channel, rule, start) DO NOTHING RETURNING *`,
    );
    this.findings = db.prepare<[string, string, number, number], FindingRow>('SELECT * FROM vee_findings WHERE meter_id = ? AND channel = ? AND start < ? AND end > ? ORDER BY start, id');
    this.estimates = db.prepare<[string, string, number, number], EstimateRow>('SELECT * FROM vee_estimates WHERE meter_id = ? AND channel = ? AND start < ? AND end > ? ORDER BY start, id');
    this.exceptionById = db.prepare<[number], ExceptionRow>('SELECT * FROM vee_exceptions WHERE id = ?');
    this.arrivalGet = db.prepare<[string, string, number], { interval_s: number; late: Buffer }>('SELECT interval_s, late FROM vee_arrivals WHERE meter_id = ? AND channel = ? AND day = ?');
    this.arrivalPut = db.prepare('INSERT INTO vee_arrivals (meter_id, channel, day, interval_s, late) VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id, channel, day) DO UPDATE SET late = excluded.late, interval_s = excluded.interval_s');
    this.jobGet = db.prepare<[string], string>('SELECT state FROM vee_jobs WHERE id = ?').pluck();
    this.jobPut = db.prepare('INSERT INTO vee_jobs (id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at');
  }

  recordRun(run: VeeRunRecord): VeeException[] {
    const { meterId, channel, from, to, at, ruleSet } = run;
    this.delFindings.run(meterId, channel, from, to);
    this.delEstimates.run(meterId, channel, from, to);
    for (const f of run.findings) {
      this.putFinding.run(meterId, channel, f.start, f.end, f.rule, f.severity, f.action, f.reason, f.message, JSON.stringify(f.details), ruleSet, at);
    }
    for (const e of run.estimates) {
      this.putEstimate.run(meterId, channel, e.start, e.end, e.method, e.methodFlag, e.quality, e.reason, e.energy, JSON.stringify(e.triggers), JSON.stringify(e.inputs), ruleSet, at);
    }
    const opened: VeeException[] = [];
    for (const f of run.findings) {
      if (f.action !== 'flag' && f.action !== 'invalidate') continue;
      const covered = f.action === 'invalidate' && run.estimates.some((e) => e.start <= f.start && e.end >= f.end);
      const row = this.openException.get(meterId, channel, f.rule, f.severity, f.start, f.end, f.message, covered ? 'estimated' : 'open', at, at);
      if (row !== undefined) opened.push(toException(row));
    }
    return opened;
  }

  listFindings(meterId: string, channel: Obis, from: number, to: number): VeeFindingRecord[] {
    return this.findings.all(meterId, channel, to, from).map(toFinding);
  }

  listEstimates(meterId: string, channel: Obis, from: number, to: number): VeeEstimateRecord[] {
    return this.estimates.all(meterId, channel, to, from).map(toEstimate);
  }

  listExceptions(filter: ExceptionFilter, page: PageRequest): Page<VeeException> {
    const limit = pageLimit(page.limit);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.rule !== undefined) { where.push('rule = ?'); args.push(filter.rule); }
    if (filter.status !== undefined) { where.push('status = ?'); args.push(filter.status); }
    if (filter.channel !== undefined) { where.push('channel = ?'); args.push(filter.channel); }
    if (filter.createdBefore !== undefined) { where.push('created_at <= ?'); args.push(filter.createdBefore); }
    if (filter.meterIds !== undefined) {
      if (filter.meterIds.length === 0) return { items: [], total: 0, next: null };
      // A JSON array parameter instead of one placeholder per meter: a feeder has thousands.
      where.push('meter_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.meterIds));
    }
    const cond = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM vee_exceptions ${cond ? `WHERE ${cond}` : ''}`).get(...args) as { n: number }).n;
    const after = page.cursor ? cursorNumber(page.cursor) : 0;
    const rows = this.db.prepare(`SELECT * FROM vee_exceptions WHERE ${cond ? `${cond} AND ` : ''}id > ? ORDER BY id LIMIT ?`).all(...args, after, limit + 1) as ExceptionRow[];
    return pageOf(rows, limit, total, toException, (r) => r.id);
  }

  getException(id: number): VeeException | undefined {
    const row = this.exceptionById.get(id);
    return row === undefined ? undefined : toException(row);
  }

  updateExceptions(ids: readonly number[], patch: ExceptionPatch, at: number): VeeException[] {
    const sets: string[] = ['updated_at = ?'];
    const args: (string | number | null)[] = [at];
    if (patch.status !== undefined) { sets.push('status = ?'); args.push(patch.status); }
    if (patch.assignee !== undefined) { sets.push('assignee = ?'); args.push(patch.assignee); }
    const update = this.db.prepare(`UPDATE vee_exceptions SET ${sets.join(', ')} WHERE id = ? RETURNING *`);
    const out: VeeException[] = [];
    for (const id of ids) {
      const row = update.get(...args, id) as ExceptionRow | undefined;
      if (row !== undefined) out.push(toException(row));
    }
    return out;
  }

  recordArrivals(items: readonly ArrivalInput[]): void {
    for (const a of items) {
      const perDay = DAY_S / a.intervalS;
      const g0 = a.start / a.intervalS;
      let i = 0;
      while (i < a.count) {
        const day = Math.floor((g0 + i) / perDay);
        const off = g0 + i - day * perDay;
        const len = Math.min(perDay - off, a.count - i);
        const row = this.arrivalGet.get(a.meterId, a.channel, day * DAY_S);
        const late = row && row.interval_s === a.intervalS
          ? new Uint16Array(row.late.buffer.slice(row.late.byteOffset, row.late.byteOffset + row.late.byteLength))
          : new Uint16Array(perDay);
        let changed = false;
        for (let k = 0; k < len; k++) {
          if (late[off + k] !== 0 || (a.present !== undefined && a.present[i + k] === 0)) continue;
          const end = (day * perDay + off + k + 1) * a.intervalS;
          late[off + k] = Math.min(65_535, Math.max(0, Math.ceil((a.receivedAt - end) / 60)) + 1);
          changed = true;
        }
        if (changed) this.arrivalPut.run(a.meterId, a.channel, day * DAY_S, a.intervalS, Buffer.from(late.buffer));
        i += len;
      }
    }
  }

  readArrivals(meterIds: readonly string[], channel: Obis, from: number, to: number): ArrivalBlock[] {
    const rows = this.db.prepare(
      'SELECT meter_id, day, interval_s, late FROM vee_arrivals WHERE meter_id IN (SELECT value FROM json_each(?)) AND channel = ? AND day < ? AND day + 86400 > ? ORDER BY meter_id, day',
    ).all(JSON.stringify(meterIds), channel, to, from) as { meter_id: string; day: number; interval_s: number; late: Buffer }[];
    return rows.map((r) => ({
      meterId: r.meter_id, channel, start: r.day, intervalS: r.interval_s,
      late: new Uint16Array(r.late.buffer.slice(r.late.byteOffset, r.late.byteOffset + r.late.byteLength)),
    }));
  }

  getJob(id: string): string | undefined {
    return this.jobGet.get(id);
  }

  putJob(id: string, state: string, at: number): void {
    this.jobPut.run(id, state, at);
  }
}
