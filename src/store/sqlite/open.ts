import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EpochSeconds } from '../../model/index.ts';
import type { Store } from '../store.port.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { SqliteStore } from './sqlite-store.ts';

export interface SqliteStoreOptions {
  /** Database file (created with its folder if missing), or ':memory:'. */
  readonly path: string;
  /** NORMAL (default) can lose the last commits on power loss but never corrupts; FULL loses none. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** Decoded blocks kept for streaming writes, in intervals (default 10,000,000: a day of 100k quarter-hour channels, about 120 MB when full). */
  readonly cacheIntervals?: number;
  /** Time source for version and audit timestamps. */
  readonly clock?: () => EpochSeconds;
}

/** Opens (and migrates) the embedded store. */
export function openSqliteStore(opts: SqliteStoreOptions): Store {
  if (opts.path !== ':memory:' && opts.path !== '') mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Database(opts.path);
  const clock = opts.clock ?? (() => Math.floor(Date.now() / 1000));
  try {
    db.pragma('journal_mode = WAL');
    // A big transaction grows the WAL; without a limit the file keeps that size after checkpoints.
    db.pragma('journal_size_limit = 16777216');
    db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    migrate(db, MIGRATIONS, clock());
    return new SqliteStore(db, { cacheIntervals: opts.cacheIntervals ?? 10_000_000, clock });
  } catch (e) {
    db.close();
    throw e;
  }
}
