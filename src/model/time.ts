import { DateTime, IANAZone } from 'luxon';
import { MeterstackError } from './errors.ts';

/** Internally every instant is UTC epoch seconds; local time exists only at rule boundaries. */
export type EpochSeconds = number;

export const DAY_S = 86_400;

export function utcDayStart(t: EpochSeconds): EpochSeconds {
  return Math.floor(t / DAY_S) * DAY_S;
}

// luxon builds an Intl.DateTimeFormat for every validity check and offset lookup; a fleet asks the
// same few zones about the same quarter-hours over and over.
const validZones = new Set<string>();

export function assertZone(zone: string): string {
  if (validZones.has(zone)) return zone;
  if (!IANAZone.isValidZone(zone)) {
    throw new MeterstackError('ZONE_INVALID', `"${zone}" is not an IANA time zone such as Europe/Amsterdam`);
  }
  validZones.add(zone);
  return zone;
}

export interface ZoneOffset {
  /** Local time minus UTC, minutes (UTC+01:00 is 60). */
  readonly offset: number;
  /** Whether daylight saving time is in force (the offset exceeds the year's standard offset). */
  readonly dst: boolean;
  /** The year's standard (winter) offset, minutes: what tariffs quoted "in GMT" run on all year. */
  readonly standard: number;
}

const OFFSET_SLOT_S = 900;
const offsetCache = new Map<string, Map<number, ZoneOffset>>();

/**
 * The UTC offset of `zone` at `t`. Cached per quarter-hour: every tz transition since 1980 falls on
 * a quarter-hour boundary, so an offset never changes inside a slot.
 */
export function zoneOffsetAt(t: EpochSeconds, zone: string): ZoneOffset {
  let byZone = offsetCache.get(zone);
  if (!byZone) offsetCache.set(zone, (byZone = new Map()));
  const slot = Math.floor(t / OFFSET_SLOT_S);
  let hit = byZone.get(slot);
  if (hit === undefined) {
    const z = IANAZone.create(assertZone(zone));
    const offset = z.offset(t * 1000);
    const year = new Date(t * 1000).getUTCFullYear();
    const standard = Math.min(z.offset(Date.UTC(year, 0, 1)), z.offset(Date.UTC(year, 6, 1)));
    hit = { offset, dst: offset > standard, standard };
    if (byZone.size >= 200_000) byZone.clear();
    byZone.set(slot, hit);
  }
  return hit;
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
