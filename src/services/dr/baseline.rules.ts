import { DateTime } from 'luxon';
import { QUALITY, type EpochSeconds } from '../../model/index.ts';

/**
 * Performance of a premise in a peak event: its "10 of 10" customer baseline (CAISO's day-matching
 * baseline, also the frame of AEMO's WDR baselines; docs/demand-response.md § Baseline) against
 * what the meters measured. Pure: the service reads the series and calls `performance`.
 *
 * - Eligible days: the 10 most recent local days before the event of the same day type (weekdays
 *   for a weekday event, weekend days for a weekend one), within LOOKBACK_DAYS, that are not
 *   themselves event days, and on which every interval of the event window was received.
 * - Baseline of an interval: the mean of that local wall-clock interval over the 10 days (no
 *   same-day adjustment). On a DST day the event window's wall times are matched one by one, so a
 *   92- or 100-quarter-hour day has 92 or 100 baseline values; the repeated hour of an autumn day
 *   takes the same baseline as its first pass.
 * - Fewer than 10 eligible days ⇒ no figure (status insufficient-history), never a guess. A missing
 *   interval inside the event ⇒ no figure (missing-data). Estimated or substituted intervals are
 *   used, counted and flagged.
 */

export const BASELINE_METHOD = '10-of-10' as const;
export const BASELINE_DAYS = 10;
export const LOOKBACK_DAYS = 45;

/** A premise's interval energy (its meters summed), as columns. */
export interface EnergySeries {
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly values: ArrayLike<number>;
  readonly quality: ArrayLike<number>;
}

export interface PerformanceInput {
  readonly zone: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** Local dates (YYYY-MM-DD) that may not serve as baseline days: other event days, holidays. */
  readonly excludeDates: ReadonlySet<string>;
  /** Covers [historyStart(start, zone), end) on the interval grid. */
  readonly series: EnergySeries;
}

export type PerformanceStatus = 'ok' | 'insufficient-history' | 'missing-data';

export interface Performance {
  readonly status: PerformanceStatus;
  readonly method: typeof BASELINE_METHOD;
  /** The baseline days used, most recent first (empty without a figure). */
  readonly days: readonly string[];
  readonly intervals: number;
  readonly baselineWh: number | null;
  readonly actualWh: number | null;
  /** baseline − actual: positive means the premise used less than usual. */
  readonly reductionWh: number | null;
  readonly reductionPct: number | null;
  /** Estimated/substituted intervals in the event window and in the baseline days used. */
  readonly estimatedActual: number;
  readonly estimatedBaseline: number;
  /** Missing intervals in the event window. */
  readonly missingActual: number;
}

const isEstimate = (q: number): boolean => q === QUALITY.S || q === QUALITY.E || q === QUALITY.F;
const WEEKEND = new Set([6, 7]);

/** Where the history a performance needs begins: local midnight LOOKBACK_DAYS before the event's day. */
export function historyStart(start: EpochSeconds, zone: string): EpochSeconds {
  return DateTime.fromSeconds(start, { zone }).startOf('day').minus({ days: LOOKBACK_DAYS }).toSeconds();
}

export function localDate(t: EpochSeconds, zone: string): string {
  return DateTime.fromSeconds(t, { zone }).toISODate()!;
}

/** The instant of wall time hh:mm on local `date`, or undefined where that time does not exist (spring gap). */
function wallInstant(date: DateTime, hour: number, minute: number): EpochSeconds | undefined {
  const d = date.set({ hour, minute, second: 0, millisecond: 0 });
  return d.hour === hour && d.minute === minute ? d.toSeconds() : undefined;
}

function valueAt(s: EnergySeries, t: EpochSeconds): { v: number; q: number } | undefined {
  const i = (t - s.start) / s.intervalS;
  if (!Number.isInteger(i) || i < 0 || i >= s.values.length) return undefined;
  return { v: s.values[i]!, q: s.quality[i]! };
}

const none = (status: PerformanceStatus, intervals: number, estimatedActual: number, missingActual: number): Performance => ({
  status, method: BASELINE_METHOD, days: [], intervals, baselineWh: null, actualWh: null, reductionWh: null, reductionPct: null,
  estimatedActual, estimatedBaseline: 0, missingActual,
});

