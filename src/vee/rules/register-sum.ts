import { QUALITY } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { spanIndices } from '../registers.ts';
import { isCumulative, STATE, type RuleDef } from './rule.ts';

/**
 * Register vs interval sum: over two register readings on the interval grid inside the window, the
 * register's advance must equal the sum of the intervals within the meter's accuracy class
 * (`accuracyPct` of the advance, at least `resolutionWh` per interval for rounding). Spans holding
 * intervals still to be estimated are left to the estimator, which bounds them by the register.
 */
export const registerSum: RuleDef<{ accuracyPct: number; resolutionWh: number }> = {
  id: 'register-sum',
  title: 'Register advance vs sum of intervals',
  source: 'Oracle MDM D2-SUM-CHK (interval total vs scalar channel within tolerance); IESO "meter reading vs load profile"; MID 2014/32/EU Annex V MPE (class B 1 %)',
  severity: 'warning',
  action: 'flag',
  reason: REASON.failedValidation,
  params: { accuracyPct: 1, resolutionWh: 1 },
  appliesTo: isCumulative,
  check(ctx, rule) {
    for (const span of ctx.registerSpans) {
      const at = spanIndices(span, ctx.start, ctx.intervalS, ctx.n);
      if (at === undefined || span.delta === undefined) continue;
      const [from, to] = at;
      let sum = 0;
      let open = false;
      for (let i = from; i < to && !open; i++) {
        open = ctx.quality[i] === QUALITY.N || (ctx.state[i]! & STATE.INVALID) !== 0;
        sum += ctx.values[i]!;
      }
      if (open) continue;
      const limit = Math.max((Math.abs(span.delta) * rule.params.accuracyPct) / 100, rule.params.resolutionWh * (to - from));
      const diff = sum - span.delta;
      if (Math.abs(diff) > limit) {
        ctx.fail(rule, from, to, `intervals sum to ${sum}, the register advanced ${span.delta} (difference ${diff})`, diff, limit);
      }
    }
  },
};
