import { Q } from '../clock.ts';
import { fillDayContext, newDayContext, type Site } from '../day-context.ts';
import { MEAN_CLEARNESS } from '../weather.ts';
import { APPLIANCES, expectedRunsOnDate } from './appliances.ts';
import { activitySeason, type HouseholdReference } from './household.ts';
import { ACTIVITY, LIGHTS } from './shapes.ts';

/** 2025-01-01 as a day number: a plain (non-leap) year to integrate the expected year over. */
const REFERENCE_YEAR_START = 20089;

const cache = new Map<string, HouseholdReference>();

/**
 * Integrate the household shapes over a reference year at this site, under an average sky: the
 * factors that turn "this household should use 3,400 kWh" into watts per component. Lighting
 * depends on latitude and time zone (how dark it is when people are up), hence per site.
 */
export function householdReference(site: Site): HouseholdReference {
  const key = `${site.lat}|${site.lon}|${site.clock.zone}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const ctx = newDayContext();
  let lightingHours = 0;
  let activityHours = 0;
  const applianceRuns = new Float64Array(APPLIANCES.length);
  for (let d = 0; d < 365; d++) {
    const day = REFERENCE_YEAR_START + d;
    fillDayContext(ctx, site, day, MEAN_CLEARNESS);
    const season = activitySeason(ctx.winter);
    for (let i = 0; i < Q; i++) {
      const s = ctx.dayType[i] * Q + ctx.localQ[i];
      lightingHours += LIGHTS[s] * ctx.darkness[i] * 0.25;
      activityHours += ACTIVITY[s] * season * 0.25;
    }
    // The middle date of the context is the UTC day's own date.
    APPLIANCES.forEach((a, i) => { applianceRuns[i] += expectedRunsOnDate(a, ctx.dateType[1], ctx.dateWinter[1]); });
  }
  const ref = { lightingHours, activityHours, applianceRuns };
  cache.set(key, ref);
  return ref;
}
