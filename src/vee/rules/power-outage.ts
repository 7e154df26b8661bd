import { REASON } from '../codes.ts';
import type { Period } from '../periods.ts';
import type { RuleDef } from './rule.ts';

/**
 * Power outages and disconnections the meter logged. Actual intervals overlapping an outage keep
 * quality A and get reason 79 (MDFF: a reason code is mandatory where the meter recorded a power
 * outage); missing intervals wholly inside either kind of period are estimated as zero.
 */
export const powerOutage: RuleDef<Record<string, never>> = {
  id: 'power-outage',
  title: 'Power outage / disconnection recorded by the meter',
  source: 'MDFF v2.6: A with reason 79 Power outage alarm; reason 43 Power outage, 6 De-energised premises; CA DASMMD (power failures vs interpolation end points)',
  severity: 'info',
  action: 'annotate',
  reason: REASON.powerOutageAlarm,
  params: {},
  appliesTo: () => true,
  check(ctx, rule) {
    if (ctx.periods.outages.length === 0 && ctx.periods.disconnected.length === 0) return;
    const mark = (p: Period): void => {
      const end = ctx.start + ctx.n * ctx.intervalS;
      if (p.to <= ctx.start || p.from >= end) return;
      const from = Math.max(0, Math.floor((p.from - ctx.start) / ctx.intervalS));
      const to = Math.min(ctx.n, Math.ceil((Math.min(p.to, end) - ctx.start) / ctx.intervalS));
      const what = p.kind === 'outage' ? 'power outage' : 'disconnected';
      if (p.kind === 'outage') ctx.fail(rule, from, to, `${what} recorded by the meter`);
      else ctx.note({ ...rule, reason: REASON.deEnergised }, from, to, `${what} recorded by the meter`);
    };
    ctx.periods.outages.forEach(mark);
    ctx.periods.disconnected.forEach(mark);
  },
};
