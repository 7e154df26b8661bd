import { DAY_S, epochToIso, type EpochSeconds, type IntervalSeries, type MeterEvent, type RegisterReading } from '../model/index.ts';
import { OBIS_EXPORT, OBIS_IMPORT } from './channels.ts';
import { INTERVAL_S, Q as QUARTERS } from './clock.ts';
import { createEngine, simulateDay, type DayData, type Engine } from './engine.ts';
import type { Fleet } from './fleet.ts';
import { buildSeries } from './output.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/** What one call hands to the ingest pipeline. */
export interface SimOutput {
  readonly series: IntervalSeries[];
  readonly registers: RegisterReading[];
  readonly events: MeterEvent[];
}

export interface SimulatorOptions {
  /**
   * Instant (on the 15-minute grid) at which the registers hold the profiles' initial values.
   * Defaults to the start of whatever is generated first.
   */
  readonly start?: EpochSeconds;
}

const CACHED_DAYS = 3;

/**
 * Runs a fleet through time. Interval values are a pure function of (seed, meter, interval), so
 * generateDay and intervalsBetween agree on every value; the registers are the one piece of state:
 * they advance over every interval exactly once, in order, also over intervals nobody asked for
 * (a meter keeps counting while the head-end is away).
 */
export class FleetSimulator {
  readonly fleet: Fleet;
  private readonly engine: Engine;
  private readonly cumImport: Float64Array;
  private readonly cumExport: Float64Array;
  private readonly hasExport: Uint8Array;
  private readonly cache = new Map<number, DayData>();
  private startT: EpochSeconds | undefined;
  private cursorT: EpochSeconds | undefined;
  private startReported = false;

  constructor(fleet: Fleet, opts: SimulatorOptions = {}) {
    this.fleet = fleet;
    this.engine = createEngine(fleet);
    this.cumImport = Float64Array.from(fleet.profiles, (p) => p.initialImportWh);
    this.cumExport = Float64Array.from(fleet.profiles, (p) => p.initialExportWh);
    this.hasExport = Uint8Array.from(fleet.profiles, (p) => (p.pv ? 1 : 0));
    if (opts.start !== undefined) {
      if (!Number.isInteger(opts.start) || opts.start % INTERVAL_S !== 0) throw new RangeError(`start ${opts.start} is not on the 15-minute grid`);
      this.startT = opts.start;
      this.cursorT = opts.start;
    }
  }

  /** End of the last interval the registers include; undefined before anything was generated. */
  get cursor(): EpochSeconds | undefined {
    return this.cursorT;
  }

  /** One UTC day for all meters: 96 intervals per channel, the registers at the day's end, the day's events. */
  generateDay(dayStartUtc: EpochSeconds): SimOutput {
    if (!Number.isInteger(dayStartUtc) || dayStartUtc % DAY_S !== 0) throw new RangeError(`${dayStartUtc} is not the start of a UTC day`);
    this.begin(dayStartUtc);
    this.requireAhead(dayStartUtc);
    this.advanceTo(dayStartUtc);
    const data = this.dayData(dayStartUtc / DAY_S);
    const series = buildSeries(this.engine, [data], dayStartUtc, Q);
    const registers = this.startRegisters();
    this.advanceTo(dayStartUtc + DAY_S);
    this.pushRegisters(registers, dayStartUtc + DAY_S);
    return { series, registers, events: [...data.events] };
  }

  /** Consecutive days from `firstDayUtc`, e.g. to load history before going live. */
  *days(firstDayUtc: EpochSeconds, count: number): Generator<SimOutput> {
    for (let d = 0; d < count; d++) yield this.generateDay(firstDayUtc + d * DAY_S);
  }

