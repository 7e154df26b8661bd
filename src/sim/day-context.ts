import { DAY_S } from '../model/index.ts';
import { dayOfYear, dayTypeOf, INTERVAL_S, Q as QUARTERS, winterness, ZoneClock } from './clock.ts';
import { clearSkyDhi, clearSkyDni, sunVector, type SunVector } from './sun.ts';
import { createClimate, fillDayWeather, newDayWeather, type Climate, type DayWeather } from './weather.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/** Where the fleet is: one sun, one clock and one climate for all its meters. */
export interface Site {
  readonly seed: number;
  readonly lat: number;
  readonly lon: number;
  readonly clock: ZoneClock;
  readonly climate: Climate;
  /** +1 north, −1 south: flips which months are winter. */
  readonly hemisphere: number;
}

export function createSite(seed: number, zone: string, lat: number, lon: number): Site {
  return { seed, lat, lon, clock: new ZoneClock(zone), climate: createClimate(seed, lat), hemisphere: lat >= 0 ? 1 : -1 };
}

/**
 * Everything about one UTC day that all meters share, computed once per day so that the per-meter
 * loops only index arrays: local clock, day types, sun, sky and temperature.
 */
export interface DayContext {
  day: number;
  start: number;
  readonly localQ: Int32Array;
  readonly localDate: Int32Array;
  readonly dayType: Uint8Array;
  /** −1 midsummer … +1 midwinter, for the UTC date. */
  winter: number;
  readonly sunEast: Float64Array;
  readonly sunNorth: Float64Array;
  readonly sunUp: Float64Array;
  readonly elevationDeg: Float64Array;
  /** Direct normal and diffuse horizontal irradiance after clouds, W/m². */
  readonly beam: Float64Array;
  readonly diffuse: Float64Array;
  readonly ghi: Float64Array;
  /** 0 bright daylight … 1 lights needed indoors. */
  readonly darkness: Float64Array;
  readonly weather: DayWeather;
  /** Local dates d−1, d, d+1 whose scheduled activities can reach into this UTC day. */
  readonly dates: Int32Array;
  readonly dateMidnight: Float64Array;
  readonly dateType: Uint8Array;
  readonly dateWinter: Float64Array;
}

export function newDayContext(): DayContext {
  const f = (): Float64Array => new Float64Array(Q);
  return {
    day: 0, start: 0, localQ: new Int32Array(Q), localDate: new Int32Array(Q), dayType: new Uint8Array(Q), winter: 0,
    sunEast: f(), sunNorth: f(), sunUp: f(), elevationDeg: f(), beam: f(), diffuse: f(), ghi: f(), darkness: f(),
    weather: newDayWeather(), dates: new Int32Array(3), dateMidnight: new Float64Array(3), dateType: new Uint8Array(3),
    dateWinter: new Float64Array(3),
  };
}

const sun: SunVector = { east: 0, north: 0, up: 0, elevationDeg: 0 };

/**
 * Fill the context for UTC day `day`. With `fixedClearness` the sky is the same every interval and
 * no weather is drawn: that is the "expected" day the household calibration integrates over.
 */
export function fillDayContext(ctx: DayContext, site: Site, day: number, fixedClearness?: number): DayContext {
  ctx.day = day;
  ctx.start = day * DAY_S;
  site.clock.fillDay(day, ctx.localQ, ctx.localDate);
  for (let i = 0; i < Q; i++) ctx.dayType[i] = dayTypeOf(ctx.localDate[i]);
  ctx.winter = site.hemisphere * winterness(dayOfYear(day));
  for (let k = 0; k < 3; k++) {
    const date = day - 1 + k;
    ctx.dates[k] = date;
    ctx.dateMidnight[k] = site.clock.localMidnight(date);
    ctx.dateType[k] = dayTypeOf(date);
    ctx.dateWinter[k] = site.hemisphere * winterness(dayOfYear(date));
  }
  const w = ctx.weather;
  if (fixedClearness === undefined) fillDayWeather(w, site.seed, day, site.climate, site.lat, site.lon, -ctx.winter);
  else w.clearness.fill(fixedClearness);
  for (let i = 0; i < Q; i++) {
    sunVector(site.lat, site.lon, ctx.start + i * INTERVAL_S + INTERVAL_S / 2, sun);
    ctx.sunEast[i] = sun.east;
    ctx.sunNorth[i] = sun.north;
    ctx.sunUp[i] = sun.up;
    ctx.elevationDeg[i] = sun.elevationDeg;
    const c = w.clearness[i];
    const dni = clearSkyDni(sun.up);
    const clearGhi = dni * Math.max(sun.up, 0) + clearSkyDhi(sun.up, dni);
    // Clouds take the beam first; what reaches the ground through overcast is diffuse (~22 % of clear sky).
    const ghi = clearGhi * (0.22 + 0.78 * c);
    const beam = dni * c;
    ctx.beam[i] = beam;
    ctx.ghi[i] = ghi;
    ctx.diffuse[i] = Math.max(0, ghi - beam * Math.max(sun.up, 0));
    const dark = (6 - sun.elevationDeg * (0.35 + 0.65 * c)) / 12;
    ctx.darkness[i] = dark < 0 ? 0 : dark > 1 ? 1 : dark;
  }
  return ctx;
}
