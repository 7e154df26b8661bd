import type Database from 'better-sqlite3';
import { MeterstackError } from '../../model/index.ts';
import type { Migration } from './migrations/index.ts';

function currentVersion(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}

/**
 * Applies pending migrations, each in an IMMEDIATE transaction that re-checks whether it is
 * recorded, so two processes opening the same file at once apply each migration exactly once.
 * Versions are unique and ascending but may have gaps: work streams reserve their numbers ahead,
 * and a migration that lands after a higher one (5 after 6) is still applied, because what counts
 * is whether that version is recorded, not the highest one. A database with a version this code
 * does not know is refused rather than used with a schema the code does not know.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: number): number {
  migrations.forEach((m, i) => {
    const prev = i === 0 ? 0 : migrations[i - 1]!.version;
    if (!Number.isInteger(m.version) || m.version <= prev) {
      throw new MeterstackError('STORE_MIGRATION_FAILED', `migration ${m.name} is numbered ${m.version}, after ${prev}: versions must be unique and ascending`);
    }
  });
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const known = new Set(migrations.map((m) => m.version));
  const unknown = (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]).filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new MeterstackError('STORE_MIGRATION_FAILED', `database schema version ${Math.max(...unknown)} is newer than this meterstack (knows ${[...known].join(', ')})`);
  }
  const applied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    const apply = db.transaction(() => {
      if (applied.get(m.version) !== undefined) return;
      db.exec(m.up);
      record.run(m.version, m.name, now);
    });
    try {
      apply.immediate();
    } catch (cause) {
      throw new MeterstackError('STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${String(cause)}`, { cause });
    }
  }
  return currentVersion(db);
}
