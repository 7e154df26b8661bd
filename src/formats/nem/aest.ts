/**
 * NEM time: every MDFF date and time is market time, AEST, a fixed UTC+10 without daylight saving
 * (the zone Australia/Brisbane keeps). So a day always has 288/96/48 intervals and a conversion to
 * UTC is a subtraction; no zone library is needed on the hot path.
 */
export const AEST_OFFSET_S = 36_000;
export const NEM_TIME_ZONE = 'Australia/Brisbane';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** UTC epoch seconds of 00:00 AEST on y-m-d, or NaN when that is not a calendar date. */
export function aestMidnight(y: number, m: number, d: number): number {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return NaN;
  if (d > (m === 2 && leap(y) ? 29 : DAYS_IN_MONTH[m - 1]!)) return NaN;
  return Date.UTC(y, m - 1, d) / 1000 - AEST_OFFSET_S;
}

/** Digits of s[from, from+n) as a number, or NaN if any is not 0-9. */
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Date8 `yyyymmdd` → UTC epoch of its AEST midnight, NaN when malformed. */
export function parseDate8(s: string): number {
  if (s.length !== 8) return NaN;
  return aestMidnight(digits(s, 0, 4), digits(s, 4, 2), digits(s, 6, 2));
}

/**
 * DateTime12 `yyyymmddhhmm` or DateTime14 `yyyymmddhhmmss` (AEST) → UTC epoch seconds; NaN when
 * malformed. 24:00 is not a time of day in MDFF.
 */
export function parseDateTime(s: string): number {
  if (s.length !== 12 && s.length !== 14) return NaN;
  const day = aestMidnight(digits(s, 0, 4), digits(s, 4, 2), digits(s, 6, 2));
  const h = digits(s, 8, 2);
  const min = digits(s, 10, 2);
  const sec = s.length === 14 ? digits(s, 12, 2) : 0;
  if (!(h <= 23 && min <= 59 && sec <= 59)) return NaN;
  return day + h * 3600 + min * 60 + sec;
}
