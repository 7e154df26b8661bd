import { MeterstackError, isMeterstackError } from '../model/errors.ts';
import type { ReceiptEntry, Store, WriteResult } from '../store/store.port.ts';
import type { IngestResult } from './ingest.port.ts';
import type { Prepared } from './prepare.ts';

export type Outcome = IngestResult | MeterstackError;

/**
 * Stage 5: one store transaction for a group of messages. An infrastructure failure (disk, lock,
 * lost connection) fails every message of the group with INGEST_STORE_FAILED. A failure the
 * store blames on the data (a 4xx code such as STORE_CONFLICT) says one message is bad, not all
 * of them, so the group is then committed one message at a time and only the culprit fails.
 */
export async function commitGroup(store: Store, group: readonly Prepared[], actor: string): Promise<Outcome[]> {
  const source = group.every((p) => p.unit.receipt.source === group[0]!.unit.receipt.source) ? group[0]!.unit.receipt.source : 'ingest';
  try {
    const out = await store.ingest(group.map((p) => p.unit), { source, actor });
    return group.map((p, i) => resultOf(p, out.receipts[i]!, out.units[i]!));
  } catch (err) {
    if (group.length === 1 || !blamesData(err)) return group.map(() => storeFailed(err));
    const outcomes: Outcome[] = [];
    for (const p of group) outcomes.push(...(await commitGroup(store, [p], actor)));
    return outcomes;
  }
}

function blamesData(err: unknown): boolean {
  return isMeterstackError(err) && err.status < 500;
}

function resultOf(p: Prepared, receipt: ReceiptEntry, w: WriteResult): IngestResult {
  return {
    receiptSeq: receipt.seq, sha256: receipt.sha256, accepted: p.accepted, rejected: p.rejected,
    written: w.written, unchanged: w.unchanged, versioned: w.versioned,
  };
}

export function storeFailed(err: unknown): MeterstackError {
  const why = err instanceof Error ? err.message : String(err);
  return new MeterstackError('INGEST_STORE_FAILED', `storing failed and nothing of the message was committed: ${why}`, { cause: err });
}
