import { epochToIso, MeterstackError, QUALITY, zoneOffsetAt, type EpochSeconds } from '../../model/index.ts';
import { buildGrid, type VersionedTariff } from '../tariffs/calendar.ts';
import { seasonOf, type Season, type Tariff } from '../tariffs/tariff.model.ts';

/**
 * TOU verification, the pure part (docs/tou-verification.md). A meter's own TOU registers
 * (1-0:1.8.1, 1-0:1.8.2 …) must advance, between two register reads, by the energy of its interval
 * data that the tariff calendar puts in each register. Where they do not, the meter's calendar,
 * clock or configuration differs from the tariff's; which way it differs is found by laying the
 * interval data over the calendar as a misconfigured meter would see it (registers swapped, no
 * DST, clock ahead or behind by k quarter-hours, another season's table or shifted season dates)
 * and keeping the hypothesis whose expected register advances match the observed ones.
 *
 * Everything that depends only on (tariff, zone, range) — the register each interval falls in
 * under each hypothesis — is built once as a TouModel and shared by every meter on that tariff;
 * a meter then costs one pass over its intervals (or, when the calendar does not fit, one pass per
 * distinct hypothesis layout).
 */

export const STEP_S = 900;
export const MAX_OFFSET_QUARTERS = 8;

export type TouFault =
  | { readonly kind: 'registers-swapped'; readonly registers: readonly [string, string] }
  /** The meter stays on standard (winter) time all year though the tariff follows local time. */
  | { readonly kind: 'dst-not-applied' }
  /** The meter follows summer time though the tariff is quoted in standard time (Economy 7 in GMT). */
  | { readonly kind: 'dst-applied' }
  /** The meter's TOU clock runs `minutes` ahead (negative: behind) of true local time. */
  | { readonly kind: 'clock-offset'; readonly minutes: number }
  | { readonly kind: 'wrong-season'; readonly mode: 'single'; readonly season: string }
  | { readonly kind: 'wrong-season'; readonly mode: 'swapped'; readonly seasons: readonly [string, string] }
  /** Every season starts `days` later (negative: earlier) than the tariff says. */
  | { readonly kind: 'wrong-season'; readonly mode: 'shifted'; readonly days: number };

export type TouFaultKind = TouFault['kind'];
export const TOU_FAULT_KINDS: readonly TouFaultKind[] = ['registers-swapped', 'dst-not-applied', 'dst-applied', 'clock-offset', 'wrong-season'];

/** Register index per interval under one hypothesis about the meter's calendar. */
interface Layout {
  readonly reg: Uint8Array;
  readonly faults: readonly TouFault[];
  /** Lower = simpler; breaks ties between equally good explanations. */
  readonly rank: number;
  /** Other hypotheses that put every interval of the range in the same register. */
  readonly equivalents: TouFault[][];
}

interface Permutation {
  /** perm[c] = the meter register that counts what the calendar puts in register c (an involution). */
  readonly perm: Uint8Array;
  readonly faults: readonly TouFault[];
  readonly rank: number;
}

export interface TouModel {
  readonly zone: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly n: number;
  /** OBIS codes of the TOU registers, in register index order. */
  readonly registers: readonly string[];
  /** [0] is the tariff calendar itself. */
  readonly layouts: readonly Layout[];
  /** [0] is the identity. */
  readonly perms: readonly Permutation[];
  /** Civil local hour (0–23) per interval, for the evidence. */
  readonly localHour: Uint8Array;
  /** Faults that cannot show in this range: the meter would count exactly as the calendar does. */
  readonly untestable: readonly { readonly fault: string; readonly why: string }[];
}

export interface TouModelOptions {
  /** Clock offsets tried: ±1 … ±maxOffsetQuarters quarter-hours (default 8, i.e. ±2 h). */
  readonly maxOffsetQuarters?: number;
  /** Season start dates shifted by up to this many days are tried (default 31). */
  readonly maxSeasonShiftDays?: number;
}

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;

/** The tariff's register list: its `registers` mapping, or register i = i-th period. */
export function touRegistersOf(t: Tariff): readonly { readonly obis: string; readonly periods: readonly string[] }[] {
  return t.registers ?? t.periods.map((p, i) => ({ obis: `1-0:1.8.${i + 1}`, periods: [p.id] }));
}

const registerNo = (obis: string): number => Number(obis.slice(obis.lastIndexOf('.') + 1));

const label = (faults: readonly TouFault[]): string => faults.map((f) => f.kind).join('+');

