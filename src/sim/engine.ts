import { DAY_S, type MeterEvent } from '../model/index.ts';
import { Q as QUARTERS } from './clock.ts';
import { createSite, fillDayContext, newDayContext, type DayContext, type Site } from './day-context.ts';
import { fillPowered, outageEvents, outagesTouchingDay } from './events.ts';
import type { Fleet } from './fleet.ts';
import { Rng, STREAM } from './prng.ts';
import { addApplianceRuns } from './profiles/appliances.ts';
import { addBusinessLoad } from './profiles/business.ts';
import { addEvSession } from './profiles/ev.ts';
import { addHeatPumpLoad, addHotWaterRun } from './profiles/heat-pump.ts';
import { addHouseholdLoad } from './profiles/household.ts';
import { addPvGeneration } from './profiles/pv.ts';
import type { MeterProfile } from './profiles/types.ts';
import { cableVPerW, fillMvFactors, supplyVoltage, transformerVPerW } from './voltage.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * One UTC day of the whole fleet, computed in flat typed arrays indexed [meter * 96 + interval].
 * A day depends only on the seed, the fleet and the day number, never on other days, which is what
 * makes generateDay and the live mode agree and any day reproducible on its own.
 */
export interface DayData {
  readonly day: number;
  readonly start: number;
  /** Integer Wh per interval. */
  readonly imp: Float64Array;
  readonly exp: Float64Array;
  /** Integer mV per interval; meter m's phases start at voltOffset[m] (1 or 3 blocks of 96). */
  readonly volt: Float64Array;
  readonly events: readonly MeterEvent[];
}

/** The fleet compiled for the hot loops: per-meter constants in typed arrays, scratch buffers reused across days. */
export interface Engine {
  readonly fleet: Fleet;
  readonly site: Site;
  readonly n: number;
  readonly meterIds: readonly string[];
  readonly txOf: Int32Array;
  /** 0–2 the network phase of a single-phase meter, 3 for three-phase. */
  readonly phaseOf: Uint8Array;
  readonly voltOffset: Int32Array;
  /** Voltage drop per watt of transformer phase load at the meter's position. */
  readonly networkVPerW: Float64Array;
  readonly ctx: DayContext;
  readonly rng: Rng;
  readonly load: Float64Array;
  readonly pv: Float64Array;
  readonly phaseW: Float64Array;
  readonly powered: Float64Array;
  readonly mv: Float64Array;
}

export function createEngine(fleet: Fleet): Engine {
  const n = fleet.profiles.length;
  const txs = fleet.grid.transformers;
  const txOf = new Int32Array(n);
  const phaseOf = new Uint8Array(n);
  const voltOffset = new Int32Array(n + 1);
  const networkVPerW = new Float64Array(n);
  fleet.profiles.forEach((p, m) => {
    const tx = txs[p.transformerIndex]!;
    txOf[m] = p.transformerIndex;
    phaseOf[m] = p.phase === '3ph' ? 3 : Number(p.phase[1]) - 1;
    voltOffset[m + 1] = voltOffset[m] + (p.threePhase ? 3 : 1) * Q;
    networkVPerW[m] = transformerVPerW(tx.ratingKva) + cableVPerW(p.lvPositionM, tx.lvCableLengthM, tx.lvCables);
  });
  return {
    fleet, site: createSite(fleet.seed, fleet.zone, fleet.center.lat, fleet.center.lon), n,
    meterIds: fleet.meters.map((m) => m.id), txOf, phaseOf, voltOffset, networkVPerW,
    ctx: newDayContext(), rng: new Rng(),
    load: new Float64Array(n * Q), pv: new Float64Array(n * Q), phaseW: new Float64Array(txs.length * 3 * Q),
    powered: new Float64Array(txs.length * Q), mv: new Float64Array(fleet.topology.feeders.length * Q),
  };
}

