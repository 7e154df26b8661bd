import { DAY_S, QUALITY, type IntervalSeries } from '../../model/index.ts';
import { decodeBlockInto, encodeBlockShared } from '../blocks/index.ts';

/**
 * A UTC day of one channel as full-day arrays (index = interval of the day), the form the write
 * path merges into and the block cache keeps. Stored blocks hold only the span from the first to
 * the last interval with something in it.
 */
export interface DayArrays {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly reason: Uint8Array;
}

const N = QUALITY.N;

export function dayLabel(day: number): string {
  return new Date(day * DAY_S * 1000).toISOString().slice(0, 10);
}

/** One allocation for all three arrays: the write path creates these by the hundred thousand. */
export function emptyDay(perDay: number): DayArrays {
  const buf = new ArrayBuffer(perDay * 10);
  const quality = new Uint8Array(buf, perDay * 8, perDay).fill(N);
  return { values: new Float64Array(buf, 0, perDay), quality, reason: new Uint8Array(buf, perDay * 9, perDay) };
}

export function decodeDay(bytes: Uint8Array, intervalS: number): DayArrays {
  const day = emptyDay(DAY_S / intervalS);
  decodeBlockInto(bytes, day.values, day.quality, day.reason, 0, intervalS);
  return day;
}

/** The stored form of a day; a shared view, valid until the next encode (see encodeBlockShared). */
export function encodeDay(day: DayArrays, intervalS: number): Uint8Array {
  const { values, quality, reason } = day;
  let lo = 0;
  let hi = quality.length;
  while (lo < hi && quality[lo] === N && reason[lo] === 0) lo++;
  while (hi > lo && quality[hi - 1] === N && reason[hi - 1] === 0) hi--;
  return encodeBlockShared({ intervalS, first: lo, values: values.subarray(lo, hi), quality: quality.subarray(lo, hi), reason: reason.subarray(lo, hi) });
}

/** Counts of one merge; reused by the caller so that the hot path allocates nothing per segment. */
export interface SegmentCounts {
  fills: number;
  unchanged: number;
  changed: number;
}

/**
 * Compares series intervals [i0, i0+len) with day intervals [off, off+len). An incoming N has
 * nothing to say; a stored N takes any value (a fill); anything else either matches or is a change.
 */
export function compareSegment(day: DayArrays, s: IntervalSeries, i0: number, off: number, len: number, out: SegmentCounts): void {
  const sv = s.values;
  const sq = s.quality;
  const sr = s.reason;
  const { values, quality, reason } = day;
  let fills = 0;
  let unchanged = 0;
  let changed = 0;
  for (let k = 0; k < len; k++) {
    const q = sq[i0 + k]!;
    if (q === N) continue;
    const j = off + k;
    const eq = quality[j]!;
    if (eq === N) fills++;
    else if (values[j] === sv[i0 + k] && eq === q && reason[j] === (sr === undefined ? 0 : sr[i0 + k])) unchanged++;
    else changed++;
  }
  out.fills = fills;
  out.unchanged = unchanged;
  out.changed = changed;
}

export function applySegment(day: DayArrays, s: IntervalSeries, i0: number, off: number, len: number): void {
  const sq = s.quality;
  const sr = s.reason;
  for (let k = 0; k < len; k++) {
    const q = sq[i0 + k]!;
    if (q === N) continue;
    day.values[off + k] = s.values[i0 + k]!;
    day.quality[off + k] = q;
    day.reason[off + k] = sr === undefined ? 0 : sr[i0 + k]!;
  }
}