export function describeFault(f: TouFault): string {
  switch (f.kind) {
    case 'registers-swapped': return `registers ${f.registers[0]} and ${f.registers[1]} swapped`;
    case 'dst-not-applied': return 'daylight saving time not applied (meter stays on standard time)';
    case 'dst-applied': return 'daylight saving time applied to a tariff quoted in standard time';
    case 'clock-offset': return `TOU clock ${Math.abs(f.minutes)} min ${f.minutes > 0 ? 'ahead' : 'behind'}`;
    case 'wrong-season':
      return f.mode === 'single' ? `season "${f.season}" table used all year`
        : f.mode === 'swapped' ? `season tables "${f.seasons[0]}" and "${f.seasons[1]}" swapped`
          : `seasons start ${Math.abs(f.days)} day(s) ${f.days > 0 ? 'late' : 'early'}`;
  }
}

// ---- season variants ------------------------------------------------------------------------

function shiftMonthDay(md: string, days: number): string {
  // A leap reference year keeps 02-29 a valid bound; positions wrap around the year.
  const base = Date.UTC(2024, Number(md.slice(0, 2)) - 1, Number(md.slice(3)));
  const start = Date.UTC(2024, 0, 1);
  const pos = ((((base - start) / DAY_MS + days) % 366) + 366) % 366;
  return new Date(start + pos * DAY_MS).toISOString().slice(5, 10);
}

const withSeasons = (t: Tariff, seasons: readonly Season[]): Tariff => ({ ...t, seasons });

interface SeasonVariant {
  readonly fault: TouFault;
  readonly rank: number;
  readonly apply: (t: Tariff) => Tariff;
}

function seasonVariants(versions: readonly VersionedTariff[], fromDate: string, toDate: string, maxShift: number): SeasonVariant[] {
  const seasonal = versions.filter((v) => v.tariff.seasons.length >= 2).map((v) => v.tariff);
  if (seasonal.length === 0) return [];
  const ids = [...new Set(seasonal.flatMap((t) => t.seasons.map((s) => s.id)))];
  const out: SeasonVariant[] = [];
  ids.forEach((id, j) => out.push({
    fault: { kind: 'wrong-season', mode: 'single', season: id }, rank: 50 + j,
    apply: (t) => (t.seasons.some((s) => s.id === id) ? withSeasons(t, [{ id, from: '01-01', to: '12-31' }]) : t),
  }));
  let pair = 0;
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      const x = ids[a]!, y = ids[b]!;
      out.push({
        fault: { kind: 'wrong-season', mode: 'swapped', seasons: [x, y] }, rank: 70 + pair++,
        apply: (t) => {
          const sx = t.seasons.find((s) => s.id === x), sy = t.seasons.find((s) => s.id === y);
          if (!sx || !sy) return t;
          return withSeasons(t, t.seasons.map((s) => (s.id === x ? { id: x, from: sy.from, to: sy.to } : s.id === y ? { id: y, from: sx.from, to: sx.to } : s)));
        },
      });
    }
  }
  // Only shifts that move a season boundary across some day of the range can show in the data.
  const d0 = Date.parse(`${fromDate}T00:00:00Z`) / DAY_MS;
  const d1 = Date.parse(`${toDate}T00:00:00Z`) / DAY_MS + 1;
  const shifts = new Set<number>();
  for (const t of seasonal) {
    for (const s of t.seasons) {
      for (let y = Number(fromDate.slice(0, 4)) - 1; y <= Number(toDate.slice(0, 4)) + 1; y++) {
        const b = Date.UTC(y, Number(s.from.slice(0, 2)) - 1, Number(s.from.slice(3))) / DAY_MS;
        for (let d = -maxShift; d <= maxShift; d++) {
          if (d !== 0 && Math.min(b, b + d) < d1 && Math.max(b, b + d) > d0) shifts.add(d);
        }
      }
    }
  }
  for (const d of [...shifts].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b)) {
    out.push({
      fault: { kind: 'wrong-season', mode: 'shifted', days: d }, rank: 100 + Math.abs(d) * 2 + (d < 0 ? 1 : 0),
      apply: (t) => (t.seasons.length < 2 ? t : withSeasons(t, t.seasons.map((s) => ({ id: s.id, from: shiftMonthDay(s.from, d), to: shiftMonthDay(s.to, d) })))),
    });
  }
  return out;
}

// ---- the model ------------------------------------------------------------------------------

/**
 * Lay the tariff calendar and every fault hypothesis over [from, to) in `zone`: the register each
 * 15-minute interval counts in, per hypothesis. Built once per (tariff, zone, range).
 */
