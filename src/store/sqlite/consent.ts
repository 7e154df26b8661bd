import type Database from 'better-sqlite3';
import type {
  ConsentAccessEntry, ConsentAccessFilter, ConsentAccessInput, ConsentFilter, ConsentRecord, ThirdPartyKeyRecord, ThirdPartyRecord,
} from '../consent.port.ts';
import type { Page, PageRequest } from '../store.port.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

interface PartyRow {
  id: string; legal_name: string; contact: string; website: string; country: string; purposes: string; status: ThirdPartyRecord['status'];
  created_at: number; created_by: string; updated_at: number; updated_by: string;
}
interface KeyRow { key_id: string; hash: string; third_party_id: string; label: string; created_at: number; created_by: string; revoked_at: number | null }
interface ConsentRow {
  seq: number; id: string; premise: string; third_party_id: string; purpose: string; scopes: string; granularity: string;
  history_from: number; valid_from: number; valid_until: number; status: ConsentRecord['status']; granted_by: string; granted_at: number;
  revoked_by: string | null; revoked_at: number | null; revoke_reason: string | null;
}
interface AccessRow {
  seq: number; at: number; third_party_id: string; premise: string; consent_id: string | null; key_id: string; scopes: string; granularity: string;
  range_from: number; range_to: number; outcome: ConsentAccessInput['outcome']; reason: string | null; values: number;
}

const toParty = (r: PartyRow): ThirdPartyRecord => ({
  id: r.id, legalName: r.legal_name, contact: r.contact, website: r.website, country: r.country, purposes: JSON.parse(r.purposes) as string[],
  status: r.status, createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at, updatedBy: r.updated_by,
});
const toKey = (r: KeyRow): ThirdPartyKeyRecord => ({
  keyId: r.key_id, hash: r.hash, thirdPartyId: r.third_party_id, label: r.label, createdAt: r.created_at, createdBy: r.created_by,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});
const toConsent = (r: ConsentRow): ConsentRecord => ({
  id: r.id, premise: r.premise, thirdPartyId: r.third_party_id, purpose: r.purpose, scopes: JSON.parse(r.scopes) as string[], granularity: r.granularity,
  historyFrom: r.history_from, validFrom: r.valid_from, validUntil: r.valid_until, status: r.status, grantedBy: r.granted_by, grantedAt: r.granted_at,
  ...(r.revoked_by !== null ? { revokedBy: r.revoked_by } : {}), ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
  ...(r.revoke_reason !== null ? { revokeReason: r.revoke_reason } : {}),
});
const toAccess = (r: AccessRow): ConsentAccessEntry => ({
  seq: r.seq, at: r.at, thirdPartyId: r.third_party_id, premise: r.premise, ...(r.consent_id !== null ? { consentId: r.consent_id } : {}), keyId: r.key_id,
  scopes: JSON.parse(r.scopes) as string[], granularity: r.granularity, from: r.range_from, to: r.range_to, outcome: r.outcome,
  ...(r.reason !== null ? { reason: r.reason } : {}), values: r.values,
});