  /**
   * Live mode: the intervals ending in (from, to] as each meter reports them (per channel one series
   * of those intervals), a register reading at every interval end, and the events in (from, to].
   * Call with consecutive windows; a gap is skipped over with the registers still counting.
   */
  intervalsBetween(fromUtc: EpochSeconds, toUtc: EpochSeconds): SimOutput {
    if (!(toUtc >= fromUtc)) throw new RangeError(`window (${fromUtc}, ${toUtc}] ends before it starts`);
    const firstEnd = Math.floor(fromUtc / INTERVAL_S) * INTERVAL_S + INTERVAL_S;
    const lastEnd = Math.floor(toUtc / INTERVAL_S) * INTERVAL_S;
    const count = lastEnd >= firstEnd ? (lastEnd - firstEnd) / INTERVAL_S + 1 : 0;
    const series: IntervalSeries[] = [];
    const registers: RegisterReading[] = [];
    if (count > 0) {
      const first = firstEnd - INTERVAL_S;
      this.begin(first);
      this.requireAhead(first);
      this.advanceTo(first);
      const days: DayData[] = [];
      for (let d = Math.floor(first / DAY_S); d * DAY_S < lastEnd; d++) days.push(this.dayData(d));
      // Not push(...xs): a fleet of 100,000 meters has ~300,000 series, more arguments than the stack holds.
      for (const s of buildSeries(this.engine, days, first, count)) series.push(s);
      for (const r of this.startRegisters()) registers.push(r);
      for (let end = firstEnd; end <= lastEnd; end += INTERVAL_S) {
        this.advanceTo(end);
        this.pushRegisters(registers, end);
      }
    }
    const events: MeterEvent[] = [];
    for (let d = Math.floor(fromUtc / DAY_S); d * DAY_S < toUtc; d++) {
      for (const ev of this.dayData(d).events) if (ev.at > fromUtc && ev.at <= toUtc) events.push(ev);
    }
    return { series, registers, events };
  }

  /** The registers as they stand at the cursor. */
  currentRegisters(): RegisterReading[] {
    const out: RegisterReading[] = [];
    if (this.cursorT !== undefined) this.pushRegisters(out, this.cursorT);
    return out;
  }

  private begin(t: EpochSeconds): void {
    if (this.cursorT === undefined) {
      this.startT = t;
      this.cursorT = t;
    }
  }

  private requireAhead(t: EpochSeconds): void {
    if (t < this.cursorT!) {
      throw new RangeError(`intervals from ${epochToIso(t)} were already generated: the registers stand at ${epochToIso(this.cursorT!)}; generate days in order`);
    }
  }

  private dayData(day: number): DayData {
    let data = this.cache.get(day);
    if (!data) {
      data = simulateDay(this.engine, day);
      this.cache.set(day, data);
      if (this.cache.size > CACHED_DAYS) this.cache.delete(this.cache.keys().next().value!);
    }
    return data;
  }

  /** Add every interval ending in (cursor, t] to the registers. */
  private advanceTo(t: EpochSeconds): void {
    const n = this.engine.n;
    while (this.cursorT! < t) {
      const day = Math.floor(this.cursorT! / DAY_S);
      const data = this.dayData(day);
      const i0 = (this.cursorT! - day * DAY_S) / INTERVAL_S;
      const i1 = Math.min(Q, (t - day * DAY_S) / INTERVAL_S);
      for (let m = 0; m < n; m++) {
        let im = 0;
        let ex = 0;
        for (let i = m * Q + i0; i < m * Q + i1; i++) { im += data.imp[i]; ex += data.exp[i]; }
        this.cumImport[m] += im;
        this.cumExport[m] += ex;
      }
      this.cursorT = day * DAY_S + i1 * INTERVAL_S;
    }
  }

  /** The very first output also carries the registers' starting values, so consumption is known from the first interval. */
  private startRegisters(): RegisterReading[] {
    if (this.startReported) return [];
    this.startReported = true;
    const out: RegisterReading[] = [];
    this.fleet.profiles.forEach((p) => {
      out.push({ meterId: p.meterId, channel: OBIS_IMPORT, at: this.startT!, value: p.initialImportWh, quality: 'A' });
      if (p.pv) out.push({ meterId: p.meterId, channel: OBIS_EXPORT, at: this.startT!, value: p.initialExportWh, quality: 'A' });
    });
    return out;
  }

  private pushRegisters(out: RegisterReading[], at: EpochSeconds): void {
    const ids = this.engine.meterIds;
    for (let m = 0; m < this.engine.n; m++) {
      out.push({ meterId: ids[m]!, channel: OBIS_IMPORT, at, value: this.cumImport[m], quality: 'A' });
      if (this.hasExport[m]) out.push({ meterId: ids[m]!, channel: OBIS_EXPORT, at, value: this.cumExport[m], quality: 'A' });
    }
  }
}
