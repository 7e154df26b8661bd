import { QUALITY, type IntervalSeries } from '../model/index.ts';

/** What happened to one interval when an incoming series met the stored one. */
export const MERGE = {
  none: 0,
  /** Same value, quality and reason as stored. */
  duplicate: 1,
  /** Actual data replaced a stored estimate (S/E). */
  actualOverEstimate: 2,
  /** Actual data replaced a stored final substitute (F): late, but actual beats estimate. */
  actualOverFinal: 3,
  /** An incoming estimate met stored actual data: the actual is kept. */
  estimateRefused: 4,
  /** Two different actuals: the incoming one was taken. */
  conflictTookIncoming: 5,
  /** Two different actuals: the stored one was kept. */
  conflictKeptStored: 6,
  /** Nothing incoming for an interval the store holds: the stored one is kept. */
  storedKept: 7,
  /** A newer estimate replaced an older one. */
  reestimated: 8,
  /** An incoming S/E met a stored final substitute: the final one is kept. */
  finalKept: 9,
} as const;

export interface MergeResult {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly reason: Uint8Array;
  /** MERGE code per interval of the incoming window. */
  readonly decision: Uint8Array;
}

const A = QUALITY.A;
const V = QUALITY.V;
const N = QUALITY.N;
const F = QUALITY.F;
const isActual = (q: number): boolean => q === A || q === V;

/**
 * Merge what arrived with what the store holds for the same window, interval by interval:
 * actual beats estimate, an estimate never overwrites actual data, a final substitute is only
 * replaced by actual data, and two different actuals are a conflict (`preferIncoming` decides
 * which stands; the store keeps the other as a version). Pure: new arrays, inputs untouched.
 */
export function mergeVersions(stored: IntervalSeries, incoming: IntervalSeries, preferIncoming: boolean): MergeResult {
  const n = incoming.values.length;
  const values = incoming.values.slice();
  const quality = incoming.quality.slice();
  const reason = incoming.reason ? incoming.reason.slice() : new Uint8Array(n);
  const decision = new Uint8Array(n);
  if (stored.intervalS !== incoming.intervalS || stored.channel !== incoming.channel || stored.meterId !== incoming.meterId) {
    return { values, quality, reason, decision };
  }
  const offset = (incoming.start - stored.start) / incoming.intervalS;
  const from = Math.max(0, -offset);
  const to = Math.min(n, stored.values.length - offset);
  for (let i = from; i < to; i++) {
    const j = i + offset;
    const sq = stored.quality[j]!;
    const iq = quality[i]!;
    const sv = stored.values[j]!;
    const sr = stored.reason?.[j] ?? 0;
    if (sq === N) continue;
    const take = (code: number): void => { values[i] = sv; quality[i] = sq; reason[i] = sr; decision[i] = code; };
    if (iq === N) take(MERGE.storedKept);
    else if (sq === iq && sv === values[i] && sr === reason[i]) decision[i] = MERGE.duplicate;
    else if (isActual(iq) && isActual(sq)) {
      if (preferIncoming) decision[i] = MERGE.conflictTookIncoming;
      else take(MERGE.conflictKeptStored);
    } else if (isActual(iq)) decision[i] = sq === F ? MERGE.actualOverFinal : MERGE.actualOverEstimate;
    else if (isActual(sq)) take(MERGE.estimateRefused);
    else if (sq === F && iq !== F) take(MERGE.finalKept);
    else decision[i] = MERGE.reestimated;
  }
  return { values, quality, reason, decision };
}
