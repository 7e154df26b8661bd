import { REASON } from '../codes.ts';
import { forRuns, isImportEnergy, type RuleDef } from './rule.ts';

/** Negative energy on an import register: a delta of a counter that only counts up. */
export const negativeImport: RuleDef<{ toleranceWh: number }> = {
  id: 'negative-import',
  title: 'Negative consumption on an import channel',
  source: 'Oracle MDM negative-consumption check; ELEXON BSCP504 minimum NHH checks (negative consumption); MDFF reason 45',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: { toleranceWh: 0 },
  appliesTo: isImportEnergy,
  check(ctx, rule) {
    const { values } = ctx;
    const limit = -rule.params.toleranceWh;
    let any = false;
    for (let i = 0; i < ctx.n && !any; i++) any = values[i]! < limit;
    if (!any) return;
    forRuns(ctx.n, (i) => ctx.isActual(i) && values[i]! < limit, (from, to) => {
      let min = 0;
      for (let i = from; i < to; i++) min = Math.min(min, values[i]!);
      ctx.fail(rule, from, to, `negative import energy (lowest ${min})`, min, limit);
    });
  },
};
