import { QUALITY } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { forRuns, STATE, type RuleDef } from './rule.ts';

const SKIP = STATE.EXCLUDED | STATE.LOCKED;

/**
 * Missing intervals: every run of QUALITY.N inside the installation period. The estimator fills
 * them whatever `minIntervals` says; the parameter only silences findings for short runs.
 */
export const gap: RuleDef<{ minIntervals: number }> = {
  id: 'gap',
  title: 'Missing intervals (gaps)',
  source: 'IESO/IMO VEE "missing intervals", "intervals found vs expected"; Oracle MDM missing-quantity check; MDFF reason 78 Null data',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.nullData,
  params: { minIntervals: 1 },
  appliesTo: () => true,
  check(ctx, rule) {
    const { quality, state } = ctx;
    if (quality.indexOf(QUALITY.N) < 0) return;
    forRuns(ctx.n, (i) => quality[i] === QUALITY.N && (state[i]! & SKIP) === 0, (from, to) => {
      if (to - from >= rule.params.minIntervals) {
        ctx.fail(rule, from, to, `${to - from} interval(s) missing`, to - from, rule.params.minIntervals);
      }
    });
  },
};
