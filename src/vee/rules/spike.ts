import { REASON } from '../codes.ts';
import { isCumulative, type ResolvedRule, type RuleContext, type RuleDef } from './rule.ts';

type SpikeParams = {
  k: number;
  kMax: number;
  windowSlots: number;
  minWhPerHour: number;
  minHistoryDays: number;
  fallbackTolerancePct: number;
};

const scratch = { ref: new Float64Array(1440) };

/**
 * Spike: an interval far above what this meter does at that time of day. With history, the
 * reference for an interval is the meter's highest actual value at the same local time ± windowSlots
 * over its history (its typical peak for that time); a spike exceeds k × that reference, kMax × the
 * highest value of the whole history, and a floor. Without enough history, the Oracle MDM rule: the
 * highest interval of the window against the third-highest, repeated until none is left.
 */
export const spike: RuleDef<SpikeParams> = {
  id: 'spike',
  title: 'Spike against the meter\'s typical peak for the time of day',
  source: 'Oracle MDM D2-INTSPKCHK (highest vs third-highest); Itron/Oracle interval spike checks; ELEXON BSCP504 "twice the expected consumption"; MDFF reason 45',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: { k: 3, kMax: 1.5, windowSlots: 4, minWhPerHour: 1000, minHistoryDays: 7, fallbackTolerancePct: 500 },
  appliesTo: isCumulative,
  check(ctx, rule) {
    const floor = (rule.params.minWhPerHour * ctx.intervalS) / 3600;
    let top = -Infinity;
    for (let i = 0; i < ctx.n; i++) if (ctx.values[i]! > top) top = ctx.values[i]!;
    if (top <= floor) return;
    const h = ctx.history;
    if (h !== undefined && h.hasActualDays(rule.params.minHistoryDays)) {
      // A spike must exceed kMax × everything in the history: usually a recent day already shows a
      // higher interval than today's highest, and then no slot profile is needed at all.
      if (rule.params.kMax > 0 && h.anyActualAtLeast(top / rule.params.kMax)) return;
      const peaks = h.peaks();
      againstHistory(ctx, rule, floor, h.slotOf(ctx.start), peaks.max, peaks.globalMax);
    } else {
      againstThirdHighest(ctx, rule, floor);
    }
  },
};

function againstHistory(ctx: RuleContext, rule: ResolvedRule<SpikeParams>, floor: number, slot0: number, max: Float64Array, globalMax: number): void {
  const slots = max.length;
  const w = Math.min(rule.params.windowSlots, slots >> 1);
  const ref = slots <= scratch.ref.length ? scratch.ref : new Float64Array(slots);
  for (let s = 0; s < slots; s++) {
    let m = 0;
    for (let d = -w; d <= w; d++) {
      const v = max[(s + d + slots) % slots]!;
      if (v > m) m = v;
    }
    ref[s] = m;
  }
  const overAll = rule.params.kMax * globalMax;
  const { values, n } = ctx;
  let slot = slot0;
  for (let i = 0; i < n; i++, slot = slot + 1 === slots ? 0 : slot + 1) {
    const v = values[i]!;
    if (v <= floor || v <= overAll) continue;
    const limit = Math.max(rule.params.k * ref[slot]!, overAll, floor);
    if (v > limit && ctx.isActual(i)) ctx.fail(rule, i, i + 1, `${v} exceeds ${rule.params.k} × the typical peak ${ref[slot]} for this time of day`, v, limit);
  }
}

function againstThirdHighest(ctx: RuleContext, rule: ResolvedRule<SpikeParams>, floor: number): void {
  const { values, n } = ctx;
  const tol = 1 + rule.params.fallbackTolerancePct / 100;
  for (let round = 0; round < n; round++) {
    let i1 = -1;
    let v1 = -Infinity;
    let v2 = -Infinity;
    let v3 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!ctx.isActual(i)) continue;
      const v = values[i]!;
      if (v > v1) { v3 = v2; v2 = v1; v1 = v; i1 = i; } else if (v > v2) { v3 = v2; v2 = v; } else if (v > v3) v3 = v;
    }
    if (i1 < 0 || !(v3 > 0) || v1 <= floor || v1 <= tol * v3) return;
    ctx.fail(rule, i1, i1 + 1, `${v1} exceeds the window's third-highest interval ${v3} by more than ${rule.params.fallbackTolerancePct} %`, v1, tol * v3);
    if (rule.action !== 'invalidate') return;
  }
}
