/**
 * Random access to one fleet's simulated data for the simulated DLMS meters: interval values,
 * cumulative registers at any 15-minute boundary, voltages and power events, each a pure function
 * of (seed, meter, time). One source serves every meter of the fleet (a day is simulated for the
 * whole fleet at once), so create it once and hand it to each meter's object server.
 *
 * Registers follow the FleetSimulator's rule exactly: at `start` they hold the profiles' initial
 * values, and register(t) − register(t − 900) is the interval value ending at t. A FleetSimulator
 * built with the same `start` therefore reports the same register readings.
 */
import { DAY_S, type EpochSeconds, type MeterEvent } from '../../model/index.ts';
import { INTERVAL_S, Q } from '../clock.ts';
import { createEngine, simulateDay, type DayData, type Engine } from '../engine.ts';
import { outageEvents, outagesTouchingDay, type Outage } from '../events.ts';
import type { Fleet } from '../fleet.ts';

export interface FleetDataSourceOptions {
  /** On the 15-minute grid: the instant the registers hold their initial values (the meters' commissioning). */
  readonly start: EpochSeconds;
  /** Whole simulated days kept in memory (default 4). */
  readonly cacheDays?: number;
}

export interface RegisterPair {
  /** Cumulative import, Wh (1-0:1.8.0). */
  readonly imp: number;
  /** Cumulative export, Wh (1-0:2.8.0). */
  readonly exp: number;
}

export class FleetDataSource {
  readonly fleet: Fleet;
  readonly start: EpochSeconds;
  private readonly engine: Engine;
  private readonly cacheDays: number;
  private readonly days = new Map<number, DayData>();
  /** Per day: cumulative [imp × n, exp × n] of all intervals from the anchor day's start to this day's start. */
  private readonly prefix = new Map<number, Float64Array>();
  private readonly anchorDay: number;
  private readonly outages = new Map<number, readonly Outage[]>();
  private readonly index = new Map<string, number>();

  constructor(fleet: Fleet, opts: FleetDataSourceOptions) {
    if (!Number.isInteger(opts.start) || opts.start % INTERVAL_S !== 0) throw new RangeError(`start ${opts.start} is not on the 15-minute grid`);
    this.fleet = fleet;
    this.start = opts.start;
    this.cacheDays = Math.max(2, opts.cacheDays ?? 4);
    this.engine = createEngine(fleet);
    this.anchorDay = Math.floor(opts.start / DAY_S);
    this.prefix.set(this.anchorDay, new Float64Array(2 * this.engine.n));
    fleet.profiles.forEach((p, i) => this.index.set(p.meterId, i));
  }

  /** The meter's position in the fleet; throws for an id the fleet does not have. */
  meterIndex(meterId: string): number {
    const i = this.index.get(meterId);
    if (i === undefined) throw new RangeError(`meter ${meterId} is not in the fleet`);
    return i;
  }

  /** Import and export (Wh) of the interval ending at `end` (on the grid). */
  interval(m: number, end: EpochSeconds): RegisterPair {
    const t = end - INTERVAL_S;
    const day = Math.floor(t / DAY_S);
    const data = this.day(day);
    const k = m * Q + (t - day * DAY_S) / INTERVAL_S;
    return { imp: data.imp[k]!, exp: data.exp[k]! };
  }

  /** The registers at grid instant `t` (before `start` they are counted back from the initial values). */
  registersAt(m: number, t: EpochSeconds): RegisterPair {
    const a = this.cumulative(m, t);
    const s = this.cumulative(m, this.start);
    const p = this.fleet.profiles[m]!;
    return { imp: p.initialImportWh + a.imp - s.imp, exp: p.initialExportWh + a.exp - s.exp };
  }