function where(parts: string[]): string {
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** The third-party registry, key bindings, consents and the access log (migration 008). */
export class ConsentTables {
  private readonly putPartyStmt;
  private readonly partyById;
  private readonly putKeyStmt;
  private readonly keyById;
  private readonly keysOf;
  private readonly putConsentStmt;
  private readonly consentById;
  private readonly putAccessStmt;

  constructor(private readonly db: Database.Database) {
    this.putPartyStmt = db.prepare(
      `INSERT INTO third_parties (id, legal_name, contact, website, country, purposes, status, created_at, created_by, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET legal_name = excluded.legal_name, contact = excluded.contact, website = excluded.website,
         country = excluded.country, purposes = excluded.purposes, status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.partyById = db.prepare<[string], PartyRow>('SELECT * FROM third_parties WHERE id = ?');
    this.putKeyStmt = db.prepare(
      `INSERT INTO third_party_keys (key_id, hash, third_party_id, label, created_at, created_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key_id) DO UPDATE SET label = excluded.label, revoked_at = excluded.revoked_at`,
    );
    this.keyById = db.prepare<[string], KeyRow>('SELECT * FROM third_party_keys WHERE key_id = ?');
    this.keysOf = db.prepare<[string], KeyRow>('SELECT * FROM third_party_keys WHERE third_party_id = ? ORDER BY created_at, key_id');
    this.putConsentStmt = db.prepare(
      `INSERT INTO consents (id, premise, third_party_id, purpose, scopes, granularity, history_from, valid_from, valid_until, status,
         granted_by, granted_at, revoked_by, revoked_at, revoke_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, valid_until = excluded.valid_until,
         revoked_by = excluded.revoked_by, revoked_at = excluded.revoked_at, revoke_reason = excluded.revoke_reason`,
    );
    this.consentById = db.prepare<[string], ConsentRow>('SELECT * FROM consents WHERE id = ?');
    this.putAccessStmt = db.prepare(
      `INSERT INTO consent_access (at, third_party_id, premise, consent_id, key_id, scopes, granularity, range_from, range_to, outcome, reason, "values")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  putParty(p: ThirdPartyRecord): void {
    this.putPartyStmt.run(p.id, p.legalName, p.contact, p.website, p.country, JSON.stringify(p.purposes), p.status, p.createdAt, p.createdBy, p.updatedAt, p.updatedBy);
  }

  getParty(id: string): ThirdPartyRecord | undefined {
    const r = this.partyById.get(id);
    return r === undefined ? undefined : toParty(r);
  }

  listParties(f: { readonly status?: ThirdPartyRecord['status'] }): ThirdPartyRecord[] {
    const rows = f.status === undefined
      ? this.db.prepare('SELECT * FROM third_parties ORDER BY legal_name, id').all() as PartyRow[]
      : this.db.prepare('SELECT * FROM third_parties WHERE status = ? ORDER BY legal_name, id').all(f.status) as PartyRow[];
    return rows.map(toParty);
  }

  putKey(k: ThirdPartyKeyRecord): void {
    this.putKeyStmt.run(k.keyId, k.hash, k.thirdPartyId, k.label, k.createdAt, k.createdBy, k.revokedAt ?? null);
  }

  getKey(keyId: string): ThirdPartyKeyRecord | undefined {
    const r = this.keyById.get(keyId);
    return r === undefined ? undefined : toKey(r);
  }

  listKeys(thirdPartyId: string): ThirdPartyKeyRecord[] {
    return this.keysOf.all(thirdPartyId).map(toKey);
  }

  putConsent(c: ConsentRecord): void {
    this.putConsentStmt.run(c.id, c.premise, c.thirdPartyId, c.purpose, JSON.stringify(c.scopes), c.granularity, c.historyFrom, c.validFrom, c.validUntil,
      c.status, c.grantedBy, c.grantedAt, c.revokedBy ?? null, c.revokedAt ?? null, c.revokeReason ?? null);
  }

  getConsent(id: string): ConsentRecord | undefined {
    const r = this.consentById.get(id);
    return r === undefined ? undefined : toConsent(r);
  }

  listConsents(f: ConsentFilter, page: PageRequest): Page<ConsentRecord> {
    const parts: string[] = [];
    const args: (string | number)[] = [];
    if (f.premise !== undefined) { parts.push('premise = ?'); args.push(f.premise); }
    if (f.thirdPartyId !== undefined) { parts.push('third_party_id = ?'); args.push(f.thirdPartyId); }
    if (f.status === 'revoked') parts.push("status = 'revoked'");
    if (f.status === 'active' || f.status === 'expired') {
      parts.push(`status = 'active' AND valid_until ${f.status === 'active' ? '>' : '<='} ?`);
      args.push(f.at ?? 0);
    }
    return this.page<ConsentRow, ConsentRecord>('consents', parts, args, page, toConsent);
  }

  appendAccess(e: ConsentAccessInput): void {
    this.putAccessStmt.run(e.at, e.thirdPartyId, e.premise, e.consentId ?? null, e.keyId, JSON.stringify(e.scopes), e.granularity, e.from, e.to,
      e.outcome, e.reason ?? null, e.values);
  }

  listAccess(f: ConsentAccessFilter, page: PageRequest): Page<ConsentAccessEntry> {
    const parts: string[] = [];
    const args: string[] = [];
    if (f.premise !== undefined) { parts.push('premise = ?'); args.push(f.premise); }
    if (f.thirdPartyId !== undefined) { parts.push('third_party_id = ?'); args.push(f.thirdPartyId); }
    return this.page<AccessRow, ConsentAccessEntry>('consent_access', parts, args, page, toAccess);
  }

  /** Newest first by seq, keyset-paged. */
  private page<R extends { seq: number }, T>(table: string, parts: string[], args: (string | number)[], page: PageRequest, map: (r: R) => T): Page<T> {
    const limit = pageLimit(page.limit);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ${table} ${where(parts)}`).get(...args) as { n: number }).n;
    const before = page.cursor ? cursorNumber(page.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = this.db.prepare(`SELECT * FROM ${table} ${where([...parts, 'seq < ?'])} ORDER BY seq DESC LIMIT ?`).all(...args, before, limit + 1) as R[];
    return pageOf(rows, limit, total, map, (r) => r.seq);
  }
}
