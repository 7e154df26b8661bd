import { Q as QUARTERS } from './clock.ts';
import type { DayContext } from './day-context.ts';
import { Rng, STREAM } from './prng.ts';
import { ACTIVITY } from './profiles/shapes.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * Steady-state LV voltage: the transformer's no-load voltage (MV voltage times tap) minus the
 * drop its phase current causes in the transformer and along the LV cable up to the customer,
 * minus the customer's own service-cable drop. Reverse power (PV export) makes the drops negative:
 * the voltage rises. Linear in power, which is how LV feeders behave within EN 50160 limits.
 */

export const NOMINAL_V = 230;
/** Effective R·cosφ + X·sinφ of the transformer at rated current (uk ≈ 4 %, X/R ≈ 3, pf 0.95). */
export const TX_IMPEDANCE_PU = 0.02;
/** A mix of 95 and 150 mm² Al phase conductors (~0.26 Ω/km) plus a share of the neutral return for unbalanced load. */
export const CABLE_OHM_PER_M = 0.0004;
/** 15 m of 10 mm² Cu service cable, there and back. */
export const SERVICE_OHM = 0.055;

/** Volts of drop per watt on one phase of the transformer. */
export function transformerVPerW(ratingKva: number): number {
  return (NOMINAL_V * TX_IMPEDANCE_PU) / ((ratingKva * 1000) / 3);
}

/**
 * Volts of drop per watt of the transformer's phase load at cable position x, with the load spread
 * evenly along `cables` cables of length L: ΔV(x) = I·r·(x − x²/2L).
 */
export function cableVPerW(positionM: number, cableLengthM: number, cables: number): number {
  const x = Math.min(positionM, cableLengthM);
  return (CABLE_OHM_PER_M * (x - (x * x) / (2 * cableLengthM))) / cables / NOMINAL_V;
}

export function supplyVoltage(sourceV: number, phaseW: number, networkVPerW: number, ownW: number): number {
  return sourceV - phaseW * networkVPerW - (ownW / NOMINAL_V) * SERVICE_OHM;
}

/**
 * Per-feeder factor on the no-load voltage: the MV network sags a little at the evening system
 * peak and floats up at night, with slow noise from the regulating transformer's tap steps.
 */
export function fillMvFactors(seed: number, ctx: DayContext, feeders: number, out: Float64Array): void {
  const rng = new Rng();
  const activity = ACTIVITY;
  for (let f = 0; f < feeders; f++) {
    rng.reseed(seed, f, ctx.day, STREAM.mv);
    let x = rng.normal();
    for (let i = 0; i < Q; i++) {
      x = 0.9 * x + 0.44 * rng.normal();
      out[f * Q + i] = 1.003 - 0.008 * activity[ctx.localQ[i]] + 0.0015 * x;
    }
  }
}
