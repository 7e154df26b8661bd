import type Database from 'better-sqlite3';
import type { MqttCredentialRecord } from '../store.port.ts';

interface Row { id: string; kind: MqttCredentialRecord['kind']; hash: string; meters: string; created_at: number; revoked_at: number | null }

const toRecord = (r: Row): MqttCredentialRecord => ({
  id: r.id, kind: r.kind, hash: r.hash, meters: JSON.parse(r.meters) as string[], createdAt: r.created_at,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

/** MQTT credentials: one row per username, the secret's hash only. */
export class MqttCredentialTable {
  private readonly put;
  private readonly byId;
  private readonly all;

  constructor(db: Database.Database) {
    this.put = db.prepare(
      `INSERT INTO mqtt_credentials (id, kind, hash, meters, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, hash = excluded.hash, meters = excluded.meters,
         created_at = excluded.created_at, revoked_at = excluded.revoked_at`,
    );
    this.byId = db.prepare<[string], Row>('SELECT * FROM mqtt_credentials WHERE id = ?');
    this.all = db.prepare<[], Row>('SELECT * FROM mqtt_credentials ORDER BY id');
  }

  putCredential(c: MqttCredentialRecord): void {
    this.put.run(c.id, c.kind, c.hash, JSON.stringify(c.meters), c.createdAt, c.revokedAt ?? null);
  }

  get(id: string): MqttCredentialRecord | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  list(): MqttCredentialRecord[] {
    return this.all.all().map(toRecord);
  }
}
