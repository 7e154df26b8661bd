import { QUALITY } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { forRuns, STATE, type RuleDef } from './rule.ts';

/**
 * Data before the meter's installation or after its removal belongs to no meter (a swapped or
 * mis-registered device). Those intervals are excluded from the other rules and never estimated;
 * any value there is reported.
 */
export const outsideInstallation: RuleDef<Record<string, never>> = {
  id: 'outside-installation',
  title: 'Data before installation or after removal',
  source: 'Oracle MDM (device installation / measuring component period); MDFF reason 1 Meter/equipment changed',
  severity: 'error',
  action: 'flag',
  reason: REASON.meterChanged,
  params: {},
  appliesTo: () => true,
  check(ctx, rule) {
    const { quality, state } = ctx;
    if (ctx.meter.installedAt === undefined && ctx.meter.removedAt === undefined) return;
    forRuns(ctx.n, (i) => (state[i]! & STATE.EXCLUDED) !== 0 && quality[i] !== QUALITY.N, (from, to) => {
      ctx.fail(rule, from, to, `${to - from} interval(s) of data outside the meter's installation period`, to - from, 0);
    });
  },
};
