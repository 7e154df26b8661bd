import { REASON } from '../codes.ts';
import { forRuns, STATE, type ResolvedRule, type RuleContext, type RuleDef } from './rule.ts';

function anyOutside(values: Float64Array, lo: number, hi: number): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo || v > hi) return true;
  }
  return false;
}

/** Marks runs of actual, powered intervals whose value in the stored unit lies outside [lo, hi]. */
function outside(ctx: RuleContext, rule: ResolvedRule, lo: number, hi: number, unit: string): void {
  const { values, state } = ctx;
  if (!anyOutside(values, lo, hi)) return;
  forRuns(ctx.n, (i) => ctx.isActual(i) && (state[i]! & STATE.OFF) === 0 && (values[i]! < lo || values[i]! > hi), (from, to) => {
    const v = values[from]!;
    ctx.fail(rule, from, to, `${v} ${unit} is outside the plausible ${lo}..${hi} ${unit}`, v, v < lo ? lo : hi);
  });
}

/**
 * Voltage: outside 0..implausibleFactor × Un is a measurement fault (invalidated); outside the
 * EN 50160 "always" band Un −15 %/+10 % is real supply trouble, reported as info for grid
 * operations and left as it is.
 */
export const voltage: RuleDef<{ nominalV: number; lowPct: number; highPct: number; implausibleFactor: number }> = {
  id: 'voltage',
  title: 'Implausible voltage (and EN 50160 excursions)',
  source: 'EN 50160 supply voltage variation (230 V: 207–253 V for 95 % of a week, 195.5–253 V always; DOMAIN.md §5); IESO "loss of voltage"',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: { nominalV: 230, lowPct: 15, highPct: 10, implausibleFactor: 2 },
  appliesTo: (def) => def?.quantity === 'voltage',
  check(ctx, rule) {
    const un = rule.params.nominalV * 1000;
    outside(ctx, rule, 0, un * rule.params.implausibleFactor, 'mV');
    const lo = un * (1 - rule.params.lowPct / 100);
    const hi = un * (1 + rule.params.highPct / 100);
    const { values, state } = ctx;
    if (!anyOutside(values, lo, hi)) return;
    forRuns(ctx.n, (i) => ctx.isActual(i) && (state[i]! & STATE.OFF) === 0 && values[i]! > 0 && (values[i]! < lo || values[i]! > hi), (from, to) => {
      ctx.note(rule, from, to, `voltage outside the EN 50160 band ${lo / 1000}..${hi / 1000} V`, values[from]!, values[from]! < lo ? lo : hi);
    });
  },
};

export const current: RuleDef<{ maxA: number }> = {
  id: 'current',
  title: 'Implausible current',
  source: 'IESO "loss of current"; meter rating Imax (MID 2014/32/EU Annex V definitions)',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: { maxA: 100 },
  appliesTo: (def) => def?.quantity === 'current',
  check: (ctx, rule) => outside(ctx, rule, 0, rule.params.maxA * 1000, 'mA'),
};

export const powerFactor: RuleDef<Record<string, never>> = {
  id: 'power-factor',
  title: 'Implausible power factor',
  source: 'definition: |cos φ| ≤ 1 (stored in thousandths)',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: {},
  appliesTo: (def) => def?.quantity === 'power-factor',
  check: (ctx, rule) => outside(ctx, rule, -1000, 1000, 'permille'),
};

export const frequency: RuleDef<{ minHz: number; maxHz: number }> = {
  id: 'frequency',
  title: 'Implausible supply frequency',
  source: 'EN 50160 frequency 50 Hz +4/−6 % always (UNVERIFIED, DOMAIN.md §5); the default band is wider and covers 60 Hz systems',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.failedValidation,
  params: { minHz: 45, maxHz: 65 },
  appliesTo: (def) => def?.quantity === 'frequency',
  check: (ctx, rule) => outside(ctx, rule, rule.params.minHz * 1000, rule.params.maxHz * 1000, 'mHz'),
};
