import { addBlock, DAY_TYPE, Q as QUARTERS } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import { ACTIVITY } from './shapes.ts';
import type { HouseholdProfile } from './types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * Appliances that show up as spikes in 15-minute data. Each run is scheduled in local time on a
 * local date and drawn from a stream keyed by (meter, date): a washing cycle started at 23:40 is
 * the same run whether the day before or the day after midnight is being generated.
 */
export interface ApplianceDef {
  readonly name: string;
  readonly ownership: number;
  /** Expected runs per weekday / weekend date at usage scale 1. */
  readonly perDay: readonly [number, number];
  /** Extra runs in winter (dryer: no washing line) as a fraction of the mean. */
  readonly winterBoost: number;
  /** Bernoulli trials per date; the expectation is split over them. */
  readonly trials: number;
  /** Local start window in hours, or follow the presence shape. */
  readonly start: readonly [number, number] | 'presence';
  /** Cycle: [watts, minutes] phases. */
  readonly cycle: readonly (readonly [number, number])[];
}

export const APPLIANCES: readonly ApplianceDef[] = [
  { name: 'kettle', ownership: 0.8, perDay: [2.2, 2.8], winterBoost: 0.1, trials: 8, start: 'presence', cycle: [[2200, 3.5]] },
  { name: 'cooking', ownership: 0.5, perDay: [0.6, 0.55], winterBoost: 0.1, trials: 2, start: [17, 19.5], cycle: [[2400, 15], [1200, 30]] },
  { name: 'washing machine', ownership: 0.95, perDay: [0.35, 0.6], winterBoost: 0, trials: 2, start: [8, 21], cycle: [[2000, 18], [250, 70], [450, 10]] },
  { name: 'dishwasher', ownership: 0.65, perDay: [0.55, 0.6], winterBoost: 0, trials: 2, start: [19.5, 22.5], cycle: [[1900, 20], [120, 90], [1900, 12]] },
  { name: 'tumble dryer', ownership: 0.55, perDay: [0.3, 0.45], winterBoost: 0.35, trials: 2, start: [10, 22], cycle: [[2300, 70]] },
];

const CYCLE_WH = APPLIANCES.map((a) => a.cycle.reduce((s, [w, min]) => s + (w * min) / 60, 0));

/** Cumulative presence shape per day type, for drawing kettle times. */
const PRESENCE_CDF = (() => {
  const cdf = new Float64Array(3 * Q);
  for (let t = 0; t < 3; t++) {
    let sum = 0;
    for (let q = 0; q < Q; q++) sum += ACTIVITY[t * Q + q];
    let acc = 0;
    for (let q = 0; q < Q; q++) { acc += ACTIVITY[t * Q + q] / sum; cdf[t * Q + q] = acc; }
  }
  return cdf;
})();

function presenceHour(rng: Rng, dayType: number): number {
  const r = rng.next();
  const cdf = PRESENCE_CDF;
  let lo = dayType * Q;
  let hi = lo + Q - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return (lo - dayType * Q + rng.next()) / 4;
}

export function expectedRunsOnDate(a: ApplianceDef, dayType: number, winter: number): number {
  return a.perDay[dayType === DAY_TYPE.weekday ? 0 : 1] * (1 + a.winterBoost * winter);
}

/** Expected appliance energy per year (Wh) given the runs per year at usage scale 1. */
export function expectedApplianceWh(owned: number, usageScale: number, runsPerYear: Float64Array): number {
  let wh = 0;
  for (let i = 0; i < APPLIANCES.length; i++) if (owned & (1 << i)) wh += runsPerYear[i] * usageScale * CYCLE_WH[i]!;
  return wh;
}

/**
 * Add the runs of local date ctx.dates[k] that fall into this UTC day. All draws are made whether
 * or not a run overlaps the day, so the stream stays aligned.
 */
export function addApplianceRuns(ctx: DayContext, k: number, h: HouseholdProfile, rng: Rng, load: Float64Array, off: number): void {
  const dayType = ctx.dateType[k];
  const winter = ctx.dateWinter[k];
  const midnight = ctx.dateMidnight[k];
  for (let i = 0; i < APPLIANCES.length; i++) {
    const a = APPLIANCES[i]!;
    if (!(h.appliances & (1 << i))) continue;
    const p = (expectedRunsOnDate(a, dayType, winter) * h.usageScale) / a.trials;
    for (let n = 0; n < a.trials; n++) {
      const run = rng.next() < p;
      const hour = a.start === 'presence' ? presenceHour(rng, dayType) : a.start[0] + (a.start[1] - a.start[0]) * rng.next();
      const stretch = 0.8 + 0.4 * rng.next();
      if (!run) continue;
      let s = midnight + hour * 3600;
      for (const [w, min] of a.cycle) {
        const e = s + min * 60 * stretch;
        // Stretching a phase's time at constant energy keeps each run's mean energy exact.
        addBlock(load, off, ctx.start, s, e, w / stretch);
        s = e;
      }
    }
  }
}
