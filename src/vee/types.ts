import type { IntervalSeries, Meter, MeterEvent, RegisterReading } from '../model/index.ts';
import type { EpochSeconds } from '../model/time.ts';

export type Severity = 'info' | 'warning' | 'error';

/**
 * What a failed rule does to the data:
 * - `flag`: a finding only (for the exceptions queue); values, quality and reason stay.
 * - `invalidate`: the intervals fail validation; the estimator substitutes them (S/E), or, if no
 *   method applies, they keep their value with quality V and the rule's reason.
 * - `annotate`: an actual interval keeps value and quality A and gets the rule's reason code
 *   (MDFF: A with reason 79 power outage / 89 time reset).
 */
export type RuleAction = 'flag' | 'invalidate' | 'annotate';

export const RULE_IDS = [
  'duplicate', 'conflicting-version', 'outside-installation', 'gap', 'negative-import', 'spike', 'zero-run',
  'high-low', 'register-rollover', 'register-reset', 'register-sum', 'clock', 'power-outage',
  'voltage', 'current', 'power-factor', 'frequency', 'export-no-generation',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const METHOD_IDS = ['zero', 'linear', 'average-like-day', 'like-day', 'typical-profile', 'register-apportion'] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export type ParamValue = number | boolean;

/** A clock comparison the head-end made when it read the meter: meter clock minus reference time. */
export interface ClockCheck {
  readonly at: EpochSeconds;
  readonly deviationS: number;
}

/** Everything the engine looks at for one channel of one meter over one window. */
export interface VeeInput {
  /** The window to validate, on the channel's grid; missing intervals as QUALITY.N. */
  readonly series: IntervalSeries;
  readonly meter: Meter;
  /** Earlier data of the same channel (e.g. the previous 4 weeks, the same weeks last year), any order. */
  readonly history?: readonly IntervalSeries[];
  /** Cumulative register readings of the same channel around the window. */
  readonly registers?: readonly RegisterReading[];
  /** The meter's events in and around the window. */
  readonly events?: readonly MeterEvent[];
  /** Head-end clock checks in and around the window. */
  readonly clockChecks?: readonly ClockCheck[];
  /** What the store holds for this window now (latest version), to merge with and compare against. */
  readonly prior?: IntervalSeries;
  /**
   * The meter has been read up to here. Missing intervals ending after it get forward estimates (E),
   * the rest substitutes (S). Default: the whole window was read.
   */
  readonly readThrough?: EpochSeconds;
  /** Rule-set class (meter class or tariff) to apply; default: the first class whose match fits the meter. */
  readonly meterClass?: string;
  /** Load shape per local slot of the day (any scale), for typical-profile estimates without history. */
  readonly classProfile?: Float64Array;
  /** Expected energy per day (stored unit) to scale `classProfile` when no register bounds the gap. */
  readonly expectedDailyWh?: number;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly action: RuleAction;
  /** Interval indices [from, to) of the window. */
  readonly from: number;
  readonly to: number;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly reason: number;
  readonly measured?: number;
  readonly limit?: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly message: string;
}

export interface RegisterBound {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Register advance over [from, to], rollover corrected. */
  readonly delta: number;
  /** Sum of the intervals in the span that were not estimated. */
  readonly known: number;
  /** delta − known: what the estimated intervals of the span share. */
  readonly residual: number;
  /** Whose shape was scaled to the residual. */
  readonly profile: MethodId | 'flat';
}

export interface EstimateInputs {
  readonly before?: { readonly at: EpochSeconds; readonly value: number };
  readonly after?: { readonly at: EpochSeconds; readonly value: number };
  /** Starts (UTC) of the local days whose same time of day was used. */
  readonly likeDays?: readonly EpochSeconds[];
  /** Days of history behind a typical profile. */
  readonly historyDays?: number;
  readonly register?: RegisterBound;
  /** Outage or disconnection periods a zero estimate rests on. */
  readonly periods?: readonly { readonly from: EpochSeconds; readonly to: EpochSeconds; readonly kind: string }[];
  readonly scale?: number;
}

/** One run of estimated intervals and why and how they were estimated. */
export interface Estimate {
  readonly from: number;
  readonly to: number;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly method: MethodId;
  /** AEMO Part B method flag written with the quality (S14, E20, …). */
  readonly methodFlag: number;
  readonly quality: 'S' | 'E';
  readonly reason: number;
  /** Rules that made the intervals need an estimate ('gap' for missing ones). */
  readonly triggers: readonly RuleId[];
  /** Sum of the estimated values. */
  readonly energy: number;
  readonly inputs: EstimateInputs;
}

export interface RuleSetStamp {
  readonly id: string;
  readonly version: number;
  readonly className: string;
  readonly fingerprint: string;
}

export interface VeeResult {
  /** New arrays; `reason` always present. The input is never modified. */
  readonly series: IntervalSeries & { readonly reason: Uint8Array };
  /** Part B method flag per interval (0: none or unknown, e.g. an estimate that arrived from an MDP). */
  readonly method: Uint8Array;
  readonly findings: readonly Finding[];
  readonly estimates: readonly Estimate[];
  /** Intervals whose value, quality or reason differ from the input series. */
  readonly changed: number;
  readonly ruleSet: RuleSetStamp;
}
