import type { EpochSeconds, MarketParties } from '../../model/index.ts';

/** Settlement periods are quarter-hours (the EU imbalance settlement period, DOMAIN.md §6). */
export const PERIOD_S = 900;

/** A market zone's local settlement day as UTC instants, with its 92/96/100 quarter-hours. */
export interface SettlementDay {
  /** Local date YYYY-MM-DD. */
  readonly day: string;
  readonly zone: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** (end - start) / 900. */
  readonly periods: number;
}

/** One channel of one meter over a segment's periods, at the channel's own resolution (a divisor of 900 s). */
export interface ChannelSlice {
  readonly intervalS: number;
  /** (p1 - p0) · 900 / intervalS values and quality codes (src/model/quality.ts). */
  readonly values: ArrayLike<number>;
  readonly quality: ArrayLike<number>;
}

/**
 * The part of the day one meter served one account: settlement periods [p0, p1) (0-based). An
 * interval belongs to the assignment that covers its start, so boundaries round up to the grid.
 */
export interface MeterSegment {
  readonly accountId: string;
  readonly meterId: string;
  readonly market: MarketParties;
  readonly p0: number;
  readonly p1: number;
  /** Absent: the meter has no 15-minute-compatible import channel; its periods count as missing. */
  readonly import?: ChannelSlice;
  /** Absent: the meter has no export channel (nothing is missing then). */
  readonly export?: ChannelSlice;
}

/** Per settlement period of one group: energy and how many metering points (accounts) stand behind it. */
export interface GroupAggregate extends MarketParties {
  /** Distinct accounts with any period in the day. */
  readonly meteringPoints: number;
  /** Distinct meters that served them. */
  readonly meters: number;
  /** Of those, meters with an export (1-0:2.8.0) channel. */
  readonly exportMeters: number;
  readonly importWh: Float64Array;
  readonly exportWh: Float64Array;
  /** Metering points assigned in the period. */
  readonly expected: Uint32Array;
  /** Of those: every interval of every channel actual. */
  readonly actual: Uint32Array;
  /** No interval missing, at least one substituted/estimated (S/E/F). */
  readonly estimated: Uint32Array;
  /** At least one interval missing (N), or no usable import channel. */
  readonly missing: Uint32Array;
}

export const CHECK_NAMES = ['period-count', 'period-sums', 'group-totals', 'allocation', 'completeness'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckResult {
  readonly name: CheckName;
  readonly passed: boolean;
  /** What was compared, and the outcome, in a sentence. */
  readonly message: string;
  /** The first failures (at most MAX_FAILURES), each naming what differs. */
  readonly failures: readonly Record<string, unknown>[];
}

export const MAX_FAILURES = 50;

/** The totals of one group over the day. */
export interface GroupTotals {
  readonly importWh: number;
  readonly exportWh: number;
  /** Metering-point periods expected, i.e. the sum of `expected` over the periods. */
  readonly expected: number;
  readonly actual: number;
  readonly estimated: number;
  readonly missing: number;
  /** (actual + estimated) / expected; 1 when nothing was expected. */
  readonly completeness: number;
  /** actual / expected; 1 when nothing was expected. */
  readonly actualShare: number;
  /** estimated / expected; 0 when nothing was expected. actualShare + estimatedShare = completeness. */
  readonly estimatedShare: number;
}

export const groupKey = (m: MarketParties): string => `${m.gridArea}\u0000${m.brp}\u0000${m.supplier}`;

export function compareParties(a: MarketParties, b: MarketParties): number {
  return a.gridArea < b.gridArea ? -1 : a.gridArea > b.gridArea ? 1
    : a.brp < b.brp ? -1 : a.brp > b.brp ? 1
      : a.supplier < b.supplier ? -1 : a.supplier > b.supplier ? 1 : 0;
}
