import type Database from 'better-sqlite3';
import { QUALITY, qualityFlag, type MeterEvent, type Obis, type RegisterReading, obis } from '../../model/index.ts';
import type { Page, PageRequest, Reject, RejectFilter } from '../store.port.ts';
import { cursorNumber, cursorPair, pageLimit, pageOf } from '../common/paging.ts';

interface EventRow { id: number; meter_id: string; at: number; code: number; cim_type: string | null; details: string | null }
interface RejectRow {
  id: number; at: number; source: string; receipt_seq: number | null; position: number; meter_id: string | null; channel: string | null;
  code: string; reason: string; item: string;
}

const toEvent = (r: EventRow): MeterEvent => ({
  meterId: r.meter_id, at: r.at, code: r.code,
  ...(r.cim_type !== null ? { cimType: r.cim_type } : {}),
  ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
});

const toReject = (r: RejectRow): Reject => ({
  id: r.id, at: r.at, source: r.source, ...(r.receipt_seq !== null ? { receiptSeq: r.receipt_seq } : {}), position: r.position,
  ...(r.meter_id !== null ? { meterId: r.meter_id } : {}), ...(r.channel !== null ? { channel: r.channel } : {}),
  code: r.code, reason: r.reason, item: r.item,
});

/** Registers, events and rejects: ordinary rows. Registers and events are idempotent by key. */
export class RecordTables {
  private readonly putRegister;
  private readonly registers;
  private readonly putEvent;
  private readonly putReject;

  constructor(private readonly db: Database.Database) {
    this.putRegister = db.prepare(
      `INSERT INTO registers (meter_id, obis, at, value, quality) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (meter_id, obis, at) DO UPDATE SET value = excluded.value, quality = excluded.quality
       WHERE value IS NOT excluded.value OR quality IS NOT excluded.quality`,
    );
    this.registers = db.prepare<[string, string, number, number], { value: number; at: number; quality: number | null }>(
      'SELECT at, value, quality FROM registers WHERE meter_id = ? AND obis = ? AND at >= ? AND at < ? ORDER BY at',
    );
    this.putEvent = db.prepare('INSERT INTO events (meter_id, at, code, cim_type, details) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.putReject = db.prepare(
      'INSERT INTO rejects (at, source, receipt_seq, position, meter_id, channel, code, reason, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Returns how many readings were new or changed. */
  writeRegisters(readings: readonly RegisterReading[]): number {
    let n = 0;
    for (const r of readings) {
      const q = r.quality === undefined ? null : QUALITY[r.quality];
      n += this.putRegister.run(r.meterId, obis(r.channel), r.at, r.value, q).changes;
    }
    return n;
  }

  readRegisters(meterId: string, channel: Obis, from: number, to: number): RegisterReading[] {
    const code = obis(channel);
    return this.registers.all(meterId, code, from, to).map((r) => ({
      meterId, channel: code, at: r.at, value: r.value, ...(r.quality !== null ? { quality: qualityFlag(r.quality) } : {}),
    }));
  }

  /** Returns how many events were new (the same meter, time and code again is the same event). */
  writeEvents(events: readonly MeterEvent[]): number {
    let n = 0;
    for (const e of events) {
      n += this.putEvent.run(e.meterId, e.at, e.code, e.cimType ?? null, e.details === undefined ? null : JSON.stringify(e.details)).changes;
    }
    return n;
  }

  listEvents(meterId: string | undefined, from: number, to: number, page: PageRequest): Page<MeterEvent> {
    const limit = pageLimit(page.limit);
    const cond = `${meterId !== undefined ? 'meter_id = ? AND ' : ''}at >= ? AND at < ?`;
    const args: (string | number)[] = meterId !== undefined ? [meterId, from, to] : [from, to];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM events WHERE ${cond}`).get(...args) as { n: number }).n;
    const [at, id] = page.cursor ? cursorPair(page.cursor) : [Number.MIN_SAFE_INTEGER, 0];
    const rows = this.db.prepare(`SELECT * FROM events WHERE ${cond} AND (at > ? OR (at = ? AND id > ?)) ORDER BY at, id LIMIT ?`)
      .all(...args, at, at, id, limit + 1) as EventRow[];
    return pageOf(rows, limit, total, toEvent, (r) => [r.at, r.id]);
  }

  addRejects(rejects: readonly Reject[], receiptSeq?: number): void {
    for (const r of rejects) {
      this.putReject.run(r.at, r.source, receiptSeq ?? r.receiptSeq ?? null, r.position, r.meterId ?? null, r.channel ?? null, r.code, r.reason, r.item);
    }
  }

  listRejects(filter: RejectFilter, page: PageRequest): Page<Reject> {
    const limit = pageLimit(page.limit);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.source !== undefined) { where.push('source = ?'); args.push(filter.source); }
    if (filter.meterId !== undefined) { where.push('meter_id = ?'); args.push(filter.meterId); }
    if (filter.code !== undefined) { where.push('code = ?'); args.push(filter.code); }
    if (filter.since !== undefined) { where.push('at >= ?'); args.push(filter.since); }
    const cond = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM rejects ${cond ? `WHERE ${cond}` : ''}`).get(...args) as { n: number }).n;
    const after = page.cursor ? cursorNumber(page.cursor) : 0;
    const rows = this.db.prepare(`SELECT * FROM rejects WHERE ${cond ? `${cond} AND ` : ''}id > ? ORDER BY id LIMIT ?`).all(...args, after, limit + 1) as RejectRow[];
    return pageOf(rows, limit, total, toReject, (r) => r.id);
  }
}
