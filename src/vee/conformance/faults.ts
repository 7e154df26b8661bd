/**
 * Fault injection on simulated data, with the ground truth kept: the fleet simulator's days are the
 * truth; faults are injected the way they reach an MDM (gaps, spikes, a clock that steps and is
 * corrected at the next read, a register that rolls over or resets with the interval computed across
 * it), the engine runs day by day with the previous 28 days of its own output as history, and every
 * finding is scored against what was injected. Used by fault-injection.test.ts (fewer days) and
 * scripts/vee-faults.ts (a full month).
 */
import { Rng } from '../../sim/prng.ts';
import { DAY_S, QUALITY, type IntervalSeries, type Meter, type MeterEvent, type RegisterReading } from '../../model/index.ts';
import { createFleet, FleetSimulator, OBIS_EXPORT, OBIS_IMPORT } from '../../sim/index.ts';
import { runVee } from '../engine.ts';
import type { ClockCheck, RuleId, VeeResult } from '../types.ts';

export type FaultKind = 'gap' | 'spike' | 'clock' | 'rollover' | 'reset';
export const FAULT_KINDS: readonly FaultKind[] = ['gap', 'spike', 'clock', 'rollover', 'reset'];

/** The rule that must report each kind of fault. */
export const EXPECTED: Readonly<Record<FaultKind, RuleId>> = {
  gap: 'gap', spike: 'spike', clock: 'clock', rollover: 'register-rollover', reset: 'register-reset',
};

export interface Fault {
  readonly kind: FaultKind;
  readonly meterId: string;
  readonly channel: string;
  readonly day: number;
  /** Intervals of the day whose data the fault changed, [from, to). */
  readonly from: number;
  readonly to: number;
}

export interface FaultOptions {
  readonly meters: number;
  readonly warmupDays: number;
  readonly days: number;
  readonly seed?: number;
  /** Chance per meter and day of one fault (default 0.02). */
  readonly rate?: number;
  /** First day (UTC midnight) of the warm-up. */
  readonly first?: number;
}

export interface FaultReport {
  readonly faults: number;
  /** rows: injected kind or 'clean'; columns: 'missed', the expected kind, or another rule that fired. */
  readonly matrix: Record<string, Record<string, number>>;
  readonly detected: number;
  readonly cleanChannelDays: number;
  readonly falsePositiveChannelDays: number;
  readonly cleanIntervals: number;
  readonly falsePositiveIntervals: number;
  readonly estimatedWh: number;
  readonly truthWh: number;
  readonly estimatedIntervals: number;
  readonly perKind: Record<string, { estimatedWh: number; truthWh: number }>;
  readonly channelDays: number;
  readonly seconds: number;
}

/** Register capacity of the rollover rule's default: a 6-digit kWh register, 10^9 Wh. */
const CAPACITY = 1e9;
const READ_EVERY_S = 6 * 3600;
const HISTORY_DAYS = 28;

function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

interface ChannelDay {
  readonly truth: IntervalSeries;
  values: Float64Array;
  quality: Uint8Array;
  fault?: Fault;
  events: MeterEvent[];
  clockChecks: ClockCheck[];
  registers: RegisterReading[];
}

/** Reads every 6 hours: each is also a clock check (normal drift of a few seconds). */
function readChecks(day: number, rnd: () => number): ClockCheck[] {
  const out: ClockCheck[] = [];
  for (let t = day; t <= day + DAY_S; t += READ_EVERY_S) out.push({ at: t, deviationS: Math.round((rnd() - 0.5) * 30) });
  return out;
}

function injectGap(cd: ChannelDay, rnd: () => number): [number, number] {
  const r = rnd();
  const len = r < 0.5 ? 1 + Math.floor(rnd() * 8) : r < 0.85 ? 9 + Math.floor(rnd() * 32) : 41 + Math.floor(rnd() * 56);
  const from = Math.floor(rnd() * (96 - Math.min(len, 96) + 1));
  const to = Math.min(96, from + len);
  for (let i = from; i < to; i++) { cd.values[i] = 0; cd.quality[i] = QUALITY.N; }
  return [from, to];
}

