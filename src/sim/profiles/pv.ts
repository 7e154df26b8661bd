import { Q as QUARTERS } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import type { PvProfile } from './types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

const RAD = Math.PI / 180;
const ALBEDO = 0.2;

/** Rooftop PV: pitched-roof homes 2.4–7 kWp facing roughly south; businesses larger and flatter. */
export function createPvProfile(rng: Rng, business: boolean): PvProfile {
  const kWp = business ? Math.round(rng.range(10, 40) * 10) / 10 : Math.round(rng.range(2.4, 7) * 10) / 10;
  const azimuth = business ? 180 : Math.max(90, Math.min(270, 180 + 40 * rng.normal()));
  return {
    kWp,
    tiltDeg: Math.round(business ? rng.range(8, 15) : rng.range(25, 45)),
    azimuthDeg: Math.round(azimuth),
    inverterW: Math.round(kWp * 1000 * rng.range(0.85, 1)),
    performance: Math.round(rng.range(0.8, 0.9) * 100) / 100,
  };
}

/**
 * Plane-of-array irradiance (beam on the tilted plane, isotropic sky diffuse, ground reflection)
 * times kWp, performance ratio and a cell-temperature loss, clipped at the inverter. Irradiance,
 * sky and temperature come from the shared day context; no sun, no power.
 */
export function addPvGeneration(ctx: DayContext, pv: PvProfile, out: Float64Array, off: number): void {
  const tilt = pv.tiltDeg * RAD;
  const az = pv.azimuthDeg * RAD;
  const nE = Math.sin(tilt) * Math.sin(az);
  const nN = Math.sin(tilt) * Math.cos(az);
  const nU = Math.cos(tilt);
  const sky = (1 + nU) / 2;
  const ground = (ALBEDO * (1 - nU)) / 2;
  const temp = ctx.weather.tempC;
  for (let i = 0; i < Q; i++) {
    if (ctx.sunUp[i] <= 0) continue;
    const cosTheta = ctx.sunEast[i] * nE + ctx.sunNorth[i] * nN + ctx.sunUp[i] * nU;
    const poa = ctx.beam[i] * (cosTheta > 0 ? cosTheta : 0) + ctx.diffuse[i] * sky + ctx.ghi[i] * ground;
    const cellC = temp[i] + 0.03 * poa;
    let w = pv.kWp * poa * pv.performance * (1 - 0.004 * (cellC - 25));
    if (w > pv.inverterW) w = pv.inverterW;
    if (w > 0) out[off + i] += w * 0.25;
  }
}

/** Reverse power a transformer must carry at a sunny noon, for sizing: inverter output nearly coincides. */
export function pvDesignExportW(pv: PvProfile): number {
  return 0.75 * pv.inverterW;
}
