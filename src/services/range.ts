import { DAY_S, MeterstackError, type EpochSeconds } from '../model/index.ts';

export interface TimeRange {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
}

/** Bounds every range query so one request cannot ask the store to decode years of intervals. */
export function checkRange(range: TimeRange, maxDays: number): TimeRange {
  const { from, to } = range;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    throw new MeterstackError('QUERY_INVALID', '"from" must be before "to"');
  }
  if (to - from > maxDays * DAY_S) {
    throw new MeterstackError('QUERY_INVALID', `the range may span at most ${maxDays} days; ask for a shorter range or a coarser aggregate`);
  }
  return range;
}

/** The smallest range on the interval grid that covers [from, to). */
export function alignRange(range: TimeRange, intervalS: number): TimeRange {
  return {
    from: Math.floor(range.from / intervalS) * intervalS,
    to: Math.ceil(range.to / intervalS) * intervalS,
  };
}
