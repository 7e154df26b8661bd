import type Database from 'better-sqlite3';
import type { EpochSeconds } from '../../model/index.ts';
import type { SessionRecord, UserRecord } from '../store.port.ts';

interface UserRow {
  id: string; username: string; name: string; role: string; premise: string | null; password: string;
  created_at: number; updated_at: number; disabled_at: number | null;
}
interface SessionRow { hash: string; user_id: string; csrf: string; created_at: number; seen_at: number; expires_at: number }

const toUser = (r: UserRow): UserRecord => ({
  id: r.id, username: r.username, name: r.name, role: r.role, ...(r.premise !== null ? { premise: r.premise } : {}),
  password: r.password, createdAt: r.created_at, updatedAt: r.updated_at, ...(r.disabled_at !== null ? { disabledAt: r.disabled_at } : {}),
});

const toSession = (r: SessionRow): SessionRecord => ({
  hash: r.hash, userId: r.user_id, csrf: r.csrf, createdAt: r.created_at, seenAt: r.seen_at, expiresAt: r.expires_at,
});

/** Console and portal users, their sessions, and the meters of a premise. */
export class UserTables {
  private readonly put;
  private readonly byId;
  private readonly byName;
  private readonly all;
  private readonly count;
  private readonly putSess;
  private readonly sessByHash;
  private readonly touch;
  private readonly dropSess;
  private readonly dropUserSess;
  private readonly dropExpired;
  private readonly premiseMeters;

  constructor(db: Database.Database) {
    this.put = db.prepare(
      `INSERT INTO users (id, username, name, role, premise, password, created_at, updated_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, role = excluded.role, premise = excluded.premise,
         password = excluded.password, updated_at = excluded.updated_at, disabled_at = excluded.disabled_at`,
    );
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE lower(username) = lower(?)');
    this.all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY lower(username)');
    this.count = db.prepare<[], number>('SELECT count(*) FROM users').pluck();
    this.putSess = db.prepare('INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.sessByHash = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE hash = ?');
    this.touch = db.prepare('UPDATE sessions SET seen_at = ?, expires_at = ? WHERE hash = ?');
    this.dropSess = db.prepare('DELETE FROM sessions WHERE hash = ?');
    this.dropUserSess = db.prepare('DELETE FROM sessions WHERE user_id = ?');
    this.dropExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.premiseMeters = db.prepare<[string], string>("SELECT id FROM meters WHERE json_extract(doc, '$.premise') = ? ORDER BY id").pluck();
  }

  putUser(u: UserRecord): void {
    this.put.run(u.id, u.username, u.name, u.role, u.premise ?? null, u.password, u.createdAt, u.updatedAt, u.disabledAt ?? null);
  }

  getUser(id: string): UserRecord | undefined {
    const r = this.byId.get(id);
    return r === undefined ? undefined : toUser(r);
  }

  findUser(username: string): UserRecord | undefined {
    const r = this.byName.get(username);
    return r === undefined ? undefined : toUser(r);
  }

  listUsers(): UserRecord[] {
    return this.all.all().map(toUser);
  }

  countUsers(): number {
    return this.count.get()!;
  }

  putSession(s: SessionRecord): void {
    this.putSess.run(s.hash, s.userId, s.csrf, s.createdAt, s.seenAt, s.expiresAt);
  }

  findSession(hash: string): SessionRecord | undefined {
    const r = this.sessByHash.get(hash);
    return r === undefined ? undefined : toSession(r);
  }

  touchSession(hash: string, seenAt: EpochSeconds, expiresAt: EpochSeconds): void {
    this.touch.run(seenAt, expiresAt, hash);
  }

  deleteSession(hash: string): void {
    this.dropSess.run(hash);
  }

  deleteUserSessions(userId: string): number {
    return this.dropUserSess.run(userId).changes;
  }

  deleteExpiredSessions(now: EpochSeconds): number {
    return this.dropExpired.run(now).changes;
  }

  meterIdsAtPremise(premise: string): string[] {
    return this.premiseMeters.all(premise);
  }
}
