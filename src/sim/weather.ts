import { Rng, STREAM } from './prng.ts';
import { INTERVAL_S, Q as QUARTERS } from './clock.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * Regional weather: one sky and one temperature for the whole fleet (a town is a few km across,
 * so its roofs see the same clouds and its heat pumps the same frost). Each UTC day's weather is
 * drawn from its own seeded stream; temperature anomalies are smooth functions of time so that
 * neighbouring days agree without one day depending on the previous day's draws.
 */

export interface Climate {
  /** Annual mean and half the summer–winter swing of daily mean temperature, °C. */
  readonly meanC: number;
  readonly swingC: number;
  /** Slow anomalies: amplitude °C, period days, phase rad. */
  readonly waves: readonly { amp: number; periodD: number; phase: number }[];
}

/**
 * Temperate maritime climate scaled by latitude (52° N gives De Bilt's 10.5 °C and ±7 °C). It is
 * a plausible climate for a European fleet, not a model of every climate on earth.
 */
export function createClimate(seed: number, lat: number): Climate {
  const rng = new Rng(seed, 0, 0, STREAM.climate);
  const absLat = Math.abs(lat);
  const periods = [4.3, 7.9, 13.6, 29.5];
  return {
    meanC: Math.max(-5, Math.min(27, 10.5 - 0.45 * (absLat - 52))),
    swingC: 7 + 0.12 * (absLat - 52),
    waves: periods.map((p, i) => ({ amp: [2.2, 2, 1.8, 1.5][i]!, periodD: p * rng.range(0.85, 1.15), phase: rng.range(0, 2 * Math.PI) })),
  };
}

/** Daily mean temperature at time t (epoch s); smooth in t. The seasonal minimum falls in late January. */
export function dailyMeanC(c: Climate, t: number, lat: number): number {
  const days = t / 86400;
  // Days since 1970-01-01 over the mean Gregorian year stay within a day of the day of year.
  const season = Math.cos((2 * Math.PI * (days - 20)) / 365.2425);
  const hemisphere = lat >= 0 ? 1 : -1;
  let anomaly = 0;
  for (const w of c.waves) anomaly += w.amp * Math.sin((2 * Math.PI * days) / w.periodD + w.phase);
  // Winter weather swings wider (frost spells, mild Atlantic spells) than summer weather.
  return c.meanC - hemisphere * c.swingC * season + anomaly * (1 + 0.35 * hemisphere * season);
}

export interface DayWeather {
  /** Fraction of the clear-sky beam that gets through, per interval (0 overcast … 1 clear). */
  readonly clearness: Float64Array;
  /** Air temperature per interval, °C. */
  readonly tempC: Float64Array;
  /** The day's sky: 0 clear, 1 broken cloud, 2 overcast. */
  sky: number;
}

export function newDayWeather(): DayWeather {
  return { clearness: new Float64Array(Q), tempC: new Float64Array(Q), sky: 0 };
}

/** Mean of the clearness index over the year; profiles are calibrated against it. */
export const MEAN_CLEARNESS = 0.47;

/**
 * Fill one UTC day's weather. Summer skies are clearer than winter ones (the Netherlands gets
 * ~1,600 sunshine hours, mostly from April to August); broken-cloud days flicker interval to interval.
 */
export function fillDayWeather(out: DayWeather, seed: number, day: number, climate: Climate, lat: number, lon: number, summerness: number): void {
  const rng = new Rng(seed, day, 0, STREAM.weather);
  const pClear = 0.2 + 0.1 * summerness;
  const pOvercast = 0.36 - 0.12 * summerness;
  const r = rng.next();
  let k: number;
  let sigma: number;
  if (r < pClear) { out.sky = 0; k = rng.range(0.85, 1); sigma = 0.04; }
  else if (r < 1 - pOvercast) { out.sky = 1; k = rng.range(0.35, 0.8); sigma = 0.25; }
  else { out.sky = 2; k = rng.range(0.02, 0.25); sigma = 0.05; }
  let x = rng.normal();
  for (let i = 0; i < Q; i++) {
    x = 0.8 * x + 0.6 * rng.normal();
    const c = k + sigma * x;
    out.clearness[i] = c < 0 ? 0 : c > 1 ? 1 : c;
  }
  // Clear days swing wider between dawn and afternoon than overcast ones.
  const range = out.sky === 0 ? 9 + 3 * summerness : out.sky === 1 ? 6 + 2 * summerness : 3;
  const dayStart = day * 86400;
  for (let i = 0; i < Q; i++) {
    const t = dayStart + i * INTERVAL_S + INTERVAL_S / 2;
    const solarH = ((t / 3600 + lon / 15) % 24 + 24) % 24;
    out.tempC[i] = dailyMeanC(climate, t, lat) + (range / 2) * Math.cos((2 * Math.PI * (solarH - 15)) / 24);
  }
}
