import { QUALITY, type IntervalSeries } from '../model/index.ts';
import { REASON } from './codes.ts';

export interface FinalizeResult {
  readonly series: IntervalSeries & { readonly reason: Uint8Array };
  /** Intervals turned from S or E into F. */
  readonly finalized: number;
}

/**
 * Estimates become final substitutes once actual data can no longer arrive: every S or E interval
 * ending at or before `cutoff` becomes F. MDFF requires a reason for F: an interval without one
 * (a forward estimate) gets `defaultReason` (78 Null data unless told otherwise). Values and the
 * method flags (kept by the caller) do not change; actual data arriving later still replaces an F
 * (see mergeVersions). Pure: returns new arrays.
 */
export function finalizeEstimates(series: IntervalSeries, cutoff: number, defaultReason: number = REASON.nullData): FinalizeResult {
  const n = series.values.length;
  const quality = series.quality.slice();
  const reason = series.reason ? series.reason.slice() : new Uint8Array(n);
  let finalized = 0;
  for (let i = 0; i < n; i++) {
    const q = quality[i];
    if ((q !== QUALITY.S && q !== QUALITY.E) || series.start + (i + 1) * series.intervalS > cutoff) continue;
    quality[i] = QUALITY.F;
    if (reason[i] === 0) reason[i] = defaultReason;
    finalized++;
  }
  return { series: { ...series, values: series.values.slice(), quality, reason }, finalized };
}
