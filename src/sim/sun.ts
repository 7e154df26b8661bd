import type { EpochSeconds } from '../model/index.ts';

const RAD = Math.PI / 180;
/** 2000-01-01T12:00Z (J2000.0) in days since the Unix epoch. */
const J2000_DAYS = 10957.5;

/** Sun direction as a unit vector in local east/north/up, plus its elevation in degrees. */
export interface SunVector {
  east: number;
  north: number;
  up: number;
  elevationDeg: number;
}

/**
 * Low-precision solar position (the Astronomical Almanac's approximation, ~0.01° over decades):
 * ample for irradiance, and cheap enough to evaluate once per interval of the day.
 */
export function sunVector(lat: number, lon: number, t: EpochSeconds, out: SunVector = { east: 0, north: 0, up: 0, elevationDeg: 0 }): SunVector {
  const d = t / 86400 - J2000_DAYS;
  const g = (357.529 + 0.98560028 * d) * RAD;
  const q = 280.459 + 0.98564736 * d;
  const l = (q + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * RAD;
  const e = (23.439 - 0.00000036 * d) * RAD;
  const ra = Math.atan2(Math.cos(e) * Math.sin(l), Math.cos(l));
  const dec = Math.asin(Math.sin(e) * Math.sin(l));
  const gmstH = 18.697374558 + 24.06570982441908 * d;
  const h = ((gmstH * 15 + lon) * RAD) - ra;
  const phi = lat * RAD;
  // Horizon coordinates via the hour angle: up, then the east and north components.
  const up = Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(h);
  const east = -Math.cos(dec) * Math.sin(h);
  const north = Math.cos(phi) * Math.sin(dec) - Math.sin(phi) * Math.cos(dec) * Math.cos(h);
  out.east = east;
  out.north = north;
  out.up = up;
  out.elevationDeg = Math.asin(Math.max(-1, Math.min(1, up))) / RAD;
  return out;
}

export function sunElevationDeg(lat: number, lon: number, t: EpochSeconds): number {
  return sunVector(lat, lon, t).elevationDeg;
}

/**
 * Clear-sky direct normal irradiance (W/m²) for a sun this high: Meinel's air-mass model with
 * Kasten–Young air mass, which stays finite at the horizon.
 */
export function clearSkyDni(up: number): number {
  if (up <= 0) return 0;
  const zenithDeg = Math.acos(up) / RAD;
  const airMass = 1 / (up + 0.50572 * Math.pow(96.07995 - zenithDeg, -1.6364));
  return 1353 * Math.pow(0.7, Math.pow(airMass, 0.678));
}

/** Clear-sky diffuse horizontal irradiance: some 12–20 % of global on a clear day. */
export function clearSkyDhi(up: number, dni: number): number {
  return up <= 0 ? 0 : 0.14 * dni * Math.sqrt(up);
}
