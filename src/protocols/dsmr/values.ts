/**
 * The value groups of one object line, `(…)(…)…`, read by the object's shape (objects.ts). Times
 * are kept as naive local seconds plus the S/W marker here; telegram.ts turns them into UTC once the
 * telegram's zone is known. Numbers with a known unit are converted to the stored integer unit.
 */
import type { EpochSeconds } from '../../model/time.ts';
import type { ObjectShape } from './objects.ts';
import { isTimestampText, markerOf, naiveSeconds, type DstMarker } from './timestamp.ts';
import { scaleInteger, unitAt, unitConversion } from './units.ts';

export type DsmrValue =
  | { readonly kind: 'empty' }
  | { readonly kind: 'number'; readonly value: number; readonly unit: string | null }
  | { readonly kind: 'text'; readonly value: string }
  /** A date-time; `at` is NaN when a field is out of range (a placeholder such as 632525252525S). */
  | { readonly kind: 'time'; at: EpochSeconds }
  /** A value with its own capture time (M-Bus, maximum demand); value null when the group is no number. */
  | { readonly kind: 'reading'; at: EpochSeconds; readonly value: number | null; readonly unit: string | null }
  /** Long power failures: end of each failure and its duration. */
  | { readonly kind: 'power-failures'; readonly entries: readonly PowerFailure[] }
  | { readonly kind: 'list'; readonly items: readonly DsmrValue[] };

export interface PowerFailure {
  at: EpochSeconds;
  readonly durationS: number;
}

/** A time waiting for its zone: the value object to fill in, and what the telegram wrote. */
export interface PendingTime {
  readonly target: { at: EpochSeconds };
  readonly naive: number;
  readonly marker: DstMarker;
}

/** Group bounds of one object: content of group k is b[starts[k], ends[k]). */
export interface Groups {
  readonly starts: number[];
  readonly ends: number[];
  count: number;
}

export const EMPTY: DsmrValue = { kind: 'empty' };

export function readValue(b: Buffer, g: Groups, shape: ObjectShape | undefined, times: PendingTime[]): DsmrValue {
  switch (shape) {
    case 'text': return g.count === 1 ? textValue(b, g.starts[0]!, g.ends[0]!) : genericValue(b, g, times);
    case 'string': return g.count === 1 ? stringValue(b, g.starts[0]!, g.ends[0]!) : genericValue(b, g, times);
    case 'integer': return g.count === 1 ? single(b, g.starts[0]!, g.ends[0]!, times) : genericValue(b, g, times);
    case 'time': return g.count === 1 ? single(b, g.starts[0]!, g.ends[0]!, times) : genericValue(b, g, times);
    case 'mbus': return g.count === 2 ? reading(b, g.starts[0]!, g.ends[0]!, g.starts[1]!, g.ends[1]!, null, times) : genericValue(b, g, times);
    case 'mbus-legacy': return g.count === 7
      ? reading(b, g.starts[0]!, g.ends[0]!, g.starts[6]!, g.ends[6]!, b.toString('latin1', g.starts[5]!, g.ends[5]!), times)
      : genericValue(b, g, times);
    case 'power-failures': return powerFailures(b, g, times) ?? genericValue(b, g, times);
    default: return g.count === 1 ? single(b, g.starts[0]!, g.ends[0]!, times) : genericValue(b, g, times);
  }
}

function genericValue(b: Buffer, g: Groups, times: PendingTime[]): DsmrValue {
  if (g.count === 1) return single(b, g.starts[0]!, g.ends[0]!, times);
  if (g.count === 2 && isTimestampText(b, g.starts[0]!, g.ends[0]!)) {
    return reading(b, g.starts[0]!, g.ends[0]!, g.starts[1]!, g.ends[1]!, null, times);
  }
  const items: DsmrValue[] = [];
  for (let k = 0; k < g.count; k++) items.push(single(b, g.starts[k]!, g.ends[k]!, times));
  return { kind: 'list', items };
}

/** One group read on its own: empty, a time stamp, a number (with unit) or text. */
function single(b: Buffer, s: number, e: number, times: PendingTime[]): DsmrValue {
  if (s === e) return EMPTY;
  if ((e - s === 12 || e - s === 13) && isTimestampText(b, s, e)) return time(b, s, e, times);
  const n = numberValue(b, s, e, null);
  return n ?? { kind: 'text', value: b.toString('latin1', s, e) };
}

