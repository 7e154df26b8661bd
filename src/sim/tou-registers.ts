import { obis, zoneOffsetAt, type EpochSeconds, type IntervalSeries, type Obis, type RegisterReading } from '../model/index.ts';

/**
 * Simulated meter firmware: the TOU energy registers 1-0:1.8.1 … 1-0:1.8.N a meter keeps from its
 * own activity calendar, as DLMS meters do (Activity Calendar: season profiles → week profiles →
 * day profiles of switch times; Special Days Table for holidays; Clock with time zone and DST).
 * It is written independently of the tariff engine in src/services/tariffs on purpose: TOU
 * verification compares the two, so sharing code would hide the very errors it must find. A
 * misconfigured meter is just another program (`misconfigure`): registers swapped, DST not
 * applied, clock ahead or behind, or the wrong season table.
 */

/** From `at` (meter-local HH:MM) on, the meter counts in `register` (1-based). */
export interface TouSwitch {
  readonly at: string;
  readonly register: number;
}

export interface TouSeasonProfile {
  readonly name: string;
  /** MM-DD on which the season starts; it lasts until the next season's start (wrapping over New Year). */
  readonly start: string;
  /** Day profile names for Monday … Sunday. */
  readonly week: readonly [string, string, string, string, string, string, string];
}

export interface TouProgram {
  /** IANA zone of the meter's clock. */
  readonly zone: string;
  /** 'local' follows the zone's summer time; 'standard' stays on standard (winter) time all year. */
  readonly clock: 'local' | 'standard';
  /** Error of the TOU clock, seconds; positive = ahead of true time. */
  readonly clockOffsetS: number;
  readonly registers: number;
  readonly seasons: readonly TouSeasonProfile[];
  readonly dayProfiles: Readonly<Record<string, readonly TouSwitch[]>>;
  /** Special days by meter-local date YYYY-MM-DD → day profile (public holidays). */
  readonly specialDays?: Readonly<Record<string, string>>;
  /** Energy of logical register i (1-based) goes to physical register wiring[i − 1]; identity when absent. */
  readonly wiring?: readonly number[];
}

export type TouMisconfiguration =
  | { readonly kind: 'registers-swapped'; readonly a: number; readonly b: number }
  /** The clock ignores summer time. */
  | { readonly kind: 'no-dst' }
  /** The clock follows summer time though the program should run on standard time. */
  | { readonly kind: 'dst-applied' }
  | { readonly kind: 'clock-offset'; readonly seconds: number }
  /** One season's week profile all year. */
  | { readonly kind: 'season-single'; readonly season: string }
  /** Every season starts `days` later (negative: earlier). */
  | { readonly kind: 'season-shift'; readonly days: number };

/** The program as a misconfigured meter holds it. */
export function misconfigure(p: TouProgram, f: TouMisconfiguration): TouProgram {
  switch (f.kind) {
    case 'registers-swapped': {
      const wiring = (p.wiring ?? Array.from({ length: p.registers }, (_, i) => i + 1)).map((r) => (r === f.a ? f.b : r === f.b ? f.a : r));
      return { ...p, wiring };
    }
    case 'no-dst': return { ...p, clock: 'standard' };
    case 'dst-applied': return { ...p, clock: 'local' };
    case 'clock-offset': return { ...p, clockOffsetS: p.clockOffsetS + f.seconds };
    case 'season-single': {
      const s = p.seasons.find((x) => x.name === f.season);
      if (!s) throw new RangeError(`no season "${f.season}" in the program`);
      return { ...p, seasons: [{ ...s, start: '01-01' }] };
    }
    case 'season-shift':
      return { ...p, seasons: p.seasons.map((s) => ({ ...s, start: shiftMonthDay(s.start, f.days) })) };
  }
}

function shiftMonthDay(md: string, days: number): string {
  const d = new Date(Date.UTC(2023, Number(md.slice(0, 2)) - 1, Number(md.slice(3)) + days));
  return d.toISOString().slice(5, 10);
}