export function performance(inp: PerformanceInput): Performance {
  const { zone, series: s } = inp;
  const step = s.intervalS;
  const eventDay = DateTime.fromSeconds(inp.start, { zone }).startOf('day');
  const slots: { hour: number; minute: number; dayOffset: number; actual: number }[] = [];
  let estimatedActual = 0;
  let missingActual = 0;
  for (let t = inp.start; t < inp.end; t += step) {
    const local = DateTime.fromSeconds(t, { zone });
    const x = valueAt(s, t);
    if (!x || x.q === QUALITY.N) missingActual++;
    else if (isEstimate(x.q)) estimatedActual++;
    slots.push({ hour: local.hour, minute: local.minute, dayOffset: Math.round(local.startOf('day').diff(eventDay, 'days').days), actual: x && x.q !== QUALITY.N ? x.v : 0 });
  }
  if (missingActual > 0) return none('missing-data', slots.length, estimatedActual, missingActual);

  const weekendEvent = WEEKEND.has(eventDay.weekday);
  const sums = new Float64Array(slots.length);
  const days: string[] = [];
  let estimatedBaseline = 0;
  for (let back = 1; back <= LOOKBACK_DAYS && days.length < BASELINE_DAYS; back++) {
    const day = eventDay.minus({ days: back });
    const date = day.toISODate()!;
    if (WEEKEND.has(day.weekday) !== weekendEvent || inp.excludeDates.has(date)) continue;
    const vals: number[] = [];
    let est = 0;
    let ok = true;
    for (const sl of slots) {
      const t = wallInstant(sl.dayOffset === 0 ? day : day.plus({ days: sl.dayOffset }), sl.hour, sl.minute);
      const x = t === undefined ? undefined : valueAt(s, t);
      if (!x || x.q === QUALITY.N) { ok = false; break; }
      if (isEstimate(x.q)) est++;
      vals.push(x.v);
    }
    if (!ok) continue;
    vals.forEach((v, i) => { sums[i] += v; });
    estimatedBaseline += est;
    days.push(date);
  }
  if (days.length < BASELINE_DAYS) return none('insufficient-history', slots.length, estimatedActual, 0);
  let baselineWh = 0;
  let actualWh = 0;
  slots.forEach((sl, i) => { baselineWh += sums[i]! / days.length; actualWh += sl.actual; });
  baselineWh = Math.round(baselineWh * 1000) / 1000;
  const reductionWh = Math.round((baselineWh - actualWh) * 1000) / 1000;
  return {
    status: 'ok', method: BASELINE_METHOD, days, intervals: slots.length, baselineWh, actualWh, reductionWh,
    reductionPct: baselineWh > 0 ? reductionWh / baselineWh : null, estimatedActual, estimatedBaseline, missingActual: 0,
  };
}

/** Totals over premises: only premises with a figure count; the others are counted by status. */
export function totals(items: readonly Pick<Performance, 'status' | 'baselineWh' | 'actualWh' | 'estimatedActual' | 'estimatedBaseline'>[]): {
  premises: number; withFigure: number; insufficientHistory: number; missingData: number;
  baselineWh: number; actualWh: number; reductionWh: number; reductionPct: number | null; estimatedIntervals: number;
} {
  const ok = items.filter((p) => p.status === 'ok');
  const baselineWh = ok.reduce((a, p) => a + p.baselineWh!, 0);
  const actualWh = ok.reduce((a, p) => a + p.actualWh!, 0);
  const reductionWh = Math.round((baselineWh - actualWh) * 1000) / 1000;
  return {
    premises: items.length, withFigure: ok.length,
    insufficientHistory: items.filter((p) => p.status === 'insufficient-history').length,
    missingData: items.filter((p) => p.status === 'missing-data').length,
    baselineWh: Math.round(baselineWh * 1000) / 1000, actualWh, reductionWh, reductionPct: baselineWh > 0 ? reductionWh / baselineWh : null,
    estimatedIntervals: ok.reduce((a, p) => a + p.estimatedActual + p.estimatedBaseline, 0),
  };
}