function time(b: Buffer, s: number, e: number, times: PendingTime[]): DsmrValue {
  const v = { kind: 'time' as const, at: NaN };
  times.push({ target: v, naive: naiveSeconds(b, s), marker: markerOf(b, s, e) });
  return v;
}

/**
 * `123.456*kWh` or `123.456` (with `unitOverride` from elsewhere, as DSMR 2.2 gas has it). A known
 * unit is converted to the stored integer unit; without one the number stays as written. One pass:
 * the digits are read as one integer up to "*", then scaled once (exact up to 15 digits).
 */
function numberValue(b: Buffer, s: number, e: number, unitOverride: string | null): { kind: 'number'; value: number; unit: string | null } | undefined {
  let i = s;
  let neg = false;
  const first = b[i]!;
  if (first === 45 || first === 43) { neg = first === 45; i++; }
  let n = 0;
  let digits = 0;
  let frac = -1;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) { n = n * 10 + (c - 48); digits++; if (frac >= 0) frac++; } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  if (digits === 0 || (i < e && b[i]! !== 0x2a)) return undefined;
  const conv = i < e ? unitAt(b, i + 1, e) : unitOverride === null ? null : unitConversion(unitOverride);
  if (conv !== null) {
    const v = digits > 15 ? Math.round(Number(b.toString('latin1', s, i)) * 10 ** conv.exp) : scaleInteger(n, frac < 0 ? 0 : frac, conv.exp);
    return { kind: 'number', value: neg ? -v : v, unit: conv.unit };
  }
  // No conversion: keep the decimals (a power factor, a count, an unknown unit).
  const unit = i < e ? b.toString('latin1', i + 1, e) : unitOverride;
  return { kind: 'number', value: frac > 0 || digits > 15 ? Number(b.toString('latin1', s, i)) : neg ? -n : n, unit };
}

function reading(b: Buffer, ts: number, te: number, vs: number, ve: number, unit: string | null, times: PendingTime[]): DsmrValue {
  const n = numberValue(b, vs, ve, unit);
  const v = { kind: 'reading' as const, at: NaN, value: n?.value ?? null, unit: n?.unit ?? null };
  if (isTimestampText(b, ts, te)) times.push({ target: v, naive: naiveSeconds(b, ts), marker: markerOf(b, ts, te) });
  return v;
}

function powerFailures(b: Buffer, g: Groups, times: PendingTime[]): DsmrValue | undefined {
  // (count)(0-0:96.7.19) then pairs; some meters write (0) and nothing more.
  if (g.count < 2 || (g.count - 2) % 2 !== 0) return undefined;
  const entries: PowerFailure[] = [];
  for (let k = 2; k < g.count; k += 2) {
    const ts = g.starts[k]!, te = g.ends[k]!;
    const d = numberValue(b, g.starts[k + 1]!, g.ends[k + 1]!, null);
    if (!isTimestampText(b, ts, te) || d === undefined) return undefined;
    const entry: PowerFailure = { at: NaN, durationS: d.value };
    times.push({ target: entry, naive: naiveSeconds(b, ts), marker: markerOf(b, ts, te) });
    entries.push(entry);
  }
  return { kind: 'power-failures', entries };
}

function stringValue(b: Buffer, s: number, e: number): DsmrValue {
  return s === e ? EMPTY : { kind: 'text', value: b.toString('latin1', s, e) };
}

/** Identifiers and messages: hex of printable ASCII is decoded; anything else stays as written. */
const codes: number[] = [];

function textValue(b: Buffer, s: number, e: number): DsmrValue {
  if (s === e) return EMPTY;
  if ((e - s) % 2 === 0) {
    codes.length = 0;
    let i = s;
    for (; i < e; i += 2) {
      const hi = hexDigit(b[i]!);
      const lo = hexDigit(b[i + 1]!);
      const byte = hi * 16 + lo;
      if (hi < 0 || lo < 0 || byte < 0x20 || byte > 0x7e) break;
      codes.push(byte);
    }
    if (i >= e) return { kind: 'text', value: String.fromCharCode.apply(null, codes) };
  }
  return { kind: 'text', value: b.toString('latin1', s, e) };
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
