import type { EpochSeconds } from '../../model/time.ts';
import type { HistoryView } from '../history.ts';

/**
 * Typical profile: per local slot of the day, the mean of the meter's actual history (its average
 * daily load, shaped by the time of day; Part B type 25 "ADL"). Without enough history, a class
 * profile scaled to the expected energy per day. Writes out[from..to); undefined if neither exists.
 */
export function typicalProfile(
  h: HistoryView | undefined, minDays: number, start: EpochSeconds, intervalS: number, from: number, to: number, out: Float64Array,
  classProfile: Float64Array | undefined, expectedDailyWh: number | undefined, slotOf: (t: EpochSeconds) => number,
): { historyDays?: number; scale?: number } | undefined {
  const p = h?.means();
  if (p !== undefined && p.days >= minDays) {
    for (let i = from; i < to; i++) {
      const s = slotOf(start + i * intervalS);
      if (p.count[s] === 0) return undefined;
      out[i] = Math.round(p.mean[s]!);
    }
    return { historyDays: Math.floor(p.days) };
  }
  if (classProfile === undefined || expectedDailyWh === undefined || classProfile.length !== 86_400 / intervalS) return undefined;
  let sum = 0;
  for (let s = 0; s < classProfile.length; s++) sum += classProfile[s]!;
  if (!(sum > 0)) return undefined;
  const scale = expectedDailyWh / sum;
  for (let i = from; i < to; i++) out[i] = Math.round(classProfile[slotOf(start + i * intervalS)]! * scale);
  return { scale };
}