/** Fill the engine's load and PV buffers (float Wh) for the day in ctx. */
function fillDemand(e: Engine): void {
  const { ctx, rng, load, pv } = e;
  const seed = e.site.seed;
  load.fill(0);
  pv.fill(0);
  const profiles: readonly MeterProfile[] = e.fleet.profiles;
  for (let m = 0; m < e.n; m++) {
    const p = profiles[m]!;
    const off = m * Q;
    if (p.household) {
      addHouseholdLoad(ctx, p.household, rng.reseed(seed, m, ctx.day, STREAM.household), load, off);
      for (let k = 0; k < 3; k++) addApplianceRuns(ctx, k, p.household, rng.reseed(seed, m, ctx.dates[k], STREAM.appliance), load, off);
    }
    if (p.business) addBusinessLoad(ctx, p.business, rng.reseed(seed, m, ctx.day, STREAM.business), load, off);
    if (p.ev) for (let k = 0; k < 3; k++) addEvSession(ctx, k, p.ev, rng.reseed(seed, m, ctx.dates[k], STREAM.ev), load, off);
    if (p.heatPump) {
      addHeatPumpLoad(ctx, p.heatPump, rng.reseed(seed, m, ctx.day, STREAM.heatPump), load, off);
      for (let k = 0; k < 3; k++) addHotWaterRun(ctx, k, p.heatPump, rng.reseed(seed, m, ctx.dates[k], STREAM.hotWater), load, off);
    }
    if (p.pv) addPvGeneration(ctx, p.pv, pv, off);
  }
}

/** Net each meter per interval (what it imports or exports after its own PV), and load each transformer phase. */
function netAndPhaseLoad(e: Engine, imp: Float64Array, exp: Float64Array): void {
  const { load, pv, powered, phaseW, txOf, phaseOf } = e;
  phaseW.fill(0);
  for (let m = 0; m < e.n; m++) {
    const off = m * Q;
    const tx = txOf[m];
    const ph = phaseOf[m];
    for (let i = 0; i < Q; i++) {
      const f = powered[tx * Q + i];
      const net = (load[off + i] - pv[off + i]) * f;
      const im = net > 0 ? Math.round(net) : 0;
      const ex = net < 0 ? Math.round(-net) : 0;
      imp[off + i] = im;
      exp[off + i] = ex;
      const w = (im - ex) * 4;
      if (ph === 3) {
        const third = w / 3;
        phaseW[(tx * 3) * Q + i] += third;
        phaseW[(tx * 3 + 1) * Q + i] += third;
        phaseW[(tx * 3 + 2) * Q + i] += third;
      } else {
        phaseW[(tx * 3 + ph) * Q + i] += w;
      }
    }
  }
}

function fillVoltages(e: Engine, imp: Float64Array, exp: Float64Array, volt: Float64Array): void {
  const { rng, powered, phaseW, mv, txOf, phaseOf, voltOffset, networkVPerW, ctx } = e;
  const txs = e.fleet.grid.transformers;
  const voltageAt = supplyVoltage;
  for (let m = 0; m < e.n; m++) {
    const tx = txOf[m];
    const t = txs[tx]!;
    const f = t.feederIndex;
    const three = phaseOf[m] === 3;
    const k = networkVPerW[m];
    rng.reseed(e.site.seed, m, ctx.day, STREAM.voltage);
    for (let j = 0; j < (three ? 3 : 1); j++) {
      const ph = three ? j : phaseOf[m];
      const vo = voltOffset[m] + j * Q;
      for (let i = 0; i < Q; i++) {
        const noise = 0.15 * rng.tri();
        if (powered[tx * Q + i] === 0) { volt[vo + i] = 0; continue; }
        const own = ((imp[m * Q + i] - exp[m * Q + i]) * 4) / (three ? 3 : 1);
        const v = voltageAt(t.noLoadV * mv[f * Q + i], phaseW[(tx * 3 + ph) * Q + i], k, own) + noise;
        // Meters resolve voltage to 0.1 V (DSMR P1 and IDIS load profiles: scaler -1), so do we.
        volt[vo + i] = Math.round(v * 10) * 100;
      }
    }
  }
}

export function simulateDay(e: Engine, day: number): DayData {
  const ctx = fillDayContext(e.ctx, e.site, day);
  fillDemand(e);
  const outages = outagesTouchingDay(e.site.seed, e.fleet.grid.transformers.length, day);
  fillPowered(outages, ctx.start, e.powered);
  const imp = new Float64Array(e.n * Q);
  const exp = new Float64Array(e.n * Q);
  const volt = new Float64Array(e.voltOffset[e.n]);
  netAndPhaseLoad(e, imp, exp);
  fillMvFactors(e.site.seed, ctx, e.fleet.topology.feeders.length, e.mv);
  fillVoltages(e, imp, exp, volt);
  const events = outageEvents(outages, e.fleet.grid.transformers, e.meterIds, ctx.start, ctx.start + DAY_S);
  return { day, start: ctx.start, imp, exp, volt, events };
}
