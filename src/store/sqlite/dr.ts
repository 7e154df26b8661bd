import type Database from 'better-sqlite3';
import type {
  DrDeliveryRecord, DrEventFilter, DrEventRecord, DrPerformanceRecord, DrResponseRecord, DrTargetRecord,
} from '../dr.port.ts';
import type { Page, PageRequest } from '../store.port.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

interface ResponseRow { event_id: string; premise: string; acknowledged_at: number | null; opted_out_at: number | null; actor: string; at: number }
interface DeliveryRow { event_id: string; meter_id: string; status: DrDeliveryRecord['status']; at: number; detail: string | null }

/** Peak events and what hangs off them (migration 009). */
export class DrTables {
  private readonly put;
  private readonly get;
  constructor(private readonly db: Database.Database) {
    this.put = db.prepare('INSERT OR REPLACE INTO dr_events (id, start, "end", external_key, doc) VALUES (?, ?, ?, ?, ?)');
    this.get = db.prepare<[string], { doc: string }>('SELECT doc FROM dr_events WHERE id = ?');
  }

  putEvent(e: DrEventRecord): void {
    this.put.run(e.id, e.start, e.end, e.externalKey ?? null, JSON.stringify(e));
  }

  getEvent(id: string): DrEventRecord | undefined {
    const r = this.get.get(id);
    return r ? (JSON.parse(r.doc) as DrEventRecord) : undefined;
  }

  listEvents(f: DrEventFilter, page: PageRequest): Page<DrEventRecord> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.premise !== undefined) { where.push('id IN (SELECT event_id FROM dr_targets WHERE premise = ?)'); args.push(f.premise); }
    if (f.externalKey !== undefined) { where.push('external_key = ?'); args.push(f.externalKey); }
    if (f.from !== undefined) { where.push('"end" > ?'); args.push(f.from); }
    if (f.to !== undefined) { where.push('start < ?'); args.push(f.to); }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM dr_events ${w}`).get(...args) as { n: number }).n;
    const limit = pageLimit(page.limit);
    const offset = page.cursor ? cursorNumber(page.cursor) : 0;
    const rows = this.db.prepare(`SELECT doc FROM dr_events ${w} ORDER BY start DESC, id LIMIT ? OFFSET ?`).all(...args, limit + 1, offset) as { doc: string }[];
    return pageOf(rows, limit, total, (r) => JSON.parse(r.doc) as DrEventRecord, () => offset + limit);
  }

  putTargets(eventId: string, targets: readonly DrTargetRecord[]): void {
    this.db.prepare('DELETE FROM dr_targets WHERE event_id = ?').run(eventId);
    const ins = this.db.prepare('INSERT OR REPLACE INTO dr_targets (event_id, meter_id, premise) VALUES (?, ?, ?)');
    for (const t of targets) ins.run(eventId, t.meterId, t.premise);
  }

  listTargets(eventId: string): DrTargetRecord[] {
    return (this.db.prepare('SELECT meter_id, premise FROM dr_targets WHERE event_id = ? ORDER BY meter_id').all(eventId) as { meter_id: string; premise: string | null }[])
      .map((r) => ({ meterId: r.meter_id, premise: r.premise }));
  }

  putResponse(r: DrResponseRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO dr_responses (event_id, premise, acknowledged_at, opted_out_at, actor, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.eventId, r.premise, r.acknowledgedAt ?? null, r.optedOutAt ?? null, r.actor, r.at);
  }

  listResponses(eventId: string): DrResponseRecord[] {
    return (this.db.prepare('SELECT * FROM dr_responses WHERE event_id = ? ORDER BY premise').all(eventId) as ResponseRow[]).map((r) => ({
      eventId: r.event_id, premise: r.premise, actor: r.actor, at: r.at,
      ...(r.acknowledged_at !== null ? { acknowledgedAt: r.acknowledged_at } : {}),
      ...(r.opted_out_at !== null ? { optedOutAt: r.opted_out_at } : {}),
    }));
  }

  putDeliveries(rows: readonly DrDeliveryRecord[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO dr_deliveries (event_id, meter_id, status, at, detail) VALUES (?, ?, ?, ?, ?)');
    for (const d of rows) ins.run(d.eventId, d.meterId, d.status, d.at, d.detail ?? null);
  }

  listDeliveries(eventId: string): DrDeliveryRecord[] {
    return (this.db.prepare('SELECT * FROM dr_deliveries WHERE event_id = ? ORDER BY meter_id').all(eventId) as DeliveryRow[]).map((r) => ({
      eventId: r.event_id, meterId: r.meter_id, status: r.status, at: r.at, ...(r.detail !== null ? { detail: r.detail } : {}),
    }));
  }

  putPerformance(eventId: string, rows: readonly DrPerformanceRecord[]): void {
    this.db.prepare('DELETE FROM dr_performance WHERE event_id = ?').run(eventId);
    const ins = this.db.prepare('INSERT INTO dr_performance (event_id, premise, doc) VALUES (?, ?, ?)');
    for (const p of rows) ins.run(eventId, p.premise, JSON.stringify({ ...p, eventId }));
  }

  listPerformance(eventId: string): DrPerformanceRecord[] {
    return (this.db.prepare('SELECT doc FROM dr_performance WHERE event_id = ? ORDER BY premise').all(eventId) as { doc: string }[])
      .map((r) => JSON.parse(r.doc) as DrPerformanceRecord);
  }
}
