import { DAY_TYPE, Q } from '../clock.ts';

/** Daily load shapes, indexed [dayType * 96 + local quarter-hour]. */

// Relative presence-driven load per local hour (0..23), drawn after the shape of standard residential
// load profiles: weekdays empty out after the morning peak, weekends start late and stay home at noon.
const ACTIVITY_WEEKDAY = [0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.4, 0.8, 0.65, 0.42, 0.38, 0.4, 0.5, 0.45, 0.4, 0.45, 0.58, 0.9, 1, 0.95, 0.9, 0.85, 0.65, 0.42];
const ACTIVITY_WEEKEND = [0.35, 0.22, 0.12, 0.08, 0.08, 0.08, 0.12, 0.3, 0.6, 0.82, 0.82, 0.78, 0.8, 0.72, 0.66, 0.66, 0.72, 0.9, 1, 0.95, 0.9, 0.86, 0.72, 0.52];
// Share of the lights that would be on if it were dark: people awake and at home.
const LIGHTS_WEEKDAY = [0.3, 0.12, 0.05, 0.04, 0.04, 0.08, 0.55, 0.85, 0.45, 0.22, 0.2, 0.2, 0.22, 0.2, 0.2, 0.25, 0.45, 0.8, 1, 1, 1, 0.95, 0.8, 0.55];
const LIGHTS_WEEKEND = [0.45, 0.2, 0.08, 0.04, 0.04, 0.04, 0.08, 0.35, 0.65, 0.6, 0.4, 0.35, 0.35, 0.35, 0.35, 0.4, 0.55, 0.8, 1, 1, 1, 0.95, 0.85, 0.65];

/** Hourly points at the middle of each hour, linearly interpolated to 96 quarter-hours. */
export function quarterShape(hourly: readonly number[]): Float64Array {
  const out = new Float64Array(Q);
  for (let q = 0; q < Q; q++) {
    const h = (q + 0.5) / 4 - 0.5;
    const i0 = Math.floor(h);
    const f = h - i0;
    out[q] = hourly[(i0 + 24) % 24]! * (1 - f) + hourly[(i0 + 25) % 24]! * f;
  }
  return out;
}

/** Shapes indexed [dayType * 96 + local quarter]; Saturday and Sunday share the weekend shape. */
function byDayType(weekday: readonly number[], weekend: readonly number[]): Float64Array {
  const wd = quarterShape(weekday);
  const we = quarterShape(weekend);
  const out = new Float64Array(3 * Q);
  out.set(wd, DAY_TYPE.weekday * Q);
  out.set(we, DAY_TYPE.saturday * Q);
  out.set(we, DAY_TYPE.sunday * Q);
  return out;
}

export const ACTIVITY = byDayType(ACTIVITY_WEEKDAY, ACTIVITY_WEEKEND);
export const LIGHTS = byDayType(LIGHTS_WEEKDAY, LIGHTS_WEEKEND);

