import { DateTime, IANAZone } from 'luxon';
import { MeterstackError } from './errors.ts';

/** Internally every instant is UTC epoch seconds; local time exists only at rule boundaries. */
export type EpochSeconds = number;

export const DAY_S = 86_400;

export function utcDayStart(t: EpochSeconds): EpochSeconds {
  return Math.floor(t / DAY_S) * DAY_S;
}

export function assertZone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) {
    throw new MeterstackError('ZONE_INVALID', `"${zone}" is not an IANA time zone such as Europe/Amsterdam`);
  }
  return zone;
}

export function isoToEpoch(iso: string): EpochSeconds {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new RangeError(`"${iso}" is not an ISO 8601 time`);
  return Math.floor(dt.toSeconds());
}

/** ISO 8601 with offset, as the API writes times (UTC unless a zone is given). */
export function epochToIso(t: EpochSeconds, zone = 'UTC'): string {
  return DateTime.fromSeconds(t, { zone }).toISO({ suppressMilliseconds: true }) as string;
}

export type LocalPeriod = 'day' | 'month';

export interface LocalBucket {
  /** Local date `YYYY-MM-DD` (day) or `YYYY-MM` (month). */
  readonly label: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
}

/**
 * Local days or months covering [from, to) in an IANA zone, as UTC instants. A DST day is 23 or
 * 25 hours long, so it holds 92 or 100 quarter-hours; that falls out of the zone rules here.
 */
export function localBuckets(from: EpochSeconds, to: EpochSeconds, zone: string, period: LocalPeriod): LocalBucket[] {
  assertZone(zone);
  const out: LocalBucket[] = [];
  let cur = DateTime.fromSeconds(from, { zone }).startOf(period);
  while (cur.toSeconds() < to) {
    const next = cur.plus(period === 'day' ? { days: 1 } : { months: 1 }).startOf(period);
    out.push({ label: cur.toFormat(period === 'day' ? 'yyyy-MM-dd' : 'yyyy-MM'), start: cur.toSeconds(), end: next.toSeconds() });
    cur = next;
  }
  return out;
}

/** Start of the local day containing t, and the next one, as UTC instants. */
export function localDay(t: EpochSeconds, zone: string): LocalBucket {
  return localBuckets(t, t + 1, zone, 'day')[0]!;
}

/** UTC instant of local midnight starting the given local date (YYYY-MM-DD). */
export function localDateStart(date: string, zone: string): EpochSeconds {
  assertZone(zone);
  const dt = DateTime.fromISO(date, { zone });
  if (!dt.isValid) throw new RangeError(`"${date}" is not a date YYYY-MM-DD`);
  return dt.startOf('day').toSeconds();
}