function injectSpike(cd: ChannelDay, peak: number, rnd: () => number): [number, number] {
  const i = Math.floor(rnd() * 96);
  cd.values[i] = Math.round(Math.max(peak, 400) * (3 + rnd() * 17));
  return [i, i + 1];
}

/**
 * The meter clock steps by k intervals some time after a read; the next read (≤ 6 h later) finds
 * the deviation and corrects it (events 4/5). Intervals recorded in between carry shifted stamps;
 * stamps nobody wrote are missing, and where two land on one stamp the later one stands.
 */
function injectClock(cd: ChannelDay, dayStart: number, rnd: () => number): [number, number] {
  const truth = cd.truth.values;
  const k = (rnd() < 0.5 ? -1 : 1) * (1 + Math.floor(rnd() * 8));
  const ts = Math.floor(rnd() * 96);
  const tr = Math.min(96, (Math.floor((ts * 900) / READ_EVERY_S) + 1) * (READ_EVERY_S / 900));
  for (let j = ts; j < tr; j++) {
    const stamp = j + k;
    if (stamp >= 0 && stamp < 96 && (k < 0 || stamp < tr)) cd.values[stamp] = truth[j]!;
  }
  const [holeFrom, holeTo] = k > 0 ? [ts, Math.min(tr, ts + k)] : [Math.max(ts, tr + k), tr];
  for (let i = holeFrom; i < holeTo; i++) { cd.values[i] = 0; cd.quality[i] = QUALITY.N; }
  const at = dayStart + tr * 900;
  cd.clockChecks = cd.clockChecks.map((c) => (c.at === at ? { at, deviationS: k * 900 } : c));
  cd.events.push({ meterId: cd.truth.meterId, at: at + k * 900, code: 4 }, { meterId: cd.truth.meterId, at, code: 5 });
  return [Math.max(0, ts + Math.min(0, k)), tr];
}

/**
 * A register jump inside interval i: the register rolls over at CAPACITY (its offset is chosen so
 * that it does) or resets to zero; the interval computed across it as a plain difference comes out
 * hugely negative, or (half the time) was rejected upstream and is missing. Returns the new register
 * offset for this meter from then on.
 */
function injectRegister(cd: ChannelDay, kind: 'rollover' | 'reset', startTrue: number, offset: number, rnd: () => number): { range: [number, number]; offset: number } {
  const truth = cd.truth.values;
  let i = Math.floor(rnd() * 96);
  for (let tries = 0; tries < 96 && truth[i]! < 4; tries++) i = (i + 1) % 96;
  let beforeTrue = startTrue;
  for (let j = 0; j < i; j++) beforeTrue += truth[j]!;
  let next: number;
  let computed: number;
  if (kind === 'rollover') {
    // The register must be near capacity to roll over: the day starts where it wraps inside interval i.
    const dayOffset = CAPACITY - Math.floor(truth[i]! / 2) - beforeTrue;
    cd.registers[0] = { ...cd.registers[0]!, value: startTrue + dayOffset };
    next = dayOffset - CAPACITY;
    computed = truth[i]! - CAPACITY;
  } else {
    // Reset to zero at the start of interval i.
    next = -beforeTrue;
    computed = truth[i]! - (beforeTrue + offset);
  }
  if (rnd() < 0.5) { cd.values[i] = 0; cd.quality[i] = QUALITY.N; } else cd.values[i] = computed;
  return { range: [i, i + 1], offset: next };
}

function meterPeak(history: readonly IntervalSeries[] | undefined): number {
  let peak = 0;
  for (const s of history ?? []) for (let i = 0; i < s.values.length; i++) if (s.quality[i] === QUALITY.A && s.values[i]! > peak) peak = s.values[i]!;
  return peak;
}

const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;

