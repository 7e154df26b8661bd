import type { MarketParties } from '../../model/index.ts';
import { groupTotals, type PeriodArrays } from './aggregate.rules.ts';
import { compareParties, groupKey } from './settlement.model.ts';

/** What the diff needs of a group: its parties and per-period arrays (a stored or a fresh result). */
export interface DiffGroup extends MarketParties, PeriodArrays {}

export interface GroupDiff extends MarketParties {
  /** new: only in this run; gone: only in the previous one. */
  readonly change: 'new' | 'gone' | 'changed' | 'unchanged';
  readonly importWhDelta: number;
  readonly exportWhDelta: number;
  /** This run's completeness minus the previous run's (a share: 0.01 is one percentage point). */
  readonly completenessDelta: number;
  readonly estimatedShareDelta: number;
  readonly actualDelta: number;
  readonly estimatedDelta: number;
  readonly missingDelta: number;
  /** 1-based positions whose energy or counts differ. */
  readonly changedPeriods: readonly number[];
}

export interface RunDiff {
  readonly groups: readonly GroupDiff[];
  readonly importWhDelta: number;
  readonly exportWhDelta: number;
  /** Groups that are new, gone or changed. */
  readonly changedGroups: number;
}

const EMPTY: Omit<DiffGroup, keyof MarketParties> = { importWh: [], exportWh: [], expected: [], actual: [], estimated: [], missing: [] };
const at = (a: ArrayLike<number>, p: number): number => a[p] ?? 0;

function periodsChanged(a: DiffGroup, b: DiffGroup): number[] {
  const n = Math.max(a.importWh.length, b.importWh.length);
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    if (at(a.importWh, p) !== at(b.importWh, p) || at(a.exportWh, p) !== at(b.exportWh, p) || at(a.expected, p) !== at(b.expected, p)
      || at(a.actual, p) !== at(b.actual, p) || at(a.estimated, p) !== at(b.estimated, p) || at(a.missing, p) !== at(b.missing, p)) out.push(p + 1);
  }
  return out;
}

/** Over the same expected count (the usual re-run), the delta of a share is one division: 4/288, not 1 - 284/288. */
function shareDelta(numA: number, numB: number, denA: number, denB: number, shareA: number, shareB: number): number {
  return denA === denB && denA > 0 ? (numA - numB) / denA : shareA - shareB;
}

/** The difference of a run to the previous run of the same day and zone, per group; exact in Wh. */
export function diffRuns(previous: readonly DiffGroup[], current: readonly DiffGroup[]): RunDiff {
  const prev = new Map(previous.map((g) => [groupKey(g), g]));
  const cur = new Map(current.map((g) => [groupKey(g), g]));
  const keys = [...new Set([...prev.keys(), ...cur.keys()])];
  const groups: GroupDiff[] = keys.map((k) => {
    const p = prev.get(k);
    const c = cur.get(k);
    const parties = (c ?? p)!;
    const before = p ?? { ...parties, ...EMPTY };
    const after = c ?? { ...parties, ...EMPTY };
    const tb = groupTotals(before);
    const ta = groupTotals(after);
    const changedPeriods = periodsChanged(before, after);
    const change: GroupDiff['change'] = p === undefined ? 'new' : c === undefined ? 'gone' : changedPeriods.length > 0 ? 'changed' : 'unchanged';
    return {
      gridArea: parties.gridArea, brp: parties.brp, supplier: parties.supplier, change,
      importWhDelta: ta.importWh - tb.importWh, exportWhDelta: ta.exportWh - tb.exportWh,
      // A group that is new or gone has no completeness on the other side: its delta is 0, its change says why.
      completenessDelta: p && c ? shareDelta(ta.actual + ta.estimated, tb.actual + tb.estimated, ta.expected, tb.expected, ta.completeness, tb.completeness) : 0,
      estimatedShareDelta: p && c ? shareDelta(ta.estimated, tb.estimated, ta.expected, tb.expected, ta.estimatedShare, tb.estimatedShare) : 0,
      actualDelta: ta.actual - tb.actual, estimatedDelta: ta.estimated - tb.estimated, missingDelta: ta.missing - tb.missing,
      changedPeriods,
    };
  }).sort(compareParties);
  let importWhDelta = 0;
  let exportWhDelta = 0;
  for (const g of groups) {
    importWhDelta += g.importWhDelta;
    exportWhDelta += g.exportWhDelta;
  }
  return { groups, importWhDelta, exportWhDelta, changedGroups: groups.filter((g) => g.change !== 'unchanged').length };
}
