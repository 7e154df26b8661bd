import { QUALITY, type ObisDefinition } from '../../model/index.ts';
import type { EpochSeconds } from '../../model/time.ts';
import { METHOD, REASON } from '../codes.ts';
import type { HistoryView } from '../history.ts';
import type { EventPeriods, Period } from '../periods.ts';
import { spanIndices, type RegisterSpan } from '../registers.ts';
import type { EstimationConfig, EstimationMethod } from '../rule-set.ts';
import { STATE } from '../rules/rule.ts';
import type { Estimate, EstimateInputs, MethodId, RuleId } from '../types.ts';
import { apportion } from './apportion.ts';
import { averageLikeDay, likeDay } from './like-day.ts';
import { interpolate } from './linear.ts';
import { typicalProfile } from './typical.ts';

/** The engine's working arrays and context, as the estimator needs them. */
export interface EstimationState {
  readonly n: number;
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly reason: Uint8Array;
  readonly method: Uint8Array;
  readonly state: Uint8Array;
  /** Per interval, 1 + the index in RULE_IDS of the rule that invalidated it (0: missing). */
  readonly trigger: Uint8Array;
  readonly def: ObisDefinition | undefined;
  readonly history: HistoryView | undefined;
  readonly periods: EventPeriods;
  readonly registerSpans: readonly RegisterSpan[];
  readonly config: Required<EstimationConfig>;
  readonly readThrough: EpochSeconds | undefined;
  readonly classProfile: Float64Array | undefined;
  readonly expectedDailyWh: number | undefined;
  slotOf(t: EpochSeconds): number;
  triggerOf(code: number): { readonly id: RuleId; readonly reason: number };
  /** A register span that cannot bound its estimates (advance below the actual intervals): reported as a reset. */
  warnRegister(from: number, to: number, message: string, measured: number, limit: number): void;
}

interface Run {
  readonly from: number;
  readonly to: number;
  readonly forward: boolean;
  method?: MethodId;
  flag?: number;
  inputs?: EstimateInputs;
  zeroReason?: number;
}

const RETRO: Record<string, number> = {
  zero: METHOD.zero, linear: METHOD.linear, 'average-like-day': METHOD.retrospectiveAverageLikeDay, 'like-day': METHOD.retrospectiveLikeDay,
  'typical-profile': METHOD.averageDailyLoad, 'register-apportion': METHOD.dataScaling,
};
const PROSPECTIVE: Record<string, number> = { ...RETRO, 'average-like-day': METHOD.prospectiveAverageLikeDay, 'like-day': METHOD.prospectiveLikeDay };

const needs = (s: EstimationState, i: number): boolean =>
  (s.state[i]! & (STATE.EXCLUDED | STATE.LOCKED)) === 0 && (s.quality[i] === QUALITY.N || (s.state[i]! & STATE.INVALID) !== 0);

/** Runs of intervals to estimate, cut where the read-through point and register readings fall. */
function runsOf(s: EstimationState, need: Uint8Array): Run[] {
  const cuts = new Set<number>();
  if (s.readThrough !== undefined) cuts.add(Math.floor((s.readThrough - s.start) / s.intervalS));
  for (const sp of s.registerSpans) {
    cuts.add((sp.from - s.start) / s.intervalS);
    cuts.add((sp.to - s.start) / s.intervalS);
  }
  const firstForward = s.readThrough === undefined ? s.n : Math.max(0, Math.floor((s.readThrough - s.start) / s.intervalS));
  const runs: Run[] = [];
  let i = 0;
  while (i < s.n) {
    if (!need[i]) { i++; continue; }
    let j = i + 1;
    while (j < s.n && need[j] && !cuts.has(j)) j++;
    runs.push({ from: i, to: j, forward: i >= firstForward });
    i = j;
  }
  return runs;
}

/**
 * Usable neighbour: a valid measured value (A or V), never an estimate — so that a gap left open
 * next to a run estimated in this pass is still left open when the engine runs on its own output.
 */
function anchor(s: EstimationState, need: Uint8Array, i: number): number {
  if (i < 0) return s.history?.actualAt(s.start - s.intervalS) ?? Number.NaN;
  const q = s.quality[i];
  if (i >= s.n || need[i] || (q !== QUALITY.A && q !== QUALITY.V) || (s.state[i]! & STATE.EXCLUDED) !== 0) return Number.NaN;
  return s.values[i]!;
}

function within(t: EpochSeconds, end: EpochSeconds, ps: readonly Period[]): Period | undefined {
  return ps.find((p) => p.from <= t && p.to >= end);
}