export function runFaultInjection(opts: FaultOptions): FaultReport {
  const t0 = performance.now();
  const seed = opts.seed ?? 2026;
  const rate = opts.rate ?? 0.02;
  const first = opts.first ?? Date.UTC(2026, 3, 1) / 1000;
  const fleet = createFleet({ seed, meters: opts.meters });
  const sim = new FleetSimulator(fleet, { start: first });
  const meters = new Map<string, Meter>(fleet.meters.map((m) => [m.id, m]));
  const rnd = prng(seed * 7919 + 1);
  const history = new Map<string, IntervalSeries[]>();
  const lastRegister = new Map<string, RegisterReading>();
  const registerOffset = new Map<string, number>();
  const matrix: Record<string, Record<string, number>> = {};
  const bump = (row: string, col: string): void => { (matrix[row] ??= {})[col] = (matrix[row]![col] ?? 0) + 1; };
  const perKind: Record<string, { estimatedWh: number; truthWh: number }> = {};
  let faults = 0, detected = 0, cleanCd = 0, fpCd = 0, cleanIv = 0, fpIv = 0, estWh = 0, truthWh = 0, estIv = 0, channelDays = 0;

  const keep = (key: string, s: IntervalSeries): void => {
    const h = history.get(key) ?? [];
    h.push(s);
    if (h.length > HISTORY_DAYS) h.shift();
    history.set(key, h);
  };

  for (let d = 0; d < opts.warmupDays + opts.days; d++) {
    const dayStart = first + d * DAY_S;
    const out = sim.generateDay(dayStart);
    const ends = new Map<string, RegisterReading>();
    for (const r of out.registers) {
      const key = `${r.meterId} ${r.channel}`;
      if (r.at === dayStart && !lastRegister.has(key)) lastRegister.set(key, r);
      if (r.at === dayStart + DAY_S) ends.set(key, r);
    }
    const events = new Map<string, MeterEvent[]>();
    for (const e of out.events) (events.get(e.meterId) ?? events.set(e.meterId, []).get(e.meterId)!).push(e);
    const warm = d < opts.warmupDays;
    // Faults: at most one per meter and day, on its import channel (registers: import only).
    const faultFor = new Map<string, FaultKind>();
    if (!warm) {
      for (const m of fleet.meters) {
        if (rnd() >= rate) continue;
        const r = rnd();
        faultFor.set(m.id, r < 0.35 ? 'gap' : r < 0.6 ? 'spike' : r < 0.75 ? 'clock' : r < 0.875 ? 'rollover' : 'reset');
      }
    }
    for (const s of out.series) {
      const key = `${s.meterId} ${s.channel}`;
      const energy = s.channel === OBIS_IMPORT || s.channel === OBIS_EXPORT;
      const startReg = lastRegister.get(key);
      const endReg = ends.get(key);
      const offset = registerOffset.get(key) ?? 0;
      const cd: ChannelDay = {
        truth: s, values: s.values.slice(), quality: s.quality.slice(), events: [...(events.get(s.meterId) ?? [])],
        clockChecks: readChecks(dayStart, rnd),
        registers: energy && startReg && endReg ? [{ ...startReg, value: startReg.value + offset }, { ...endReg, value: endReg.value + offset }] : [],
      };
      if (endReg) lastRegister.set(key, endReg);
      if (warm) { keep(key, s); continue; }
      const kind = s.channel === OBIS_IMPORT ? faultFor.get(s.meterId) : undefined;
      if (kind !== undefined) {
        let range: [number, number];
        if (kind === 'gap') range = injectGap(cd, rnd);
        else if (kind === 'spike') range = injectSpike(cd, meterPeak(history.get(key)), rnd);
        else if (kind === 'clock') range = injectClock(cd, dayStart, rnd);
        else {
          const r = injectRegister(cd, kind, startReg!.value, offset, rnd);
          range = r.range;
          registerOffset.set(key, r.offset);
          cd.registers[1] = { ...endReg!, value: endReg!.value + r.offset };
        }
        cd.fault = { kind, meterId: s.meterId, channel: s.channel, day: dayStart, from: range[0], to: range[1] };
      }
      const series: IntervalSeries = { meterId: s.meterId, channel: s.channel, start: s.start, intervalS: s.intervalS, values: cd.values, quality: cd.quality };
      const result = runVee({
        series, meter: meters.get(s.meterId)!, history: history.get(key), registers: cd.registers, events: cd.events,
        clockChecks: cd.clockChecks, readThrough: dayStart + DAY_S,
      });
      channelDays++;
      score(cd, result);
      keep(key, result.series);
    }
  }

  function score(cd: ChannelDay, r: VeeResult): void {
    const serious = r.findings.filter((f) => f.severity !== 'info');
    const f = cd.fault;
    if (f === undefined) {
      cleanCd++;
      cleanIv += 96;
      if (serious.length > 0) {
        fpCd++;
        bump('clean', serious[0]!.rule);
      } else bump('clean', 'none');
      for (let i = 0; i < 96; i++) if (r.series.quality[i] !== cd.truth.quality[i] || r.series.values[i] !== cd.truth.values[i]) fpIv++;
    } else {
      faults++;
      const hits = serious.filter((x) => overlaps(x.from, x.to, f.from, f.to));
      if (hits.some((x) => x.rule === EXPECTED[f.kind])) { detected++; bump(f.kind, f.kind); } else bump(f.kind, hits[0]?.rule ?? 'missed');
    }
    for (const e of r.estimates) {
      let est = 0;
      let truth = 0;
      for (let i = e.from; i < e.to; i++) { est += r.series.values[i]!; truth += cd.truth.values[i]!; }
      estWh += est;
      truthWh += truth;
      estIv += e.to - e.from;
      const k = f?.kind ?? 'clean';
      const acc = (perKind[k] ??= { estimatedWh: 0, truthWh: 0 });
      acc.estimatedWh += est;
      acc.truthWh += truth;
    }
  }

  return {
    faults, matrix, detected, cleanChannelDays: cleanCd, falsePositiveChannelDays: fpCd, cleanIntervals: cleanIv, falsePositiveIntervals: fpIv,
    estimatedWh: estWh, truthWh, estimatedIntervals: estIv, perKind, channelDays, seconds: (performance.now() - t0) / 1000,
  };
}

