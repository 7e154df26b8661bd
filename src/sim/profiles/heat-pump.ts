import { addBlock, Q as QUARTERS } from '../clock.ts';
import type { DayContext } from '../day-context.ts';
import type { Rng } from '../prng.ts';
import type { HeatPumpProfile } from './types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/** Outside temperature the heating system is designed for (NL: −10 °C). */
const DESIGN_C = -10;

/** Air-to-water COP at a 35 °C flow temperature: ~2.2 at −10 °C, ~4 at +10 °C. */
export function cop(tempC: number): number {
  const c = 3.1 + 0.09 * tempC;
  return c < 1.8 ? 1.8 : c > 5 ? 5 : c;
}

export function createHeatPumpProfile(rng: Rng): HeatPumpProfile {
  const lossWPerK = Math.round(rng.range(90, 170));
  const balanceC = Math.round(rng.range(14.5, 16.5) * 10) / 10;
  const designThermal = lossWPerK * (balanceC - DESIGN_C);
  return {
    lossWPerK,
    balanceC,
    maxElectricW: Math.round((1.15 * designThermal) / cop(DESIGN_C) / 100) * 100,
    backupW: 3000,
    hotWaterWhPerDay: Math.round(rng.range(1400, 2600)),
    hotWaterHour: Math.round(rng.range(4, 14) * 4) / 4,
  };
}

/** Night setback (23–06 local) and the morning recovery that follows it. */
function setback(localQ: number): number {
  const h = localQ >> 2;
  return h >= 23 || h < 6 ? 0.7 : h < 9 ? 1.35 : 1;
}

/**
 * Space heating from degree-hours below the balance point through the COP, capped at the
 * compressor's power; the shortfall in a cold snap goes to the resistive backup heater.
 */
export function addHeatPumpLoad(ctx: DayContext, hp: HeatPumpProfile, rng: Rng, load: Float64Array, off: number): void {
  const temp = ctx.weather.tempC;
  for (let i = 0; i < Q; i++) {
    const noise = 1 + 0.1 * rng.tri();
    const dT = hp.balanceC - temp[i];
    if (dT <= 0) continue;
    const c = cop(temp[i]);
    let w = (hp.lossWPerK * dT * setback(ctx.localQ[i]) * noise) / c;
    if (w > hp.maxElectricW) {
      const backup = Math.min((w - hp.maxElectricW) * c, hp.backupW);
      w = hp.maxElectricW + backup;
    }
    load[off + i] += w * 0.25;
  }
}

/** The daily hot-water run of local date ctx.dates[k], at 1.8 kW until the tank is hot. */
export function addHotWaterRun(ctx: DayContext, k: number, hp: HeatPumpProfile, rng: Rng, load: Float64Array, off: number): void {
  const start = ctx.dateMidnight[k] + (hp.hotWaterHour + rng.range(0, 0.5)) * 3600;
  const wh = hp.hotWaterWhPerDay * rng.range(0.8, 1.2);
  addBlock(load, off, ctx.start, start, start + (wh / 1800) * 3600, 1800);
}

/** Heat pumps run together on a cold evening: little diversity. */
export function heatPumpDesignW(hp: HeatPumpProfile): number {
  return 0.85 * hp.maxElectricW;
}
