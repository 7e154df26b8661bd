import { addBlock, DAY_TYPE } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import type { EvProfile } from './types.ts';

/** Home chargers: 1×16 A (3.7 kW), 1×32 A (7.4 kW) or 3×16 A (11 kW). */
const CHARGERS = [3700, 7400, 11000] as const;

export function createEvProfile(rng: Rng): EvProfile {
  return {
    chargeW: CHARGERS[rng.weighted([0.35, 0.35, 0.3])]!,
    weekdayChance: Math.round(rng.range(0.3, 0.6) * 100) / 100,
    weekendChance: Math.round(rng.range(0.2, 0.45) * 100) / 100,
    meanSessionWh: Math.round(rng.range(9000, 20000)),
    delayed: rng.chance(0.2),
  };
}

/**
 * At most one session per local date: plug in on arriving home (weekday evenings, weekend
 * daytime), or at night for owners on a night tariff, and charge at full power until the session's
 * energy is in, the last tenth at half power as the battery tops off.
 */
export function addEvSession(ctx: DayContext, k: number, ev: EvProfile, rng: Rng, load: Float64Array, off: number): void {
  const weekday = ctx.dateType[k] === DAY_TYPE.weekday;
  const plugged = rng.next() < (weekday ? ev.weekdayChance : ev.weekendChance);
  const arrival = weekday ? Math.max(15, Math.min(22, 17.9 + 0.8 * rng.normal())) : rng.range(10, 20);
  const hour = ev.delayed ? rng.range(23.5, 25) : arrival;
  const wh = ev.meanSessionWh * rng.range(0.4, 1.6);
  if (!plugged) return;
  const start = ctx.dateMidnight[k] + hour * 3600;
  const bulkEnd = start + ((0.9 * wh) / ev.chargeW) * 3600;
  const end = bulkEnd + ((0.1 * wh) / (ev.chargeW / 2)) * 3600;
  addBlock(load, off, ctx.start, start, bulkEnd, ev.chargeW);
  addBlock(load, off, ctx.start, bulkEnd, end, ev.chargeW / 2);
}

/** After-diversity share of a home charger at the evening peak: about a third of chargers run at once. */
export function evDesignW(ev: EvProfile): number {
  return 0.3 * ev.chargeW;
}
