import type Database from 'better-sqlite3';
import { MeterstackError } from '../../model/index.ts';
import type { Migration } from './migrations/index.ts';

function currentVersion(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}

/**
 * Applies pending migrations, each in an IMMEDIATE transaction that re-reads the version, so two
 * processes opening the same file at once apply each migration exactly once. A database newer than
 * this code is refused rather than used with a schema the code does not know.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: number): number {
  const latest = migrations.length;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MeterstackError('STORE_MIGRATION_FAILED', `migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    const apply = db.transaction(() => {
      if (currentVersion(db) >= m.version) return;
      db.exec(m.up);
      record.run(m.version, m.name, now);
    });
    try {
      apply.immediate();
    } catch (cause) {
      throw new MeterstackError('STORE_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${String(cause)}`, { cause });
    }
  }
  const version = currentVersion(db);
  if (version > latest) {
    throw new MeterstackError('STORE_MIGRATION_FAILED', `database schema version ${version} is newer than this meterstack (knows ${latest})`);
  }
  return version;
}