const hhmm = (s: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RangeError(`switch time "${s}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

interface Compiled {
  readonly program: TouProgram;
  /** Physical register index (0-based) per minute of the day, per day profile. */
  readonly days: ReadonlyMap<string, Uint8Array>;
  readonly seasons: readonly { readonly md: number; readonly week: readonly string[] }[];
}

function compile(p: TouProgram): Compiled {
  if (p.seasons.length === 0) throw new RangeError('a TOU program needs at least one season');
  const wiring = p.wiring ?? Array.from({ length: p.registers }, (_, i) => i + 1);
  const days = new Map<string, Uint8Array>();
  for (const [name, switches] of Object.entries(p.dayProfiles)) {
    const sorted = [...switches].sort((a, b) => hhmm(a.at) - hhmm(b.at));
    if (sorted.length === 0 || hhmm(sorted[0]!.at) !== 0) throw new RangeError(`day profile "${name}" must switch at 00:00`);
    const minutes = new Uint8Array(1440);
    sorted.forEach((s, j) => {
      if (!(s.register >= 1 && s.register <= p.registers)) throw new RangeError(`day profile "${name}" names register ${s.register} of ${p.registers}`);
      const end = j + 1 < sorted.length ? hhmm(sorted[j + 1]!.at) : 1440;
      minutes.fill(wiring[s.register - 1]! - 1, hhmm(s.at), end);
    });
    days.set(name, minutes);
  }
  const seasons = [...p.seasons]
    .map((s) => ({ md: Number(s.start.slice(0, 2)) * 100 + Number(s.start.slice(3)), week: s.week as readonly string[] }))
    .sort((a, b) => a.md - b.md);
  for (const s of seasons) for (const d of s.week) if (!days.has(d)) throw new RangeError(`week profile names unknown day profile "${d}"`);
  return { program: p, days, seasons };
}

/** Physical register (0-based) the meter counts in at true instant t. */
function registerAt(c: Compiled, t: EpochSeconds): number {
  const p = c.program;
  const m = t + p.clockOffsetS;
  const off = zoneOffsetAt(m, p.zone);
  const local = m + (p.clock === 'local' ? off.offset : off.standard) * 60;
  const dayNo = Math.floor(local / 86_400);
  const date = new Date(dayNo * 86_400_000);
  const iso = date.toISOString().slice(0, 10);
  const special = p.specialDays?.[iso];
  let profile: string;
  if (special !== undefined) profile = special;
  else {
    const md = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
    let season = c.seasons[c.seasons.length - 1]!;
    for (const s of c.seasons) if (s.md <= md) season = s;
    profile = season.week[(date.getUTCDay() + 6) % 7]!;
  }
  return c.days.get(profile)![Math.floor((local - dayNo * 86_400) / 60)]!;
}

export interface TouReadOptions {
  /** Instants at which the register values are read (the head-end's time). */
  readonly readTimes: readonly EpochSeconds[];
  /** Register values at the start of the series, Wh (default 0). */
  readonly initial?: readonly number[];
  /** Display resolution, Wh: values are truncated to it (default 1 = 0.001 kWh). */
  readonly resolutionWh?: number;
}

/**
 * The meter's TOU register readings at each read time, from its true interval energy (`series`,
 * Wh per interval) and its own program. Energy is spread evenly within an interval, so a clock
 * offset that is not whole quarter-hours splits an interval between registers as a meter would.
 */
export function touRegisterReadings(series: IntervalSeries, program: TouProgram, opts: TouReadOptions): RegisterReading[] {
  const c = compile(program);
  const R = program.registers;
  const res = opts.resolutionWh ?? 1;
  const step = series.intervalS;
  const cum = Float64Array.from({ length: R }, (_, i) => opts.initial?.[i] ?? 0);
  const channels: Obis[] = Array.from({ length: R }, (_, i) => obis(`1-0:1.8.${i + 1}`));
  const out: RegisterReading[] = [];
  const reads = [...opts.readTimes].sort((a, b) => a - b);
  const seriesEnd = series.start + series.values.length * step;
  // Add the energy of [from, to) (inside one interval) to the registers it falls in.
  const addPart = (i: number, from: number, to: number): void => {
    const v = series.values[i]!;
    if (v === 0 || to <= from) return;
    const a = registerAt(c, from);
    const b = registerAt(c, to - 1);
    if (a === b) { cum[a]! += (v * (to - from)) / step; return; }
    // A switch inside: minute by minute (switches are on whole minutes of the meter clock).
    for (let t = from; t < to; t += 60) {
      const e = Math.min(to, t + 60);
      cum[registerAt(c, t)]! += (v * (e - t)) / step;
    }
  };
  let i = 0; // next interval not yet counted
  let partial = 0; // seconds of interval i already counted
  for (const at of reads) {
    const until = Math.min(Math.max(at, series.start), seriesEnd);
    while (i < series.values.length) {
      const s = series.start + i * step;
      if (s + step <= until) { addPart(i, s + partial, s + step); i++; partial = 0; continue; }
      if (until > s + partial) { addPart(i, s + partial, until); partial = until - s; }
      break;
    }
    for (let r = 0; r < R; r++) {
      // Truncated to the display resolution; the epsilon absorbs binary fractions of split intervals.
      out.push({ meterId: series.meterId, channel: channels[r]!, at, value: Math.floor(cum[r]! / res + 1e-9) * res, quality: 'A' });
    }
  }
  return out;
}
