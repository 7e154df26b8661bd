import type { IntervalSeries } from '../model/reading.ts';
import type { EpochSeconds } from '../model/time.ts';
import type { Reject } from '../store/store.port.ts';
import type { ItemRejection } from './ingest.port.ts';
import type { ItemFault } from './stages/checks.ts';

export type RejectRow = Omit<Reject, 'receiptSeq'>;

/** Rejected items are kept whole up to this size; a larger one keeps its head and its length. */
const MAX_ITEM_CHARS = 64 * 1024;

export function rejectRows(faults: readonly ItemFault[], itemText: (index: number) => string, source: string, at: EpochSeconds): RejectRow[] {
  return faults.map((f) => ({
    at, source, position: f.index, code: f.code, reason: f.reason, item: bounded(itemText(f.index)),
    ...(f.meterId !== undefined ? { meterId: f.meterId } : {}),
    ...(f.channel !== undefined ? { channel: f.channel } : {}),
  }));
}

export function toRejections(faults: readonly ItemFault[]): ItemRejection[] {
  return faults.map((f) => ({ index: f.index, code: f.code, reason: f.reason }));
}

/** JSON text of an item as received; `undefined` and functions have no JSON, so they become strings. */
export function jsonText(item: unknown): string {
  try {
    return JSON.stringify(item) ?? JSON.stringify(String(item));
  } catch {
    return JSON.stringify(String(item));
  }
}

export function seriesText(s: IntervalSeries | undefined): string {
  if (typeof s !== 'object' || s === null) return jsonText(s);
  return jsonText({
    meterId: s.meterId, channel: s.channel, start: s.start, intervalS: s.intervalS,
    values: arrayOf(s.values), quality: arrayOf(s.quality), ...(s.reason ? { reason: arrayOf(s.reason) } : {}),
  });
}

function arrayOf(a: unknown): unknown {
  return ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a;
}

function bounded(text: string): string {
  if (text.length <= MAX_ITEM_CHARS) return text;
  return JSON.stringify({ truncated: true, chars: text.length, head: text.slice(0, MAX_ITEM_CHARS) });
}
