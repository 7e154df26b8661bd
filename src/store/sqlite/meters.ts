import type Database from 'better-sqlite3';
import type { Meter, Topology } from '../../model/index.ts';
import type { MeterFilter, Page, PageRequest } from '../store.port.ts';
import { cursorString, pageLimit, pageOf } from '../common/paging.ts';

/** Meters as JSON documents, with the columns filters need pulled out beside them. */
export class MeterTable {
  private readonly upsert;
  private readonly byId;
  private readonly upsertFeeder;
  private readonly upsertTransformer;
  private readonly feeders;
  private readonly transformers;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO meters (id, kind, status, feeder_id, transformer_id, tags, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, feeder_id = excluded.feeder_id,
         transformer_id = excluded.transformer_id, tags = excluded.tags, doc = excluded.doc`,
    );
    this.byId = db.prepare<[string], { doc: string }>('SELECT doc FROM meters WHERE id = ?');
    this.upsertFeeder = db.prepare(
      'INSERT INTO feeders (id, name, substation) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, substation = excluded.substation',
    );
    this.upsertTransformer = db.prepare(
      `INSERT INTO transformers (id, feeder_id, rating_kva, lat, lon) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET feeder_id = excluded.feeder_id, rating_kva = excluded.rating_kva, lat = excluded.lat, lon = excluded.lon`,
    );
    this.feeders = db.prepare<[], { id: string; name: string; substation: string | null }>('SELECT * FROM feeders ORDER BY id');
    this.transformers = db.prepare<[], { id: string; feeder_id: string; rating_kva: number; lat: number | null; lon: number | null }>('SELECT * FROM transformers ORDER BY id');
  }

  upsertAll(meters: readonly Meter[]): void {
    for (const m of meters) {
      this.upsert.run(m.id, m.kind, m.status, m.grid?.feederId ?? null, m.grid?.transformerId ?? null, JSON.stringify(m.tags ?? []), JSON.stringify(m));
    }
  }

  get(id: string): Meter | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : (JSON.parse(row.doc) as Meter);
  }

  private where(f: MeterFilter): { cond: string; args: string[] } {
    const parts: string[] = [];
    const args: string[] = [];
    if (f.feederId !== undefined) { parts.push('feeder_id = ?'); args.push(f.feederId); }
    if (f.transformerId !== undefined) { parts.push('transformer_id = ?'); args.push(f.transformerId); }
    if (f.kind !== undefined) { parts.push('kind = ?'); args.push(f.kind); }
    if (f.status !== undefined) { parts.push('status = ?'); args.push(f.status); }
    if (f.tag !== undefined) { parts.push('EXISTS (SELECT 1 FROM json_each(meters.tags) WHERE value = ?)'); args.push(f.tag); }
    if (f.q !== undefined && f.q !== '') { parts.push('instr(lower(id), lower(?)) > 0'); args.push(f.q); }
    return { cond: parts.join(' AND '), args };
  }

  list(filter: MeterFilter, page: PageRequest): Page<Meter> {
    const limit = pageLimit(page.limit);
    const { cond, args } = this.where(filter);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM meters ${cond ? `WHERE ${cond}` : ''}`).get(...args) as { n: number }).n;
    const after = page.cursor ? cursorString(page.cursor) : '';
    const rows = this.db.prepare(`SELECT id, doc FROM meters WHERE ${cond ? `${cond} AND ` : ''}id > ? ORDER BY id LIMIT ?`)
      .all(...args, after, limit + 1) as { id: string; doc: string }[];
    return pageOf(rows, limit, total, (r) => JSON.parse(r.doc) as Meter, (r) => r.id);
  }

  ids(filter: MeterFilter): string[] {
    const { cond, args } = this.where(filter);
    return this.db.prepare(`SELECT id FROM meters ${cond ? `WHERE ${cond}` : ''} ORDER BY id`).pluck().all(...args) as string[];
  }

  upsertTopology(t: Topology): void {
    for (const f of t.feeders) this.upsertFeeder.run(f.id, f.name, f.substation ?? null);
    for (const x of t.transformers) this.upsertTransformer.run(x.id, x.feederId, x.ratingKva, x.lat ?? null, x.lon ?? null);
  }

  topology(): Topology {
    return {
      feeders: this.feeders.all().map((f) => ({ id: f.id, name: f.name, ...(f.substation !== null ? { substation: f.substation } : {}) })),
      transformers: this.transformers.all().map((x) => ({
        id: x.id, feederId: x.feeder_id, ratingKva: x.rating_kva, ...(x.lat !== null ? { lat: x.lat } : {}), ...(x.lon !== null ? { lon: x.lon } : {}),
      })),
    };
  }
}
