import { REASON } from '../codes.ts';
import type { RuleDef } from './rule.ts';

/**
 * Export on a meter with no generation registered: the meter's tags carry none of the rule set's
 * `generationTags`. A wiring or CT polarity fault, or an unregistered installation.
 */
export const exportNoGeneration: RuleDef<{ minWh: number }> = {
  id: 'export-no-generation',
  title: 'Export on a meter without registered generation',
  source: 'MDFF reason 39 Reverse energy observed / 106 Transposed channel – reverse polarity; DOMAIN.md §5 reverse power flow',
  severity: 'warning',
  action: 'flag',
  reason: REASON.reverseEnergy,
  params: { minWh: 1 },
  appliesTo: (def) => def !== undefined && def.quantity === 'energy' && def.direction === 'export',
  check(ctx, rule) {
    if (ctx.hasGeneration) return;
    let sum = 0;
    let first = -1;
    let last = -1;
    for (let i = 0; i < ctx.n; i++) {
      if (!ctx.isActual(i) || ctx.values[i]! <= 0) continue;
      sum += ctx.values[i]!;
      if (first < 0) first = i;
      last = i;
    }
    if (sum >= rule.params.minWh && first >= 0) {
      ctx.fail(rule, first, last + 1, `export of ${sum} on a meter with no generation registered`, sum, rule.params.minWh);
    }
  },
};