  /** Registers at `count` consecutive grid instants from `first`. */
  registerSeries(m: number, first: EpochSeconds, count: number): { imp: Float64Array; exp: Float64Array } {
    const imp = new Float64Array(count);
    const exp = new Float64Array(count);
    if (count === 0) return { imp, exp };
    let r = this.registersAt(m, first);
    let ri = r.imp;
    let re = r.exp;
    imp[0] = ri;
    exp[0] = re;
    for (let j = 1; j < count; j++) {
      r = this.interval(m, first + j * INTERVAL_S);
      ri += r.imp;
      re += r.exp;
      imp[j] = ri;
      exp[j] = re;
    }
    return { imp, exp };
  }

  /** Supply voltage (mV) of phase `phase` (0..2; single-phase meters have only 0) over the interval ending at `end`. */
  voltageMv(m: number, phase: number, end: EpochSeconds): number {
    const t = end - INTERVAL_S;
    const day = Math.floor(t / DAY_S);
    const data = this.day(day);
    return data.volt[this.engine.voltOffset[m]! + phase * Q + (t - day * DAY_S) / INTERVAL_S]!;
  }

  /** The meter's power-down/up events with `from < at ≤ to`, oldest first, as the simulator reports them. */
  events(m: number, from: EpochSeconds, to: EpochSeconds): MeterEvent[] {
    const out: MeterEvent[] = [];
    if (!(to > from)) return out;
    const p = this.fleet.profiles[m]!;
    const txs = this.fleet.grid.transformers;
    for (let d = Math.floor(from / DAY_S); d * DAY_S <= to; d++) {
      const mine = this.outagesOn(d).filter((o) => o.transformerIndex === p.transformerIndex);
      if (mine.length === 0) continue;
      for (const ev of outageEvents(mine, txs, this.engine.meterIds, d * DAY_S, (d + 1) * DAY_S)) {
        if (ev.meterId === p.meterId && ev.at > from && ev.at <= to) out.push(ev);
      }
    }
    return out;
  }

  private outagesOn(day: number): readonly Outage[] {
    let o = this.outages.get(day);
    if (o === undefined) {
      o = outagesTouchingDay(this.fleet.seed, this.fleet.grid.transformers.length, day);
      this.outages.set(day, o);
    }
    return o;
  }

  private day(day: number): DayData {
    let data = this.days.get(day);
    if (data === undefined) {
      data = simulateDay(this.engine, day);
      this.days.set(day, data);
      if (this.days.size > this.cacheDays) this.days.delete(this.days.keys().next().value!);
    }
    return data;
  }

  /** Sum of the intervals from the anchor day's start to grid instant t (negative before it). */
  private cumulative(m: number, t: EpochSeconds): RegisterPair {
    if (!Number.isInteger(t) || t % INTERVAL_S !== 0) throw new RangeError(`${t} is not on the 15-minute grid`);
    const day = Math.floor(t / DAY_S);
    const pre = this.prefixOf(day);
    let imp = pre[m]!;
    let exp = pre[this.engine.n + m]!;
    const upTo = (t - day * DAY_S) / INTERVAL_S;
    if (upTo > 0) {
      const data = this.day(day);
      for (let k = m * Q; k < m * Q + upTo; k++) { imp += data.imp[k]!; exp += data.exp[k]!; }
    }
    return { imp, exp };
  }

  private prefixOf(day: number): Float64Array {
    const have = this.prefix.get(day);
    if (have) return have;
    const n = this.engine.n;
    const step = day > this.anchorDay ? 1 : -1;
    // Walk from the nearest known day towards `day`, caching each day's prefix on the way.
    let d = day;
    while (!this.prefix.has(d)) d -= step;
    let cur = this.prefix.get(d)!;
    while (d !== day) {
      const next = new Float64Array(2 * n);
      const data = this.day(step > 0 ? d : d - 1);
      for (let m = 0; m < n; m++) {
        let im = 0;
        let ex = 0;
        for (let k = m * Q; k < m * Q + Q; k++) { im += data.imp[k]!; ex += data.exp[k]!; }
        next[m] = cur[m]! + step * im;
        next[n + m] = cur[n + m]! + step * ex;
      }
      d += step;
      this.prefix.set(d, next);
      cur = next;
    }
    return cur;
  }
}