/** Tries one method on a run; writes its shape into `shape` and returns whether it applied. */
function tryMethod(s: EstimationState, need: Uint8Array, run: Run, m: EstimationMethod, shape: Float64Array): boolean {
  const { from, to, forward } = run;
  const cumulative = s.def?.cumulative ?? false;
  const cfg = s.config;
  const flag = (forward ? PROSPECTIVE : RETRO)[m]!;
  const done = (inputs: EstimateInputs, zeroReason?: number): true => {
    run.method = m;
    run.flag = flag;
    run.inputs = inputs;
    if (zeroReason !== undefined) run.zeroReason = zeroReason;
    return true;
  };
  switch (m) {
    case 'zero': {
      const used = new Set<Period>();
      let kind = '';
      for (let i = from; i < to; i++) {
        const t = s.start + i * s.intervalS;
        const p = within(t, t + s.intervalS, s.periods.outages) ?? (cumulative ? within(t, t + s.intervalS, s.periods.disconnected) : undefined);
        if (p === undefined) return false;
        used.add(p);
        kind = p.kind;
        shape[i] = 0;
      }
      return done({ periods: [...used].map((p) => ({ from: p.from, to: p.to, kind: p.kind })) }, kind === 'outage' ? REASON.powerOutage : REASON.deEnergised);
    }
    case 'linear': {
      if (forward || (to - from) * s.intervalS > cfg.linearMaxGapS) return false;
      const before = anchor(s, need, from - 1);
      const after = anchor(s, need, to);
      if (before !== before || after !== after) return false;
      interpolate(before, after, to - from, shape, from, cumulative);
      return done({ before: { at: s.start + from * s.intervalS, value: before }, after: { at: s.start + (to + 1) * s.intervalS, value: after } });
    }
    case 'average-like-day': {
      if (!cumulative || s.history === undefined) return false;
      const r = averageLikeDay(s.history, s.start, s.intervalS, from, to, cfg.likeDayWeeks, shape);
      return r !== undefined && done({ likeDays: r.days });
    }
    case 'like-day': {
      if (!cumulative || s.history === undefined) return false;
      const r = likeDay(s.history, s.start, s.intervalS, from, to, cfg.likeDayWeeks * 7, shape);
      return r !== undefined && done({ likeDays: r.days });
    }
    case 'typical-profile': {
      if (!cumulative) return false;
      const r = typicalProfile(s.history, cfg.minHistoryDays, s.start, s.intervalS, from, to, shape, s.classProfile, s.expectedDailyWh, (t) => s.slotOf(t));
      return r !== undefined && done(r);
    }
  }
}

/** Scale the estimates inside each register span so that actual + estimated = the register's advance. */
function boundByRegisters(s: EstimationState, need: Uint8Array, runs: Run[], shape: Float64Array): void {
  for (const sp of s.registerSpans) {
    const at = spanIndices(sp, s.start, s.intervalS, s.n);
    if (at === undefined || sp.delta === undefined) continue;
    const [i0, i1] = at;
    const inside = runs.filter((r) => r.from >= i0 && r.to <= i1);
    if (inside.length === 0) continue;
    let known = 0;
    for (let i = i0; i < i1; i++) if (!need[i]) known += s.values[i]!;
    const residual = sp.delta - known;
    if (residual < 0) {
      s.warnRegister(i0, i1, `the register advanced ${sp.delta}, less than the ${known} of the actual intervals: a reset or exchange inside the span; estimates not bounded`, residual, 0);
      continue;
    }
    const idx: number[] = [];
    const weights: number[] = [];
    for (const r of inside) {
      for (let i = r.from; i < r.to; i++) {
        idx.push(i);
        weights.push(r.method === undefined ? 1 : Math.max(0, shape[i]!));
      }
    }
    const shares = apportion(residual, weights);
    idx.forEach((i, k) => { shape[i] = shares[k]!; });
    for (const r of inside) {
      const register = { from: sp.from, to: sp.to, delta: sp.delta, known, residual, profile: r.method ?? 'flat' } as const;
      r.inputs = { ...r.inputs, register };
      r.method = 'register-apportion';
      r.flag = METHOD.dataScaling;
    }
  }
}

/**
 * Estimate every run of missing or invalidated intervals: per run the first method of the
 * configured order that applies, then (if enabled) register bounding. Writes values, quality (S, or
 * E after the read-through point), reason (the trigger's; none for E, as MDFF wants) and method flag.
 * Invalidated intervals no method could estimate keep their value with quality V.
 */
export function estimate(s: EstimationState): Estimate[] {
  const need = new Uint8Array(s.n);
  let any = false;
  for (let i = 0; i < s.n; i++) if (needs(s, i)) { need[i] = 1; any = true; }
  if (!any) return [];
  const runs = runsOf(s, need);
  const shape = new Float64Array(s.n);
  for (const run of runs) {
    for (const m of s.config.order) if (tryMethod(s, need, run, m, shape)) break;
  }
  if (s.config.registerBounded && (s.def?.cumulative ?? false)) boundByRegisters(s, need, runs, shape);
  const out: Estimate[] = [];
  for (const run of runs) {
    const triggers = new Set<RuleId>();
    for (let i = run.from; i < run.to; i++) triggers.add(s.triggerOf(s.trigger[i]!).id);
    if (run.method === undefined) {
      for (let i = run.from; i < run.to; i++) {
        if ((s.state[i]! & STATE.INVALID) === 0) continue;
        s.quality[i] = QUALITY.V;
        s.reason[i] = s.triggerOf(s.trigger[i]!).reason;
      }
      continue;
    }
    let energy = 0;
    for (let i = run.from; i < run.to; i++) {
      s.values[i] = shape[i]!;
      s.quality[i] = run.forward ? QUALITY.E : QUALITY.S;
      const trig = s.triggerOf(s.trigger[i]!);
      // A missing interval inside an outage or disconnection says why it is zero; a failed one keeps its rule's reason.
      s.reason[i] = run.forward ? REASON.none : run.zeroReason !== undefined && trig.id === 'gap' ? run.zeroReason : trig.reason;
      s.method[i] = run.flag!;
      energy += shape[i]!;
    }
    out.push({
      from: run.from, to: run.to, start: s.start + run.from * s.intervalS, end: s.start + run.to * s.intervalS,
      method: run.method, methodFlag: run.flag!, quality: run.forward ? 'E' : 'S', reason: s.reason[run.from]!,
      triggers: [...triggers], energy, inputs: run.inputs ?? {},
    });
  }
  return out;
}