/** The confusion matrix and the figures as text, for the test output and the script. */
export function formatReport(r: FaultReport): string {
  const cols = [...new Set(['missed', ...FAULT_KINDS, 'none', ...Object.values(r.matrix).flatMap((row) => Object.keys(row))])];
  const rows = [...FAULT_KINDS, 'clean'];
  const w = Math.max(...cols.map((c) => c.length), 8);
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(w))).join(' ');
  const out = [line(['injected', ...cols])];
  for (const row of rows) out.push(line([row, ...cols.map((c) => String(r.matrix[row]?.[c] ?? 0))]));
  const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(2)} %`);
  out.push(
    `faults ${r.faults}, found ${r.detected} (${pct(r.detected, r.faults)}); clean channel-days ${r.cleanChannelDays}, false positives ${r.falsePositiveChannelDays} (${pct(r.falsePositiveChannelDays, r.cleanChannelDays)}); ` +
    `clean intervals changed ${r.falsePositiveIntervals} of ${r.cleanIntervals} (${pct(r.falsePositiveIntervals, r.cleanIntervals)})`,
    `estimated ${r.estimatedIntervals} intervals: ${Math.round(r.estimatedWh)} Wh vs withheld truth ${Math.round(r.truthWh)} Wh (${pct(r.estimatedWh - r.truthWh, r.truthWh)}); ` +
    Object.entries(r.perKind).map(([k, v]) => `${k} ${pct(v.estimatedWh - v.truthWh, v.truthWh)}`).join(', '),
    `${r.channelDays} channel-days in ${r.seconds.toFixed(1)} s`,
  );
  return out.join('\n');
}
