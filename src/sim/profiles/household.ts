import { Q as QUARTERS } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import { APPLIANCES, expectedApplianceWh } from './appliances.ts';
import { ACTIVITY, LIGHTS } from './shapes.ts';
import type { HouseholdProfile } from './types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * A household's load without its big technologies: always-on load, lighting that follows darkness
 * and presence, presence-driven load with morning and evening peaks, and (in appliances.ts)
 * discrete appliance runs. Component sizes are calibrated per household so that its expected
 * annual energy equals a drawn target; what varies day to day is noise around that expectation.
 */

/** Winter days see ~12 % more presence-driven load than the annual mean, summer days less. */
export function activitySeason(winter: number): number {
  return 1 + 0.12 * winter;
}

/** Integrals over a reference year that turn a component's watts into its annual energy. */
export interface HouseholdReference {
  /** Σ LIGHTS × darkness × hours: annual Wh per W of lighting. */
  readonly lightingHours: number;
  /** Σ ACTIVITY × season × hours: annual Wh per W of activity load. */
  readonly activityHours: number;
  /** Expected runs per year of each appliance at usage scale 1. */
  readonly applianceRuns: Float64Array;
}

/** Typical Dutch household: 2,700–4,200 kWh a year, most around 3,400. */
export function createHouseholdProfile(rng: Rng, ref: HouseholdReference): HouseholdProfile {
  const annualKwh = Math.round(2700 + 1500 * (rng.next() + rng.next()) / 2);
  let appliances = 0;
  APPLIANCES.forEach((a, i) => { if (rng.chance(a.ownership)) appliances |= 1 << i; });
  const size = (annualKwh - 2700) / 1500;
  let usageScale = Math.round((0.6 + 0.5 * size + 0.3 * rng.next()) * 1000) / 1000;
  const annualWh = annualKwh * 1000;
  const appWh = expectedApplianceWh(appliances, usageScale, ref.applianceRuns);
  // Appliances must leave room for the base load a real home always has.
  if (appWh > 0.45 * annualWh) usageScale *= (0.45 * annualWh) / appWh;
  const rest = annualWh - expectedApplianceWh(appliances, usageScale, ref.applianceRuns);
  const standbyShare = 0.3 + 0.1 * rng.next();
  const lightingShare = 0.1 + 0.08 * rng.next();
  const activityShare = 1 - standbyShare - lightingShare;
  const tenth = (w: number): number => Math.round(w * 10) / 10;
  return {
    annualKwh,
    standbyW: tenth((standbyShare * rest) / 8760),
    lightingW: tenth((lightingShare * rest) / ref.lightingHours),
    activityW: tenth((activityShare * rest) / ref.activityHours),
    usageScale,
    appliances,
  };
}

/**
 * Add the continuous part of one day (Wh per interval) into load[off … off+95]. Noise is
 * multiplicative with mean one, so the calibrated expectation holds.
 */
export function addHouseholdLoad(ctx: DayContext, h: HouseholdProfile, rng: Rng, load: Float64Array, off: number): void {
  const dayMult = 1 + 0.12 * rng.normal();
  const season = activitySeason(ctx.winter);
  const act = h.activityW * season * dayMult;
  const light = h.lightingW * dayMult;
  const activity = ACTIVITY;
  const lights = LIGHTS;
  for (let i = 0; i < Q; i++) {
    const s = ctx.dayType[i] * Q + ctx.localQ[i];
    const standby = h.standbyW * (0.8 + 0.4 * rng.next());
    const w = standby + (act * activity[s] + light * lights[s] * ctx.darkness[i]) * (1 + 0.22 * rng.tri());
    load[off + i] += w * 0.25;
  }
}

/** After-diversity maximum demand at the transformer: ~1.2 kW for a 3,400 kWh home. */
export function householdDesignW(h: HouseholdProfile): number {
  return 0.36 * h.annualKwh;
}