export function buildTouModel(versions: readonly VersionedTariff[], zone: string, from: EpochSeconds, to: EpochSeconds, opts: TouModelOptions = {}): TouModel {
  const K = opts.maxOffsetQuarters ?? MAX_OFFSET_QUARTERS;
  const maxShift = opts.maxSeasonShiftDays ?? 31;
  if (versions.length === 0) throw new MeterstackError('TARIFF_NOT_FOUND', 'the tariff has no versions');
  if (from % STEP_S !== 0 || to % STEP_S !== 0 || to <= from) {
    throw new MeterstackError('TOU_VERIFY_INVALID', `TOU verification range ${from}..${to} must be whole quarter-hours, from before to`);
  }
  const n = (to - from) / STEP_S;

  // Registers: the union over versions, by register number.
  const obisSet = new Set<string>();
  for (const v of versions) for (const r of touRegistersOf(v.tariff)) obisSet.add(r.obis);
  const registers = [...obisSet].sort((a, b) => registerNo(a) - registerNo(b));
  if (registers.length > 32) throw new MeterstackError('TARIFF_INVALID', 'TOU verification handles at most 32 registers');
  const regIndex = new Map(registers.map((o, i) => [o, i]));
  const regMaps = new Map<string, Uint8Array>();
  const regMapOf = (t: Tariff): Uint8Array => {
    const key = `${t.id}@${t.effectiveFrom}`;
    let m = regMaps.get(key);
    if (!m) {
      m = new Uint8Array(t.periods.length);
      for (const r of touRegistersOf(t)) for (const p of r.periods) m[t.periods.findIndex((x) => x.id === p)] = regIndex.get(r.obis)!;
      regMaps.set(key, m);
    }
    return m;
  };

  // The earliest version also governs the quarter-hours before it, so that "clock behind" can look
  // back past the first day of the range.
  const sorted = [...versions].sort((a, b) => a.tariff.effectiveFrom.localeCompare(b.tariff.effectiveFrom));
  const padded = (vs: readonly VersionedTariff[]): VersionedTariff[] => {
    const first = [...vs].sort((a, b) => a.tariff.effectiveFrom.localeCompare(b.tariff.effectiveFrom))[0]!;
    return [{ version: -1, tariff: { ...first.tariff, effectiveFrom: '1900-01-01' } }, ...vs];
  };
  /** Register per interval over [from − K, to + K) quarter-hours; undefined if the variant leaves a gap. */
  const extended = (vs: readonly VersionedTariff[]): Uint8Array | undefined => {
    const grid = buildGrid(padded(vs), zone, from - K * STEP_S, to + K * STEP_S, STEP_S);
    const out = new Uint8Array(grid.n);
    for (let i = 0; i < grid.n; i++) {
      const p = grid.period[i]!;
      if (p === 255) return undefined;
      out[i] = regMapOf(grid.versions[grid.version[i]!]!.tariff)[p]!;
    }
    return out;
  };
  const slice = (ext: Uint8Array, k: number): Uint8Array => ext.slice(K + k, K + k + n);
  const mapVersions = (f: (t: Tariff) => Tariff): VersionedTariff[] => sorted.map((v) => ({ version: v.version, tariff: f(v.tariff) }));

  const candidates: { reg: Uint8Array; faults: TouFault[]; rank: number }[] = [];
  const base = extended(sorted);
  if (!base) throw new MeterstackError('TARIFF_INVALID', 'the tariff leaves quarter-hours without a TOU period');
  const localBasis = sorted.some((v) => v.tariff.timeBasis === 'local');
  const dstFault: TouFault = localBasis ? { kind: 'dst-not-applied' } : { kind: 'dst-applied' };
  const flipped = extended(mapVersions((t) => ({ ...t, timeBasis: t.timeBasis === 'local' ? 'standard' : 'local' })));
  candidates.push({ reg: slice(base, 0), faults: [], rank: 0 });
  if (flipped) candidates.push({ reg: slice(flipped, 0), faults: [dstFault], rank: 20 });
  for (let k = -K; k <= K; k++) {
    if (k === 0) continue;
    const off: TouFault = { kind: 'clock-offset', minutes: 15 * k };
    const rank = 30 + Math.abs(k) * 2 + (k < 0 ? 1 : 0);
    candidates.push({ reg: slice(base, k), faults: [off], rank });
    // The TOU clock on UTC is both at once: no DST and behind by the standard offset.
    if (flipped) candidates.push({ reg: slice(flipped, k), faults: [dstFault, off], rank: 1000 + 20 + rank });
  }
  const fromDate = epochToIso(from, zone).slice(0, 10);
  const toDate = epochToIso(to - 1, zone).slice(0, 10);
  const variants = seasonVariants(sorted, fromDate, toDate, maxShift);
  if (variants.length) {
    // A season variant only changes which season each day is in. Lay each season over the whole
    // range once; a variant then picks, day by day, the season it would be in (a grid per variant
    // would cost as much as 60 calendars).
    const grid = buildGrid(padded(sorted), zone, from - K * STEP_S, to + K * STEP_S, STEP_S);
    const ids = [...new Set(sorted.flatMap((v) => v.tariff.seasons.map((s) => s.id)))];
    const single = new Map<string, Uint8Array>();
    for (const id of ids) {
      const ext = extended(mapVersions((t) => (t.seasons.some((s) => s.id === id) ? withSeasons(t, [{ id, from: '01-01', to: '12-31' }]) : t)));
      if (ext) single.set(id, ext);
    }
    // Month-day of the date each interval's tariff day is on (standard time for timeBasis 'standard').
    const md = new Uint16Array(grid.n);
    for (let i = 0; i < grid.n; i++) {
      const t = grid.from + i * STEP_S;
      const off = zoneOffsetAt(t, zone);
      const d = new Date((t + (grid.versions[grid.version[i]!]!.tariff.timeBasis === 'standard' ? off.standard : off.offset) * 60) * 1000);
      md[i] = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    }
    for (const sv of variants) {
      const applied = grid.versions.map((v) => sv.apply(v.tariff));
      const seasonAt = new Map<number, string | undefined>();
      const ext = new Uint8Array(grid.n);
      let ok = true;
      for (let i = 0; i < grid.n && ok; i++) {
        const g = grid.version[i]!;
        const key = g * 10_000 + md[i]!;
        let season = seasonAt.get(key);
        if (season === undefined && !seasonAt.has(key)) {
          season = applied[g]!.seasons.length ? seasonOf(applied[g]!, Math.floor(md[i]! / 100), md[i]! % 100) : undefined;
          seasonAt.set(key, season);
        }
        const src = season === undefined ? (applied[g]!.seasons.length ? undefined : base) : single.get(season);
        if (!src) ok = false;
        else ext[i] = src[i]!;
      }
      if (ok) candidates.push({ reg: slice(ext, 0), faults: [sv.fault], rank: sv.rank });
    }
  }

  // One layout per distinct register assignment; the simplest hypothesis stands for the others.
  candidates.sort((a, b) => a.rank - b.rank);
  const layouts: Layout[] = [];
  const byHash = new Map<number, Layout[]>();
  const untestable: { fault: string; why: string }[] = [];
  for (const c of candidates) {
    const h = hashBytes(c.reg);
    const same = byHash.get(h)?.find((l) => equalBytes(l.reg, c.reg));
    if (same) {
      same.equivalents.push(c.faults.slice());
      if (same === layouts[0] && c.faults.length === 1) {
        untestable.push({ fault: label(c.faults), why: `${describeFault(c.faults[0]!)}: the meter would count every quarter-hour of the range in the same register as the calendar` });
      }
      continue;
    }
    const layout: Layout = { reg: c.reg, faults: c.faults, rank: c.rank, equivalents: [] };
    layouts.push(layout);
    byHash.set(h, [...(byHash.get(h) ?? []), layout]);
  }

  const perms: Permutation[] = [{ perm: Uint8Array.from(registers, (_, i) => i), faults: [], rank: 0 }];
  if (registers.length <= 8) {
    let j = 0;
    for (let a = 0; a < registers.length; a++) {
      for (let b = a + 1; b < registers.length; b++) {
        const perm = Uint8Array.from(registers, (_, i) => i);
        perm[a] = b;
        perm[b] = a;
        perms.push({ perm, faults: [{ kind: 'registers-swapped', registers: [registers[a]!, registers[b]!] }], rank: 10 + j++ });
      }
    }
  }

  const localHour = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = from + i * STEP_S;
    localHour[i] = Math.floor(((((t + zoneOffsetAt(t, zone).offset * 60) % DAY_S) + DAY_S) % DAY_S) / 3600);
  }
  return { zone, from, to, n, registers, layouts, perms, localHour, untestable };
}

