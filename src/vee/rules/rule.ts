import type { Meter, ObisDefinition } from '../../model/index.ts';
import type { EpochSeconds } from '../../model/time.ts';
import type { HistoryView } from '../history.ts';
import type { EventPeriods } from '../periods.ts';
import type { RegisterSpan } from '../registers.ts';
import type { ParamValue, RuleAction, RuleId, Severity, VeeInput } from '../types.ts';

export type Params = Readonly<Record<string, ParamValue>>;

/** A rule's configuration after the rule set and the meter's class were applied. */
export interface ResolvedRule<P extends Params = Params> {
  readonly id: RuleId;
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly action: RuleAction;
  readonly reason: number;
  readonly params: P;
}

/** Per-interval state bits the rules share (never part of the output). */
export const STATE = {
  /** Failed a rule with action `invalidate`: to be substituted. */
  INVALID: 1,
  /** Outside the meter's installation period: neither validated further nor estimated. */
  EXCLUDED: 2,
  /** Quality from the source (S/E/F) that the engine must keep as it is. */
  LOCKED: 4,
  /** Inside a power outage or disconnection. */
  OFF: 8,
} as const;

/** The working view of one window that every rule reads and reports into. */
export interface RuleContext {
  readonly n: number;
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly state: Uint8Array;
  readonly def: ObisDefinition | undefined;
  readonly meter: Meter;
  readonly input: VeeInput;
  readonly periods: EventPeriods;
  /** Earlier data of the channel, or undefined without any. */
  readonly history: HistoryView | undefined;
  /** Consecutive register readings of the channel, rollover and reset classified. */
  readonly registerSpans: readonly RegisterSpan[];
  /** MERGE code per interval when a prior version was given. */
  readonly mergeDecision: Uint8Array | undefined;
  /** The meter carries one of the rule set's generation tags. */
  readonly hasGeneration: boolean;
  /** A measured value the rules may judge: quality A or V, not yet invalid or excluded. */
  isActual(i: number): boolean;
  /** Record a finding over [from, to) and apply the rule's action to its actual intervals. */
  fail(rule: ResolvedRule, from: number, to: number, message: string, measured?: number, limit?: number): void;
  /** Record a finding with the rule's severity, without acting on the data. */
  flag(rule: ResolvedRule, from: number, to: number, message: string, measured?: number, limit?: number): void;
  /** Record an info finding, without acting on the data. */
  note(rule: ResolvedRule, from: number, to: number, message: string, measured?: number, limit?: number): void;
}

export interface RuleDef<P extends Params = Params> {
  readonly id: RuleId;
  readonly title: string;
  /** Where the rule comes from: standard section, market procedure or vendor practice. */
  readonly source: string;
  readonly severity: Severity;
  readonly action: RuleAction;
  readonly reason: number;
  readonly params: P;
  /** Whether it runs on this channel at all (quantity, direction). */
  appliesTo(def: ObisDefinition | undefined): boolean;
  check(ctx: RuleContext, rule: ResolvedRule<P>): void;
}

/** Cumulative energy or volume, whose intervals are deltas. */
export const isCumulative = (def: ObisDefinition | undefined): boolean => def !== undefined && def.cumulative;
export const isImportEnergy = (def: ObisDefinition | undefined): boolean => def !== undefined && def.cumulative && def.direction === 'import';

/** Calls fn(from, to) for each maximal run of indices where pred holds. */
export function forRuns(n: number, pred: (i: number) => boolean, fn: (from: number, to: number) => void): void {
  let i = 0;
  while (i < n) {
    if (!pred(i)) { i++; continue; }
    let j = i + 1;
    while (j < n && pred(j)) j++;
    fn(i, j);
    i = j;
  }
}
