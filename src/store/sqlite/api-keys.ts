import type Database from 'better-sqlite3';
import type { ApiKeyRecord } from '../store.port.ts';

interface Row { id: string; hash: string; role: string; label: string; created_at: number; revoked_at: number | null }

const toRecord = (r: Row): ApiKeyRecord => ({
  id: r.id, hash: r.hash, role: r.role, label: r.label, createdAt: r.created_at, ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

/** Only the SHA-256 of a key is stored; a put with a known id updates it (e.g. to revoke). */
export class ApiKeyTable {
  private readonly put;
  private readonly byHash;
  private readonly count;

  constructor(db: Database.Database) {
    this.put = db.prepare(
      `INSERT INTO api_keys (id, hash, role, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, role = excluded.role, label = excluded.label,
         created_at = excluded.created_at, revoked_at = excluded.revoked_at`,
    );
    this.byHash = db.prepare<[string], Row>('SELECT * FROM api_keys WHERE hash = ?');
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM api_keys');
  }

  putKey(k: ApiKeyRecord): void {
    this.put.run(k.id, k.hash, k.role, k.label, k.createdAt, k.revokedAt ?? null);
  }

  find(hash: string): ApiKeyRecord | undefined {
    const row = this.byHash.get(hash);
    return row === undefined ? undefined : toRecord(row);
  }

  total(): number {
    return this.count.get()!.n;
  }
}
