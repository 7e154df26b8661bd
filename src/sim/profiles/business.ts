import { DAY_TYPE, Q as QUARTERS } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import { quarterShape } from './shapes.ts';
import type { BusinessProfile } from './types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

// Occupancy per local hour: offices work weekday office hours; shops open six days and a Sunday afternoon.
const OFFICE = {
  [DAY_TYPE.weekday]: [0, 0, 0, 0, 0, 0, 0.05, 0.3, 0.8, 1, 1, 1, 0.9, 1, 1, 1, 0.95, 0.7, 0.3, 0.1, 0.05, 0, 0, 0],
  [DAY_TYPE.saturday]: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.05, 0.1, 0.1, 0.1, 0.05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [DAY_TYPE.sunday]: new Array<number>(24).fill(0),
};
const SHOP = {
  [DAY_TYPE.weekday]: [0, 0, 0, 0, 0, 0, 0, 0.05, 0.3, 0.85, 1, 1, 1, 1, 1, 1, 1, 0.95, 0.5, 0.1, 0, 0, 0, 0],
  [DAY_TYPE.saturday]: [0, 0, 0, 0, 0, 0, 0, 0.05, 0.3, 0.9, 1, 1, 1, 1, 1, 1, 0.9, 0.4, 0.05, 0, 0, 0, 0, 0],
  [DAY_TYPE.sunday]: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.6, 0.6, 0.6, 0.6, 0.5, 0.1, 0, 0, 0, 0, 0, 0],
};

function table(t: Record<number, readonly number[]>): Float64Array {
  const out = new Float64Array(3 * Q);
  for (let d = 0; d < 3; d++) out.set(quarterShape(t[d]!), d * Q);
  return out;
}

const OCCUPANCY = { office: table(OFFICE), shop: table(SHOP) } as const;

export function createBusinessProfile(rng: Rng): BusinessProfile {
  const type = rng.chance(0.45) ? 'shop' : 'office';
  const peakW = Math.round(type === 'shop' ? rng.range(4000, 12000) : rng.range(5000, 16000));
  return { type, peakW, baseW: Math.round(peakW * rng.range(0.15, 0.3)) };
}

/** Base load (servers, refrigeration, ventilation) plus occupancy-driven load; a bit more in deep winter and summer. */
export function addBusinessLoad(ctx: DayContext, b: BusinessProfile, rng: Rng, load: Float64Array, off: number): void {
  const occ = OCCUPANCY[b.type];
  const season = 1 + 0.08 * Math.abs(ctx.winter);
  const span = (b.peakW - b.baseW) * season;
  for (let i = 0; i < Q; i++) {
    const o = occ[ctx.dayType[i] * Q + ctx.localQ[i]];
    const w = b.baseW * (0.9 + 0.2 * rng.next()) + span * o * (1 + 0.1 * rng.tri());
    load[off + i] += w * 0.25;
  }
}

export function businessDesignW(b: BusinessProfile): number {
  return 0.9 * b.peakW;
}
