import { IANAZone } from 'luxon';
import { assertZone } from '../../model/index.ts';
import { DST_DISABLED } from './espi.ts';
import type { LocalTimeFields } from './espi-reader.ts';

/**
 * ESPI LocalTimeParameters ↔ IANA zones. ESPI describes local time as a standard offset, a DST
 * offset and two yearly rules (DstRuleType, a bit map: bits 0-11 seconds, 12-16 hour, 17-19 day of
 * week 1=Monday..7=Sunday, 20-24 day of month, 25-27 operator, 28-31 month). The rule's time is the
 * local wall-clock time just before the change (the Green Button sample files encode both US
 * changes as 02:00, which is 02:00 EST in March and 02:00 EDT in November).
 *
 * Export derives the rules of the meter's zone for a year from the tz database. Import cannot name
 * a zone from rules alone, so it picks the first of a list of well-known zones whose rules encode
 * to the same parameters (the caller's --time-zone first, when it matches).
 */

export interface DstRule {
  readonly month: number;
  /** 0 day of month, 1 weekday on or after day, 2..6 first..fifth weekday, 7 last weekday. */
  readonly operator: number;
  readonly dayOfMonth: number;
  /** 1 = Monday … 7 = Sunday, 0 = n/a. */
  readonly dayOfWeek: number;
  readonly hour: number;
  readonly seconds: number;
}

export function decodeRule(hex: string): DstRule | undefined {
  if (hex.toUpperCase() === DST_DISABLED) return undefined;
  const v = Number.parseInt(hex, 16) >>> 0;
  return {
    seconds: v & 0xfff, hour: (v >>> 12) & 0x1f, dayOfWeek: (v >>> 17) & 0x7, dayOfMonth: (v >>> 20) & 0x1f,
    operator: (v >>> 25) & 0x7, month: (v >>> 28) & 0xf,
  };
}

export function encodeRule(r: DstRule): string {
  const v = (r.month << 28) | (r.operator << 25) | (r.dayOfMonth << 20) | (r.dayOfWeek << 17) | (r.hour << 12) | r.seconds;
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

const DAY_MS = 86_400_000;

/** The UTC instant (epoch seconds) a rule falls on in `year`, given the offset in force before it. */
export function ruleInstant(r: DstRule, year: number, offsetBeforeS: number): number {
  const days = new Date(Date.UTC(year, r.month, 0)).getUTCDate();
  const weekday = (d: number): number => ((new Date(Date.UTC(year, r.month - 1, d)).getUTCDay() + 6) % 7) + 1;
  let day = r.dayOfMonth;
  if (r.operator === 1) {
    while (weekday(day) !== r.dayOfWeek && day < days) day++;
  } else if (r.operator >= 2 && r.operator <= 6) {
    day = 1;
    while (weekday(day) !== r.dayOfWeek) day++;
    day += 7 * (r.operator - 2);
  } else if (r.operator === 7) {
    day = days;
    while (weekday(day) !== r.dayOfWeek) day--;
  }
  return Date.UTC(year, r.month - 1, day) / 1000 + r.hour * 3600 + r.seconds - offsetBeforeS;
}

interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** Offset changes of a zone in a year (epoch seconds, offsets in seconds). */
function transitions(zone: IANAZone, year: number): Transition[] {
  const off = (ms: number): number => zone.offset(ms) * 60;
  const out: Transition[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < end; t += DAY_MS) {
    const a = off(t);
    const b = off(t + DAY_MS);
    if (a === b) continue;
    let lo = t;
    let hi = t + DAY_MS;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (off(mid) === a) lo = mid; else hi = mid;
    }
    out.push({ at: hi / 1000, before: a, after: b });
  }
  return out;
}

function ruleAt(t: Transition): string {
  const wall = new Date((t.at + t.before) * 1000);
  const day = wall.getUTCDate();
  const month = wall.getUTCMonth() + 1;
  const days = new Date(Date.UTC(wall.getUTCFullYear(), month, 0)).getUTCDate();
  const last = day + 7 > days;
  return encodeRule({
    month, operator: last ? 7 : Math.ceil(day / 7) + 1, dayOfMonth: 0, dayOfWeek: ((wall.getUTCDay() + 6) % 7) + 1,
    hour: wall.getUTCHours(), seconds: wall.getUTCMinutes() * 60 + wall.getUTCSeconds(),
  });
}

const cache = new Map<string, LocalTimeFields>();

/** LocalTimeParameters describing `zone` in `year`. */
export function localTimeOf(zoneName: string, year: number): LocalTimeFields {
  const key = `${zoneName} ${year}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const zone = IANAZone.create(assertZone(zoneName));
  const ts = transitions(zone, year);
  const into = ts.find((t) => t.after > t.before);
  const out = ts.find((t) => t.after < t.before);
  let ltp: LocalTimeFields;
  if (!into || !out) {
    ltp = { tzOffset: zone.offset(Date.UTC(year, 6, 1)) * 60, dstOffset: 0, dstStartRule: DST_DISABLED, dstEndRule: DST_DISABLED };
  } else {
    ltp = { tzOffset: into.before, dstOffset: into.after - into.before, dstStartRule: ruleAt(into), dstEndRule: ruleAt(out) };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, ltp);
  return ltp;
}

/** Zones tried, in order, when a feed's LocalTimeParameters must be named. One per rule set. */
export const KNOWN_ZONES = [
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage',
  'Pacific/Honolulu', 'America/Halifax', 'America/St_Johns', 'America/Regina', 'America/Puerto_Rico',
  'Europe/London', 'Europe/Amsterdam', 'Europe/Helsinki', 'Europe/Moscow', 'Asia/Kolkata', 'Asia/Shanghai', 'Asia/Tokyo',
  'Australia/Sydney', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Perth', 'Pacific/Auckland', 'UTC',
] as const;

const YEARS = [2024, 2012, 2000];

const same = (a: LocalTimeFields, b: LocalTimeFields): boolean =>
  a.tzOffset === b.tzOffset && a.dstOffset === b.dstOffset && a.dstStartRule === b.dstStartRule && a.dstEndRule === b.dstEndRule;

/** The first zone (preferring `preferred`) whose rules encode to `ltp`, if any. */
export function zoneForLocalTime(ltp: LocalTimeFields, preferred?: string): string | undefined {
  const disabled = ltp.dstStartRule === DST_DISABLED || ltp.dstEndRule === DST_DISABLED;
  const want: LocalTimeFields = disabled ? { ...ltp, dstOffset: 0, dstStartRule: DST_DISABLED, dstEndRule: DST_DISABLED } : ltp;
  for (const zone of preferred ? [preferred, ...KNOWN_ZONES] : KNOWN_ZONES) {
    if (YEARS.some((y) => same(localTimeOf(zone, y), want))) return zone;
  }
  return undefined;
}
