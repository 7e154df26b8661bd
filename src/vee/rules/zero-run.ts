import { REASON } from '../codes.ts';
import { forRuns, isImportEnergy, STATE, type RuleDef } from './rule.ts';

/**
 * Zero consumption over a long period on an import channel. A run that lies inside a known power
 * outage or disconnection is excused (reported as info only).
 */
export const zeroRun: RuleDef<{ minHours: number }> = {
  id: 'zero-run',
  title: 'Zero consumption over a long period',
  source: 'Oracle MDM zero-consumption check (excused by a coinciding outage); ELEXON BSCP504 "zero consumption"; MDFF reason 68 Zero consumption',
  severity: 'warning',
  action: 'flag',
  reason: REASON.zeroConsumption,
  params: { minHours: 12 },
  appliesTo: isImportEnergy,
  check(ctx, rule) {
    const { values, state } = ctx;
    const min = Math.max(1, Math.ceil((rule.params.minHours * 3600) / ctx.intervalS));
    let run = 0;
    let longest = 0;
    for (let i = 0; i < ctx.n; i++) {
      run = values[i] === 0 ? run + 1 : 0;
      if (run > longest) longest = run;
    }
    if (longest < min) return;
    forRuns(ctx.n, (i) => values[i] === 0 && ctx.isActual(i), (from, to) => {
      if (to - from < min) return;
      let off = true;
      for (let i = from; i < to && off; i++) off = (state[i]! & STATE.OFF) !== 0;
      const hours = ((to - from) * ctx.intervalS) / 3600;
      if (off) {
        ctx.note(rule, from, to, `zero for ${hours} h during a known outage or disconnection`, hours, rule.params.minHours);
      } else {
        ctx.fail(rule, from, to, `zero consumption for ${hours} h`, hours, rule.params.minHours);
      }
    });
  },
};
