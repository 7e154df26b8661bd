import { isEstimated, QUALITY } from '../../model/index.ts';
import {
  compareParties, groupKey, PERIOD_S, type ChannelSlice, type GroupAggregate, type GroupTotals, type MeterSegment,
} from './settlement.model.ts';

/** Status of one metering point in one period, worst wins: actual < estimated < missing. */
const NONE = -1;
const ACTUAL = 0;
const ESTIMATED = 1;
const MISSING = 2;

/** Whether a channel of this resolution can be settled in quarter-hours (sub-intervals add up to one). */
export function settles(intervalS: number): boolean {
  return Number.isInteger(intervalS) && intervalS > 0 && PERIOD_S % intervalS === 0;
}

/**
 * Adds one channel slice into per-period energy and folds its worst status into `status`. A
 * period with any missing (N) sub-interval is missing; the energy of the sub-intervals that are
 * there still counts (what the meters sent is never dropped), so sums stay comparable with the
 * store's own per-interval sums.
 */
function addSlice(slice: ChannelSlice, p0: number, p1: number, energy: Float64Array, status: Int8Array): void {
  const per = PERIOD_S / slice.intervalS;
  const { values, quality } = slice;
  for (let p = p0, i = 0; p < p1; p++) {
    let e = 0;
    let s = ACTUAL;
    for (const end = i + per; i < end; i++) {
      const q = quality[i]!;
      if (q === QUALITY.N) {
        s = MISSING;
        continue;
      }
      e += values[i]!;
      if (s === ACTUAL && isEstimated(q)) s = ESTIMATED;
    }
    energy[p] = energy[p]! + e;
    if (s > status[p]!) status[p] = s;
  }
}

interface Building {
  readonly agg: GroupAggregate;
  readonly accounts: Set<string>;
  readonly meters: Set<string>;
  readonly exportMeters: Set<string>;
}

/**
 * Aggregates meter segments per (grid area, BRP, supplier) and settlement period. Pure: arrays in,
 * arrays out. A metering point is an account: a meter exchange mid-day is one metering point served
 * by two meters; two meters serving an account at once add up and the worse status counts.
 * Groups come out sorted by grid area, BRP, supplier.
 */
export function aggregate(segments: readonly MeterSegment[], periods: number): GroupAggregate[] {
  const groups = new Map<string, Building>();
  // Per account, the status of each period (NONE where no meter served it).
  const statusOf = new Map<string, { status: Int8Array; group: Building }>();
  for (const seg of segments) {
    const p0 = Math.max(0, seg.p0);
    const p1 = Math.min(periods, seg.p1);
    if (p1 <= p0) continue;
    const key = groupKey(seg.market);
    let g = groups.get(key);
    if (g === undefined) {
      const { gridArea, brp, supplier } = seg.market;
      g = {
        agg: {
          gridArea, brp, supplier, meteringPoints: 0, meters: 0, exportMeters: 0,
          importWh: new Float64Array(periods), exportWh: new Float64Array(periods),
          expected: new Uint32Array(periods), actual: new Uint32Array(periods), estimated: new Uint32Array(periods), missing: new Uint32Array(periods),
        },
        accounts: new Set(), meters: new Set(), exportMeters: new Set(),
      };
      groups.set(key, g);
    }
    g.accounts.add(seg.accountId);
    g.meters.add(seg.meterId);
    // An account's market parties are one triple, so its periods all land in one group.
    const acctKey = `${key}\u0000${seg.accountId}`;
    let acct = statusOf.get(acctKey);
    if (acct === undefined) statusOf.set(acctKey, (acct = { status: new Int8Array(periods).fill(NONE), group: g }));
    const status = acct.status;
    for (let p = p0; p < p1; p++) if (status[p] === NONE) status[p] = ACTUAL;
    if (seg.import === undefined) {
      for (let p = p0; p < p1; p++) status[p] = MISSING;
    } else {
      addSlice(seg.import, p0, p1, g.agg.importWh, status);
    }
    if (seg.export !== undefined) {
      g.exportMeters.add(seg.meterId);
      addSlice(seg.export, p0, p1, g.agg.exportWh, status);
    }
  }
  for (const { status, group } of statusOf.values()) {
    const a = group.agg;
    for (let p = 0; p < periods; p++) {
      const s = status[p]!;
      if (s === NONE) continue;
      a.expected[p]!++;
      if (s === ACTUAL) a.actual[p]!++;
      else if (s === ESTIMATED) a.estimated[p]!++;
      else a.missing[p]!++;
    }
  }
  return [...groups.values()]
    .map((g) => ({ ...g.agg, meteringPoints: g.accounts.size, meters: g.meters.size, exportMeters: g.exportMeters.size }))
    .sort(compareParties);
}

const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

/** Day totals and shares of one group (or of anything with the same per-period arrays). */
export interface PeriodArrays {
  readonly importWh: ArrayLike<number>;
  readonly exportWh: ArrayLike<number>;
  readonly expected: ArrayLike<number>;
  readonly actual: ArrayLike<number>;
  readonly estimated: ArrayLike<number>;
  readonly missing: ArrayLike<number>;
}

export function groupTotals(g: PeriodArrays): GroupTotals {
  const expected = sum(g.expected);
  const actual = sum(g.actual);
  const estimated = sum(g.estimated);
  return {
    importWh: sum(g.importWh), exportWh: sum(g.exportWh), expected, actual, estimated, missing: sum(g.missing),
    completeness: expected ? (actual + estimated) / expected : 1,
    actualShare: expected ? actual / expected : 1,
    estimatedShare: expected ? estimated / expected : 0,
  };
}

/** The same figures over several groups: shares are of the pooled counts, not an average of shares. */
export function poolTotals(groups: readonly GroupTotals[]): GroupTotals {
  let importWh = 0, exportWh = 0, expected = 0, actual = 0, estimated = 0, missing = 0;
  for (const g of groups) {
    importWh += g.importWh; exportWh += g.exportWh; expected += g.expected; actual += g.actual; estimated += g.estimated; missing += g.missing;
  }
  return {
    importWh, exportWh, expected, actual, estimated, missing,
    completeness: expected ? (actual + estimated) / expected : 1,
    actualShare: expected ? actual / expected : 1,
    estimatedShare: expected ? estimated / expected : 0,
  };
}
