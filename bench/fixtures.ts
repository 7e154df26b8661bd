import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { createFleet, FleetSimulator, type SimOutput } from '../src/sim/index.ts';
import { DAY_S, type IntervalSeries } from '../src/model/index.ts';

export function tempDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `meterstack-bench-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Size of a SQLite database with its WAL, after the store has been closed (close checkpoints). */
export function dbBytes(path: string): number {
  return [path, `${path}-wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
}

/** Realistic interval data: the simulated fleet's days (import, export for PV homes, voltages). */
export function simDays(meters: number, days: number, firstDay = Date.UTC(2026, 0, 5) / 1000): { fleet: ReturnType<typeof createFleet>; days: SimOutput[] } {
  const fleet = createFleet({ seed: 7, meters });
  const sim = new FleetSimulator(fleet);
  const out: SimOutput[] = [];
  for (let d = 0; d < days; d++) out.push(sim.generateDay(firstDay + d * DAY_S));
  return { fleet, days: out };
}

export const readingsIn = (series: readonly IntervalSeries[]): number => series.reduce((n, s) => n + s.values.length, 0);

/**
 * The naive idempotent design the block store is measured against: one row per reading with
 * PRIMARY KEY(meter, channel, time), INSERT OR IGNORE, same pragmas and transaction sizes.
 * `keys: 'text'` is that design literally (meter id and OBIS code as text); `keys: 'int'` maps them
 * to small integers first, which flatters it.
 */
export class RowStore {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly ids = new Map<string, number>();

  constructor(readonly path: string, private readonly keys: 'int' | 'text' = 'int') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    const type = keys === 'int' ? 'INTEGER' : 'TEXT';
    this.db.exec(`CREATE TABLE IF NOT EXISTS reading (meter ${type} NOT NULL, channel ${type} NOT NULL, t INTEGER NOT NULL, value INTEGER NOT NULL, quality INTEGER NOT NULL, PRIMARY KEY (meter, channel, t)) WITHOUT ROWID`);
    this.insert = this.db.prepare('INSERT OR IGNORE INTO reading (meter, channel, t, value, quality) VALUES (?, ?, ?, ?, ?)');
  }

  id(key: string): number | string {
    if (this.keys === 'text') return key;
    let v = this.ids.get(key);
    if (v === undefined) { v = this.ids.size + 1; this.ids.set(key, v); }
    return v;
  }

  writeSeries(batch: readonly IntervalSeries[]): void {
    this.db.transaction(() => {
      for (const s of batch) {
        const m = this.id(s.meterId);
        const c = this.id(s.channel);
        for (let i = 0; i < s.values.length; i++) this.insert.run(m, c, s.start + (i + 1) * s.intervalS, s.values[i], s.quality[i]);
      }
    })();
  }

  close(): void {
    this.db.close();
  }
}
