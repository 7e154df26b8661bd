import { hash } from 'node:crypto';
import type { AuditInput, Receipt } from '../store.port.ts';

/**
 * Hash chains for receipts and the audit log. Both stores compute the same hashes, so a chain
 * written by one can be verified by the other and by `meterstack audit verify`.
 */

export const GENESIS_HASH = '0'.repeat(64);

// One-shot hashing: no Hash object per entry, which matters at one receipt per live message.
export function sha256hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** JSON with object keys sorted at every depth: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function receiptHash(prevHash: string, r: Receipt): string {
  return sha256hex(`${prevHash}|${r.sha256}|${r.source}|${r.receivedAt}|${r.bytes}`);
}

export function auditHash(prevHash: string, e: AuditInput): string {
  const { at, actor, action, object, details } = e;
  return sha256hex(`${prevHash}|${canonicalJson({ at, actor, action, object, details })}`);
}

export interface ChainRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Walks a chain in seq order and reports the first entry that does not link or whose content does
 * not hash to what is stored. `content` recomputes the hash from the row's stored fields.
 */
export function checkChain<R extends ChainRow>(rows: Iterable<R>, content: (row: R, prevHash: string) => string): { ok: boolean; entries: number; brokenAt?: number; reason?: string } {
  let prev = GENESIS_HASH;
  let expectSeq = 1;
  let entries = 0;
  for (const row of rows) {
    entries++;
    const broken = (reason: string) => ({ ok: false, entries, brokenAt: row.seq, reason });
    if (row.seq !== expectSeq) return broken(`expected seq ${expectSeq}, found ${row.seq}`);
    if (row.prevHash !== prev) return broken('previous hash does not match the entry before');
    if (content(row, prev) !== row.hash) return broken('content does not match its hash');
    prev = row.hash;
    expectSeq++;
  }
  return { ok: true, entries };
}
