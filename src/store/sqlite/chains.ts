import type Database from 'better-sqlite3';
import type {
  AuditEntry, AuditFilter, AuditInput, ChainCheck, Page, PageRequest, Receipt, ReceiptEntry,
} from '../store.port.ts';
import { GENESIS_HASH, auditHash, checkChain, receiptHash } from '../common/chain.ts';
import { cursorNumber, pageLimit, pageOf } from '../common/paging.ts';

const RECEIPT_ROWS = 32;

interface ReceiptRow { seq: number; sha256: string; source: string; received_at: number; bytes: number; prev_hash: string; hash: string }
interface AuditRow { seq: number; at: number; actor: string; action: string; object: string; details: string | null; prev_hash: string; hash: string }

const toReceipt = (r: ReceiptRow): ReceiptEntry => ({
  seq: r.seq, sha256: r.sha256, source: r.source, receivedAt: r.received_at, bytes: r.bytes, prevHash: r.prev_hash, hash: r.hash,
});

const toAudit = (r: AuditRow): AuditEntry => ({
  seq: r.seq, at: r.at, actor: r.actor, action: r.action, object: r.object,
  ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
  prevHash: r.prev_hash, hash: r.hash,
});

/**
 * Receipts and audit entries as hash chains. The tail is read inside the caller's transaction
 * (never kept in memory), so another process appending to the same file cannot fork the chain.
 */
export class Chains {
  private readonly receiptTail;
  private readonly insertReceipt;
  private readonly insertReceipts;
  private readonly receiptPage;
  private readonly receiptCount;
  private readonly allReceipts;
  private readonly auditTail;
  private readonly insertAudit;
  private readonly allAudit;

  constructor(private readonly db: Database.Database) {
    this.receiptTail = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1');
    this.insertReceipt = db.prepare('INSERT INTO receipts (seq, sha256, source, received_at, bytes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertReceipts = db.prepare(`INSERT INTO receipts (seq, sha256, source, received_at, bytes, prev_hash, hash) VALUES ${Array(RECEIPT_ROWS).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    this.receiptPage = db.prepare<[number, number], ReceiptRow>('SELECT * FROM receipts WHERE seq > ? ORDER BY seq LIMIT ?');
    this.receiptCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM receipts');
    this.allReceipts = db.prepare<[], ReceiptRow>('SELECT * FROM receipts ORDER BY seq');
    this.auditTail = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.insertAudit = db.prepare('INSERT INTO audit (seq, at, actor, action, object, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.allAudit = db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq');
  }

  /**
   * Inside a transaction; the tail is read once for the whole group, and rows go in RECEIPT_ROWS
   * at a time: at one receipt per live message, the per-statement cost is a fifth of the total.
   */
  appendReceipts(rs: readonly Receipt[]): ReceiptEntry[] {
    const tail = this.receiptTail.get();
    let seq = tail?.seq ?? 0;
    let prevHash = tail?.hash ?? GENESIS_HASH;
    const entries = rs.map((r) => {
      seq++;
      const hash = receiptHash(prevHash, r);
      const entry = { seq, sha256: r.sha256, source: r.source, receivedAt: r.receivedAt, bytes: r.bytes, prevHash, hash };
      prevHash = hash;
      return entry;
    });
    const args = (e: ReceiptEntry) => [e.seq, e.sha256, e.source, e.receivedAt, e.bytes, e.prevHash, e.hash];
    let i = 0;
    for (; i + RECEIPT_ROWS <= entries.length; i += RECEIPT_ROWS) this.insertReceipts.run(entries.slice(i, i + RECEIPT_ROWS).flatMap(args));
    for (; i < entries.length; i++) this.insertReceipt.run(args(entries[i]!));
    return entries;
  }

  /** Inside a transaction. */
  appendAudit(entries: readonly AuditInput[]): void {
    if (entries.length === 0) return;
    const tail = this.auditTail.get();
    let seq = tail?.seq ?? 0;
    let prev = tail?.hash ?? GENESIS_HASH;
    for (const e of entries) {
      const hash = auditHash(prev, e);
      seq++;
      this.insertAudit.run(seq, e.at, e.actor, e.action, e.object, e.details === undefined ? null : JSON.stringify(e.details), prev, hash);
      prev = hash;
    }
  }

  listReceipts(page: PageRequest): Page<ReceiptEntry> {
    const limit = pageLimit(page.limit);
    const after = page.cursor ? cursorNumber(page.cursor) : 0;
    const rows = this.receiptPage.all(after, limit + 1);
    return pageOf(rows, limit, this.receiptCount.get()!.n, toReceipt, (r) => r.seq);
  }

  verifyReceipts(): ChainCheck {
    return checkChain(mapIter(this.allReceipts.iterate(), toReceipt), (e, prev) => receiptHash(prev, e));
  }

  listAudit(filter: AuditFilter, page: PageRequest): Page<AuditEntry> {
    const limit = pageLimit(page.limit);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.actor !== undefined) { where.push('actor = ?'); args.push(filter.actor); }
    if (filter.action !== undefined) { where.push('action = ?'); args.push(filter.action); }
    if (filter.objectPrefix !== undefined) { where.push('substr(object, 1, ?) = ?'); args.push(filter.objectPrefix.length, filter.objectPrefix); }
    if (filter.since !== undefined) { where.push('at >= ?'); args.push(filter.since); }
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit ${cond}`).get(...args) as { n: number }).n;
    const after = page.cursor ? cursorNumber(page.cursor) : 0;
    const rows = this.db.prepare(`SELECT * FROM audit ${cond ? `${cond} AND` : 'WHERE'} seq > ? ORDER BY seq LIMIT ?`).all(...args, after, limit + 1) as AuditRow[];
    return pageOf(rows, limit, total, toAudit, (r) => r.seq);
  }

  verifyAudit(): ChainCheck {
    // Hash what is stored: a row whose details no longer parse is itself a break.
    return checkChain(mapIter(this.allAudit.iterate(), safeAudit), (e, prev) => (e.unreadable ? '' : auditHash(prev, e)));
  }
}

function safeAudit(r: AuditRow): AuditEntry & { unreadable?: boolean } {
  try {
    return toAudit(r);
  } catch {
    return { ...toAudit({ ...r, details: null }), unreadable: true };
  }
}

function* mapIter<A, B>(it: Iterable<A>, f: (a: A) => B): Generator<B> {
  for (const a of it) yield f(a);
}