function hashBytes(a: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
  return h >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- one meter ------------------------------------------------------------------------------

export interface RegisterRead {
  readonly at: EpochSeconds;
  /** Cumulative Wh. */
  readonly value: number;
}

export interface TouMeterInput {
  /** Import Wh per quarter-hour over the model's range (index 0 = model.from), with quality codes. */
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Reads per register, in model.registers order. */
  readonly registers: readonly (readonly RegisterRead[])[];
  /** Only register reads inside [from, to] count (the part of the range the meter served the account). */
  readonly within?: { readonly from: EpochSeconds; readonly to: EpochSeconds };
}

export interface TouVerifyOptions {
  /** Register read resolution, Wh (1 for 0.001 kWh registers, 10 for 0.01 kWh). */
  readonly resolutionWh?: number;
  /**
   * Resolution of the interval values, Wh. Meters derive interval values from snapshots of the total
   * register, so a run of consecutive quarter-hours in one register is off by less than this.
   */
  readonly intervalResolutionWh?: number;
  /** Reads closer together than this are merged into one window (default 12 h). */
  readonly minWindowS?: number;
  /** Windows the calendar must fail before a meter is flagged without a fault that explains all (default 2). */
  readonly minViolations?: number;
  /** Evidence windows listed (default 10). */
  readonly maxEvidence?: number;
}

export type TouVerdict = 'ok' | 'misconfigured' | 'insufficient-data';

export interface RegisterEvidence {
  readonly register: string;
  readonly observedWh: number;
  /** What the tariff calendar puts in this register. */
  readonly calendarWh: number;
  /** What the most likely cause puts in it. */
  readonly explainedWh?: number;
  readonly toleranceWh: number;
}

export interface WindowEvidence {
  /** Local ISO times of the two register reads. */
  readonly from: string;
  readonly to: string;
  readonly registers: readonly RegisterEvidence[];
}

export interface HourEvidence {
  /** Local hour of day 0–23. */
  readonly hour: number;
  /** Register the calendar puts these quarter-hours in, and the one the meter (by the cause found) counted them in. */
  readonly calendar: string;
  readonly meter: string;
  readonly intervals: number;
  readonly wh: number;
}

export interface TouMeterResult {
  readonly verdict: TouVerdict;
  /** Kinds of the faults found, '+'-joined ('clock-offset', 'dst-not-applied+clock-offset'); 'unexplained' when none fits; null when ok. */
  readonly cause: string | null;
  readonly faults: readonly TouFault[];
  readonly description: string | null;
  readonly confidence: 'high' | 'medium' | 'low' | null;
  /** Share of the calendar's excess over tolerance that the cause explains (1 = all of it). */
  readonly explained: number | null;
  /** Other causes that fit the data as well (the data cannot tell them apart). */
  readonly alternatives: readonly { readonly cause: string; readonly faults: readonly TouFault[] }[];
  readonly windows: {
    readonly usable: number;
    /** Usable windows whose register advances the calendar does not explain. */
    readonly violating: number;
    readonly skipped: { readonly missing: number; readonly reset: number; readonly unreconciled: number };
  };
  /** Σ |observed − expected| over usable windows and registers. */
  readonly residualWh: { readonly calendar: number; readonly cause: number | null };
  readonly evidence: { readonly windows: readonly WindowEvidence[]; readonly hours: readonly HourEvidence[] };
  readonly note?: string;
}

interface Windows {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly tA: Float64Array;
  readonly tB: Float64Array;
  /** Per window: tolerance before the per-run interval rounding (register rounding, unaligned reads, estimates). */
  readonly tol: Float64Array;
  /** Per window × register: observed advance. */
  readonly obs: Float64Array;
  readonly skipped: { missing: number; reset: number; unreconciled: number };
}

const isEstimate = (q: number): boolean => q === QUALITY.S || q === QUALITY.E || q === QUALITY.F || q === QUALITY.V;

/** Consecutive register reads (common to every register) → usable windows of interval data. */
function windowsOf(model: TouModel, m: TouMeterInput, o: Required<TouVerifyOptions>): Windows {
  const R = model.registers.length;
  const lo = Math.max(model.from, m.within?.from ?? -Infinity);
  const hi = Math.min(model.to, m.within?.to ?? Infinity);
  const maps = m.registers.map((reads) => {
    const map = new Map<number, number>();
    for (const r of reads) if (r.at >= lo && r.at <= hi) map.set(r.at, r.value);
    return map;
  });
  const times = [...(maps[0]?.keys() ?? [])].filter((t) => maps.every((mp) => mp.has(t))).sort((x, y) => x - y);
  const kept: number[] = [];
  for (const t of times) if (kept.length === 0 || t - kept[kept.length - 1]! >= o.minWindowS) kept.push(t);
  const cap = Math.max(0, kept.length - 1);
  const w: Windows = {
    count: 0, a: new Int32Array(cap), b: new Int32Array(cap), tA: new Float64Array(cap), tB: new Float64Array(cap),
    tol: new Float64Array(cap), obs: new Float64Array(cap * R), skipped: { missing: 0, reset: 0, unreconciled: 0 },
  };
  const { values, quality } = m;
  let count = 0;
  for (let k = 0; k + 1 < kept.length; k++) {
    const tA = kept[k]!, tB = kept[k + 1]!;
    const a = Math.round((tA - model.from) / STEP_S), b = Math.round((tB - model.from) / STEP_S);
    if (b <= a) continue;
    // A read between interval ends leaves part of an interval on either side of it.
    let edge = 0;
    if (tA % STEP_S !== 0) edge += values[Math.floor((tA - model.from) / STEP_S)] ?? 0;
    if (tB % STEP_S !== 0) edge += values[Math.min(model.n - 1, Math.floor((tB - model.from) / STEP_S))] ?? 0;
    let missing = false, estWh = 0, total = 0;
    for (let i = a; i < b; i++) {
      const q = quality[i]!;
      if (q === QUALITY.N) { missing = true; break; }
      total += values[i]!;
      if (isEstimate(q)) estWh += values[i]!;
    }
    if (missing) { w.skipped.missing++; continue; }
    let reset = false, obsTotal = 0;
    for (let r = 0; r < R; r++) {
      const d = maps[r]!.get(tB)! - maps[r]!.get(tA)!;
      if (d < 0) reset = true;
      w.obs[count * R + r] = d;
      obsTotal += d;
    }
    if (reset) { w.skipped.reset++; continue; }
    // All TOU faults only move energy between registers: if the total does not match the interval
    // data, this window says nothing about the calendar (a register/interval problem for VEE).
    const totalTol = R * o.resolutionWh + 2 * o.intervalResolutionWh + edge;
    if (Math.abs(obsTotal - total) > totalTol) { w.skipped.unreconciled++; continue; }
    w.a[count] = a;
    w.b[count] = b;
    w.tA[count] = tA;
    w.tB[count] = tB;
    // Estimates that add up to the right total can still be off in each register by at most their own energy.
    w.tol[count] = o.resolutionWh + edge + (estWh > 0 ? estWh + totalTol : 0);
    count++;
  }
  return { ...w, count };
}

interface Sums {
  /** Per window × register: energy the layout puts in the register. */
  readonly wh: Float64Array;
  /** Per window × register: runs of consecutive quarter-hours in the register (interval rounding). */
  readonly runs: Uint16Array;
}

function sumsOf(layout: Layout, w: Windows, values: Float64Array, R: number): Sums {
  const wh = new Float64Array(w.count * R);
  const runs = new Uint16Array(w.count * R);
  const reg = layout.reg;
  for (let k = 0; k < w.count; k++) {
    const base = k * R;
    let prev = -1;
    for (let i = w.a[k]!, b = w.b[k]!; i < b; i++) {
      const r = reg[i]!;
      wh[base + r]! += values[i]!;
      if (r !== prev) { runs[base + r]!++; prev = r; }
    }
  }
  return { wh, runs };
}

interface Fit {
  readonly violations: number;
  readonly excess: number;
  readonly residual: number;
  readonly violating: Uint8Array;
}

function fitOf(s: Sums, perm: Uint8Array, w: Windows, R: number, o: Required<TouVerifyOptions>): Fit {
  let violations = 0, excess = 0, residual = 0;
  const violating = new Uint8Array(w.count);
  for (let k = 0; k < w.count; k++) {
    const base = k * R;
    let bad = false;
    for (let c = 0; c < R; c++) {
      // The meter counts calendar register c's energy in register perm[c].
      const e = Math.abs(w.obs[base + perm[c]!]! - s.wh[base + c]!);
      const tol = w.tol[k]! + o.intervalResolutionWh * s.runs[base + c]!;
      residual += e;
      if (e > tol) { bad = true; excess += e - tol; }
    }
    if (bad) { violations++; violating[k] = 1; }
  }
  return { violations, excess, residual, violating };
}

interface Scored {
  readonly layout: Layout;
  readonly perm: Permutation;
  readonly sums: Sums;
  readonly fit: Fit;
  readonly rank: number;
  readonly faults: readonly TouFault[];
}

const DEFAULTS: Required<TouVerifyOptions> = { resolutionWh: 1, intervalResolutionWh: 1, minWindowS: 12 * 3600, minViolations: 2, maxEvidence: 10 };

/** Verify one meter against the model: ok, misconfigured (with the likely cause) or insufficient data. */
export function verifyMeter(model: TouModel, m: TouMeterInput, options: TouVerifyOptions = {}): TouMeterResult {
  const o = { ...DEFAULTS, ...options };
  const R = model.registers.length;
  if (m.values.length !== model.n || m.quality.length !== model.n) {
    throw new MeterstackError('TOU_VERIFY_INVALID', `TOU verification needs ${model.n} quarter-hours, got ${m.values.length}`);
  }
  if (m.registers.length !== R) throw new MeterstackError('TOU_VERIFY_INVALID', `TOU verification needs reads of ${R} registers, got ${m.registers.length}`);
  const w = windowsOf(model, m, o);
  const noRegs = model.registers.filter((_, r) => m.registers[r]!.length === 0);
  const empty = (note: string): TouMeterResult => ({
    verdict: 'insufficient-data', cause: null, faults: [], description: null, confidence: null, explained: null, alternatives: [],
    windows: { usable: 0, violating: 0, skipped: w.skipped }, residualWh: { calendar: 0, cause: null }, evidence: { windows: [], hours: [] }, note,
  });
  if (w.count === 0) {
    if (noRegs.length) return empty(`no reads of ${noRegs.join(', ')} in the range`);
    const s = w.skipped;
    if (s.missing + s.reset + s.unreconciled === 0) return empty('fewer than two register reads common to every TOU register in the range');
    return empty(`no usable window between register reads: ${s.missing} span missing intervals, ${s.reset} a register reset, ${s.unreconciled} do not add up to the interval data`);
  }

  const cal = model.layouts[0]!;
  const calSums = sumsOf(cal, w, m.values, R);
  const calFit = fitOf(calSums, model.perms[0]!.perm, w, R, o);
  const calScored: Scored = { layout: cal, perm: model.perms[0]!, sums: calSums, fit: calFit, rank: 0, faults: [] };
  const okResult = (note?: string): TouMeterResult => ({
    verdict: 'ok', cause: null, faults: [], description: null, confidence: null, explained: null, alternatives: [],
    windows: { usable: w.count, violating: calFit.violations, skipped: w.skipped },
    residualWh: { calendar: calFit.residual, cause: null },
    evidence: { windows: calFit.violations ? evidenceWindows(model, w, calScored, undefined, o) : [], hours: [] },
    ...(note ? { note } : {}),
  });
  if (calFit.violations === 0) return okResult();

  // The calendar does not fit: try every hypothesis.
  const scored: Scored[] = [];
  for (const layout of model.layouts) {
    const sums = layout === cal ? calSums : sumsOf(layout, w, m.values, R);
    for (const perm of model.perms) {
      if (layout === cal && perm === model.perms[0]) continue;
      const faults = [...perm.faults, ...layout.faults];
      const rank = perm.rank + layout.rank + (perm.faults.length && layout.faults.length ? 1000 : 0);
      scored.push({ layout, perm, sums, fit: fitOf(sums, perm.perm, w, R, o), rank, faults });
    }
  }
  scored.sort((x, y) => x.fit.violations - y.fit.violations || x.fit.excess - y.fit.excess || x.rank - y.rank);
  const best = scored[0]!;
  if (calFit.violations < o.minViolations && best.fit.violations > 0) {
    return okResult(`${calFit.violations} window(s) out of tolerance that no misconfiguration explains: treated as a data glitch`);
  }
  // Share of the calendar's excess over tolerance that the cause accounts for: 1 for an exact fit,
  // still high for a clock off by minutes rather than whole quarter-hours.
  const explained = calFit.excess > 0 ? Math.max(0, 1 - best.fit.excess / calFit.excess) : 0;
  const bestLabel = label(best.faults);
  const alternatives: { cause: string; faults: readonly TouFault[] }[] = [];
  const seen = new Set([bestLabel]);
  const addAlt = (faults: readonly TouFault[]): void => {
    const l = label(faults);
    if (seen.has(l) || alternatives.length >= 5) return;
    seen.add(l);
    alternatives.push({ cause: l, faults });
  };
  // Hypotheses that the range cannot tell apart from the best one at all, then those the data cannot.
  if (best.perm === model.perms[0]) for (const eq of best.layout.equivalents) if (eq.length === best.faults.length) addAlt(eq);
  for (const s of scored.slice(1)) {
    if (s.fit.violations !== best.fit.violations || s.fit.excess > best.fit.excess + o.resolutionWh) break;
    if (s.faults.length <= best.faults.length) addAlt(s.faults);
  }
  const unexplained = explained < 0.5;
  const confidence = unexplained || best.fit.violations > 0 ? 'low' : alternatives.length ? 'medium' : 'high';
  let note: string | undefined;
  if (!unexplained && best.faults.length === 2 && best.faults[0]!.kind === 'dst-not-applied' && best.faults[1]!.kind === 'clock-offset') {
    if (best.faults[1]!.minutes === -zoneOffsetAt(model.from, model.zone).standard) note = 'the meter\'s TOU clock appears to run on UTC';
  }
  if (unexplained) note = `no single misconfiguration explains the register advances (closest: ${bestLabel}, ${best.fit.violations} of ${calFit.violations} windows still off)`;
  return {
    verdict: 'misconfigured',
    cause: unexplained ? 'unexplained' : bestLabel,
    faults: unexplained ? [] : best.faults,
    description: unexplained ? 'register advances differ from the tariff calendar in a way no single misconfiguration explains' : best.faults.map(describeFault).join('; '),
    confidence,
    explained: Math.round(explained * 1000) / 1000,
    alternatives: unexplained ? [{ cause: bestLabel, faults: best.faults }, ...alternatives].slice(0, 5) : alternatives,
    windows: { usable: w.count, violating: calFit.violations, skipped: w.skipped },
    residualWh: { calendar: calFit.residual, cause: best.fit.residual },
    evidence: { windows: evidenceWindows(model, w, calScored, best, o), hours: unexplained ? [] : evidenceHours(model, w, m.values, best) },
    ...(note ? { note } : {}),
  };
}

/** The windows where the calendar is furthest off, in time order. */
function evidenceWindows(model: TouModel, w: Windows, cal: Scored, best: Scored | undefined, o: Required<TouVerifyOptions>): WindowEvidence[] {
  const R = model.registers.length;
  const off: { k: number; e: number }[] = [];
  for (let k = 0; k < w.count; k++) {
    if (!cal.fit.violating[k]) continue;
    let e = 0;
    for (let r = 0; r < R; r++) e += Math.abs(w.obs[k * R + r]! - cal.sums.wh[k * R + r]!);
    off.push({ k, e });
  }
  off.sort((x, y) => y.e - x.e);
  const inv = best ? invert(best.perm.perm) : undefined;
  return off.slice(0, o.maxEvidence).sort((x, y) => x.k - y.k).map(({ k }) => ({
    from: epochToIso(w.tA[k]!, model.zone),
    to: epochToIso(w.tB[k]!, model.zone),
    registers: model.registers.map((obis, r) => ({
      register: obis,
      observedWh: w.obs[k * R + r]!,
      calendarWh: cal.sums.wh[k * R + r]!,
      ...(best && inv ? { explainedWh: best.sums.wh[k * R + inv[r]!]! } : {}),
      toleranceWh: w.tol[k]! + o.intervalResolutionWh * cal.sums.runs[k * R + r]!,
    })),
  }));
}

function invert(perm: Uint8Array): Uint8Array {
  const inv = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]!] = i;
  return inv;
}

/** Local hours in which the meter (by the cause found) counts in another register than the calendar. */
function evidenceHours(model: TouModel, w: Windows, values: Float64Array, best: Scored): HourEvidence[] {
  const R = model.registers.length;
  const cal = model.layouts[0]!.reg;
  const reg = best.layout.reg;
  const perm = best.perm.perm;
  const cells = new Map<number, { intervals: number; wh: number }>();
  for (let k = 0; k < w.count; k++) {
    for (let i = w.a[k]!, b = w.b[k]!; i < b; i++) {
      const c = cal[i]!;
      const mtr = perm[reg[i]!]!;
      if (c === mtr) continue;
      const key = (model.localHour[i]! * R + c) * R + mtr;
      const cell = cells.get(key) ?? { intervals: 0, wh: 0 };
      cell.intervals++;
      cell.wh += values[i]!;
      cells.set(key, cell);
    }
  }
  return [...cells.entries()].sort((x, y) => x[0] - y[0]).slice(0, 48).map(([key, cell]) => ({
    hour: Math.floor(key / (R * R)), calendar: model.registers[Math.floor(key / R) % R]!, meter: model.registers[key % R]!,
    intervals: cell.intervals, wh: cell.wh,
  }));
}
