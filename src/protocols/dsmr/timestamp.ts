/**
 * P1 time stamps `YYMMDDhhmmssX`: local wall-clock time of the meter, X = S when its clock is on
 * daylight saving time, W when not (DSMR 2.2/3.0 gas captures have no X). To UTC:
 *
 * - The marker decides the offset: W → the zone's standard offset that year, S → its DST offset.
 *   That settles the repeated hour in October (02:30 S and 02:30 W are an hour apart) and keeps a
 *   meter whose clock switches a few seconds late continuous instead of jumping an hour.
 * - A marker that contradicts the zone's rules at the resulting instant still decides; the parser
 *   reports it as a note (the meter's clock, not the table, is what produced the reading).
 * - Without a marker the zone decides; in the repeated hour the first (DST) instant is taken, in the
 *   skipped hour the standard offset.
 *
 * Fields out of range (month 0 or 34, day 0, hour 25 …, as placeholder values such as
 * `632525252525S` have them) give NaN: the value has no time, which callers treat as absent.
 */
import { IANAZone } from 'luxon';
import { zoneOffsetAt, type EpochSeconds } from '../../model/time.ts';

export type DstMarker = 'S' | 'W' | '';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE = DAYS_IN_MONTH.map((_, m) => DAYS_IN_MONTH.slice(0, m).reduce((a, b) => a + b, 0));
const EPOCH_2000 = Date.UTC(2000, 0, 1) / 1000;

function twoDigits(s: Uint8Array, i: number): number {
  const a = s[i]! - 48;
  const b = s[i + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Whether s[start, end) has the shape of a time stamp: 12 digits and an optional S/W (any case). */
export function isTimestampText(s: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n !== 12 && n !== 13) return false;
  for (let i = start; i < start + 12; i++) {
    const c = s[i]!;
    if (c < 48 || c > 57) return false;
  }
  return n === 12 || markerAt(s, start + 12) !== undefined;
}

function markerAt(s: Uint8Array, i: number): DstMarker | undefined {
  const c = s[i]! | 0x20;
  return c === 0x73 ? 'S' : c === 0x77 ? 'W' : undefined;
}

/** The local wall-clock time as if it were UTC (seconds), or NaN when a field is out of range. */
export function naiveSeconds(s: Uint8Array, start: number): number {
  const yy = twoDigits(s, start);
  const mo = twoDigits(s, start + 2);
  const dd = twoDigits(s, start + 4);
  const hh = twoDigits(s, start + 6);
  const mi = twoDigits(s, start + 8);
  const ss = twoDigits(s, start + 10);
  if (yy < 0 || mo < 1 || mo > 12 || dd < 1 || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  const year = 2000 + yy;
  const leap = year % 4 === 0; // 2000..2099: every fourth year, 2000 included
  if (dd > DAYS_IN_MONTH[mo - 1]! + (mo === 2 && leap ? 1 : 0)) return NaN;
  // Days since 2000-01-01 by table: cheaper than Date.UTC, and every field is checked above.
  const days = (yy * 365 + ((yy + 3) >> 2)) + DAYS_BEFORE[mo - 1]! + (mo > 2 && leap ? 1 : 0) + dd - 1;
  return EPOCH_2000 + days * 86_400 + hh * 3_600 + mi * 60 + ss;
}

export function markerOf(s: Uint8Array, start: number, end: number): DstMarker {
  return end - start === 13 ? markerAt(s, start + 12) ?? '' : '';
}

/**
 * A zone's year: standard and DST offsets (minutes) and the UTC instants its offset changes.
 * Built once per zone and year with luxon, then every time stamp of that year is arithmetic.
 */
interface ZoneYear {
  readonly zone: string;
  readonly from: number;
  readonly to: number;
  readonly std: number;
  readonly dst: number;
  readonly dstAtStart: boolean;
  readonly changes: readonly number[];
}

/** Per zone, its years indexed by year − 1970: telegrams mix years (a 2018 power failure in a 2026 telegram). */
const zones = new Map<string, (ZoneYear | undefined)[]>();
let lastZone = '';
let lastYears: (ZoneYear | undefined)[] = [];
const AVERAGE_YEAR_S = 31_556_952;

function zoneYear(zone: string, t: number): ZoneYear {
  if (zone !== lastZone) {
    let years = zones.get(zone);
    if (years === undefined) {
      if (zones.size > 1_000) zones.clear();
      zones.set(zone, (years = []));
    }
    lastZone = zone;
    lastYears = years;
  }
  // The average-year guess is right except within a day of New Year; the bounds check catches that.
  const guess = lastYears[Math.floor(t / AVERAGE_YEAR_S)];
  if (guess !== undefined && t >= guess.from && t < guess.to) return guess;
  const year = new Date(t * 1000).getUTCFullYear();
  let hit = lastYears[year - 1970];
  if (hit === undefined) lastYears[year - 1970] = hit = buildZoneYear(zone, year);
  return hit;
}

function buildZoneYear(zone: string, year: number): ZoneYear {
  const z = IANAZone.create(zone);
  const at = (s: number): number => z.offset(s * 1000);
  const from = Date.UTC(year, 0, 1) / 1000;
  const to = Date.UTC(year + 1, 0, 1) / 1000;
  const jan = at(from);
  const jul = at(Date.UTC(year, 6, 1) / 1000);
  const std = Math.min(jan, jul);
  const dst = Math.max(jan, jul);
  const changes: number[] = [];
  for (let m = 0; m < 12; m++) {
    let lo = Date.UTC(year, m, 1) / 1000;
    let hi = Date.UTC(year, m + 1, 1) / 1000;
    if (at(lo) === at(hi)) continue;
    // The first second of the new offset (at most one change a month in any zone's rules).
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (at(mid) === at(lo)) lo = mid; else hi = mid;
    }
    changes.push(hi);
  }
  return { zone, from, to, std, dst, dstAtStart: dst !== std && jan === dst, changes };
}

function isDstAt(y: ZoneYear, t: number): boolean {
  let dst = y.dstAtStart;
  for (const c of y.changes) if (t >= c) dst = !dst;
  return dst && y.dst !== y.std;
}

/** UTC epoch seconds of a naive local time with its marker in `zone` (an already valid IANA zone). */
export function localToUtc(naive: number, marker: DstMarker, zone: string): EpochSeconds {
  if (Number.isNaN(naive)) return NaN;
  const y = zoneYear(zone, naive);
  if (marker === 'W') return naive - y.std * 60;
  if (marker === 'S') return naive - y.dst * 60;
  const early = naive - y.dst * 60;
  if (zoneOffsetAt(early, zone).offset === y.dst) return early;
  return naive - y.std * 60;
}

/** Whether the marker disagrees with the zone's own DST state at the instant it produced. */
export function markerContradicts(utc: EpochSeconds, marker: DstMarker, zone: string): boolean {
  if (marker === '' || Number.isNaN(utc)) return false;
  return isDstAt(zoneYear(zone, utc), utc) !== (marker === 'S');
}
