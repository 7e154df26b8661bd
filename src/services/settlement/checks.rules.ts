import { groupTotals } from './aggregate.rules.ts';
import {
  groupKey, MAX_FAILURES, type CheckResult, type GroupAggregate, type MeterSegment,
} from './settlement.model.ts';

/**
 * The checks a settlement run stores with its results (docs/settlement.md). Each compares the
 * aggregation with a figure computed another way; none throws: a failed check marks the run.
 */

const capped = (failures: Record<string, unknown>[]): Record<string, unknown>[] => failures.slice(0, MAX_FAILURES);
const party = (g: GroupAggregate) => ({ gridArea: g.gridArea, brp: g.brp, supplier: g.supplier });

/** (c) The day has the quarter-hours the zone's offsets demand, and every group has them all. */
export function checkPeriodCount(periods: number, expected: number, groups: readonly GroupAggregate[]): CheckResult {
  const failures: Record<string, unknown>[] = [];
  if (periods !== expected) failures.push({ periods, expected });
  for (const g of groups) if (g.importWh.length !== expected) failures.push({ ...party(g), periods: g.importWh.length, expected });
  return {
    name: 'period-count', passed: failures.length === 0, failures: capped(failures),
    message: failures.length === 0 ? `${periods} settlement periods, as the zone's offsets demand`
      : `${periods} settlement periods where the zone's offsets demand ${expected}`,
  };
}

export interface MeterSums {
  readonly importWh: ArrayLike<number>;
  readonly exportWh: ArrayLike<number>;
}

/** (a) For every period, the sum over the groups equals the sum over all the meters (read separately). */
export function checkPeriodSums(groups: readonly GroupAggregate[], meters: MeterSums, periods: number): CheckResult {
  const failures: Record<string, unknown>[] = [];
  let bad = 0;
  for (let p = 0; p < periods; p++) {
    let imp = 0;
    let exp = 0;
    for (const g of groups) {
      imp += g.importWh[p]!;
      exp += g.exportWh[p]!;
    }
    const mi = meters.importWh[p] ?? 0;
    const me = meters.exportWh[p] ?? 0;
    if (imp !== mi || exp !== me) {
      bad++;
      failures.push({ position: p + 1, groupsImportWh: imp, metersImportWh: mi, groupsExportWh: exp, metersExportWh: me });
    }
  }
  return {
    name: 'period-sums', passed: bad === 0, failures: capped(failures),
    message: bad === 0 ? `in all ${periods} periods the groups add up to the sum over the meters`
      : `in ${bad} of ${periods} periods the groups do not add up to the sum over the meters`,
  };
}

/** (b) Each group's day total equals the sum of its meters' own day totals (each cut to its assignment). */
export function checkGroupTotals(groups: readonly GroupAggregate[], meterTotals: ReadonlyMap<string, { importWh: number; exportWh: number }>): CheckResult {
  const failures: Record<string, unknown>[] = [];
  for (const g of groups) {
    const t = groupTotals(g);
    const m = meterTotals.get(groupKey(g)) ?? { importWh: 0, exportWh: 0 };
    if (t.importWh !== m.importWh || t.exportWh !== m.exportWh) {
      failures.push({ ...party(g), groupImportWh: t.importWh, metersImportWh: m.importWh, groupExportWh: t.exportWh, metersExportWh: m.exportWh });
    }
  }
  return {
    name: 'group-totals', passed: failures.length === 0, failures: capped(failures),
    message: failures.length === 0 ? `each of ${groups.length} group(s) totals the sum of its meters' day totals`
      : `${failures.length} of ${groups.length} group(s) do not total the sum of their meters' day totals`,
  };
}

/**
 * No meter interval is settled twice: a meter's segments (over all accounts) never overlap. Two
 * accounts claiming one meter at once would count its energy twice in the market.
 */
export function checkAllocation(segments: readonly MeterSegment[], periods: number): CheckResult {
  const byMeter = new Map<string, MeterSegment[]>();
  for (const s of segments) {
    const list = byMeter.get(s.meterId);
    if (list === undefined) byMeter.set(s.meterId, [s]);
    else list.push(s);
  }
  const failures: Record<string, unknown>[] = [];
  let overlaps = 0;
  for (const [meterId, list] of byMeter) {
    if (list.length < 2) continue;
    const sorted = [...list].sort((a, b) => a.p0 - b.p0);
    // The segment reaching furthest so far: any later one starting before its end overlaps it.
    let reach = sorted[0]!;
    for (let i = 1; i < sorted.length; i++) {
      const cur = sorted[i]!;
      const from = Math.max(cur.p0, 0);
      const to = Math.min(reach.p1, cur.p1, periods);
      if (to > from) {
        overlaps++;
        failures.push({ meterId, accounts: [reach.accountId, cur.accountId], fromPosition: from + 1, toPosition: to });
      }
      if (cur.p1 > reach.p1) reach = cur;
    }
  }
  return {
    name: 'allocation', passed: overlaps === 0, failures: capped(failures),
    message: overlaps === 0 ? 'every meter interval is allocated to at most one account'
      : `${overlaps} overlap(s): a meter serves two accounts (or one twice) in the same periods`,
  };
}

/** (d) Every group's completeness reaches the threshold: the run is 'complete', else 'incomplete'. */
export function checkCompleteness(groups: readonly GroupAggregate[], threshold: number): CheckResult {
  const failures: Record<string, unknown>[] = [];
  for (const g of groups) {
    const t = groupTotals(g);
    if (t.completeness < threshold) failures.push({ ...party(g), completeness: t.completeness, missing: t.missing, expected: t.expected });
  }
  const pct = `${(threshold * 100).toFixed(2)} %`;
  return {
    name: 'completeness', passed: failures.length === 0, failures: capped(failures),
    message: failures.length === 0 ? `every group is at least ${pct} complete`
      : `${failures.length} of ${groups.length} group(s) below ${pct} complete`,
  };
}
