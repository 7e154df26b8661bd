import type { EpochSeconds } from '../../model/time.ts';
import { localDayStart, localWeekday, sameLocalTime, type HistoryView } from '../history.ts';

/**
 * Like-day classes (WA Electricity Industry (Metering) Code 2012, Appendix 3, substitution method 14,
 * the same numbering as AEMO Part B): Monday stands for Monday, Tuesday–Thursday for one another,
 * Friday, Saturday and Sunday each for themselves.
 */
export function likeDayClass(weekday: number): number {
  return weekday >= 2 && weekday <= 4 ? 2 : weekday;
}

export interface LikeDayShape {
  readonly days: EpochSeconds[];
}

/**
 * Average like day (Part B type 15, Netstream: "the same time period over the previous four weeks at
 * the equivalent time and date"): per interval, the mean of the actual values at the same local time
 * 7, 14, … days back. Needs at least two such weeks for every interval; writes out[from..to).
 */
export function averageLikeDay(h: HistoryView, start: EpochSeconds, intervalS: number, from: number, to: number, weeks: number, out: Float64Array): LikeDayShape | undefined {
  const zone = h.zone;
  const used = new Set<number>();
  for (let i = from; i < to; i++) {
    const t = start + i * intervalS;
    let sum = 0;
    let count = 0;
    for (let w = 1; w <= weeks; w++) {
      const tw = sameLocalTime(t, 7 * w, zone, intervalS);
      const v = h.actualAt(tw);
      if (v === v) { sum += v; count++; used.add(w); }
    }
    if (count < 2) return undefined;
    out[i] = Math.round(sum / count);
  }
  const t0 = start + from * intervalS;
  return { days: [...used].sort((a, b) => a - b).map((w) => localDayStart(sameLocalTime(t0, 7 * w, zone, intervalS), zone)) };
}

/**
 * Like day (Part B type 14): the most recent earlier day of the same like-day class, up to
 * `maxDays` back, with actual values at every interval of the run; its values are copied.
 */
export function likeDay(h: HistoryView, start: EpochSeconds, intervalS: number, from: number, to: number, maxDays: number, out: Float64Array): LikeDayShape | undefined {
  const zone = h.zone;
  const t0 = start + from * intervalS;
  const cls = likeDayClass(localWeekday(t0, zone));
  for (let d = 1; d <= maxDays; d++) {
    if (likeDayClass(localWeekday(sameLocalTime(t0, d, zone, intervalS), zone)) !== cls) continue;
    let ok = true;
    for (let i = from; i < to && ok; i++) {
      const v = h.actualAt(sameLocalTime(start + i * intervalS, d, zone, intervalS));
      if (v === v) out[i] = v;
      else ok = false;
    }
    if (ok) return { days: [localDayStart(sameLocalTime(t0, d, zone, intervalS), zone)] };
  }
  return undefined;
}
