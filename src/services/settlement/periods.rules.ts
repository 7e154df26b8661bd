import { assertZone, localBuckets, localDateStart, MeterstackError, zoneOffsetAt, type EpochSeconds } from '../../model/index.ts';
import { PERIOD_S, type SettlementDay } from './settlement.model.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30); SETTLEMENT_INVALID otherwise. */
export function assertDay(day: string): string {
  const m = DATE.exec(day);
  const ok = m !== null && (() => {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toISOString().slice(0, 10) === day;
  })();
  if (!ok) throw new MeterstackError('SETTLEMENT_INVALID', `settlement day "${day}" is not a date YYYY-MM-DD`);
  return day;
}

/** The local day in the market zone, from local midnight to the next (23, 24 or 25 hours). */
export function settlementDay(day: string, zone: string): SettlementDay {
  assertDay(day);
  assertZone(zone);
  const start = localDateStart(day, zone);
  const bucket = localBuckets(start, start + 1, zone, 'day')[0]!;
  if ((bucket.end - start) % PERIOD_S !== 0 || start % PERIOD_S !== 0) {
    // Every zone in use today has offsets in whole quarter-hours; a historic LMT day would not.
    throw new MeterstackError('SETTLEMENT_INVALID', `the local day ${day} in ${zone} does not fall on the quarter-hour grid`);
  }
  return { day, zone, start, end: bucket.end, periods: (bucket.end - start) / PERIOD_S };
}

/**
 * Quarter-hours the zone's day must have, derived from the UTC offsets at its two midnights rather
 * than from the day's length: a day whose offset grows by an hour (spring) loses 4 periods (92),
 * one whose offset shrinks (autumn) gains 4 (100). The period-count check compares the two.
 */
export function expectedPeriodCount(start: EpochSeconds, end: EpochSeconds, zone: string): number {
  const change = zoneOffsetAt(end, zone).offset - zoneOffsetAt(start, zone).offset;
  return 96 - change / 15;
}
