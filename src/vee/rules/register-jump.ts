import { REASON } from '../codes.ts';
import type { RegisterSpan } from '../registers.ts';
import { forRuns, isCumulative, type ResolvedRule, type RuleContext, type RuleDef } from './rule.ts';

/**
 * A register that falls: near its capacity to near zero is a rollover (the counter wrapped; the
 * advance is still known), otherwise a meter reset (the advance across it is unknown). An interval
 * computed from such a register as a plain difference comes out hugely negative: those intervals are
 * invalidated and substituted; without one, the register's fall is reported on its own.
 */
function jumpRule(kind: 'rollover' | 'reset', ctx: RuleContext, rule: ResolvedRule): void {
  const end = ctx.start + ctx.n * ctx.intervalS;
  for (const span of ctx.registerSpans) {
    if (span.kind !== kind || span.to <= ctx.start || span.from >= end) continue;
    const from = Math.max(0, Math.floor((span.from - ctx.start) / ctx.intervalS));
    const to = Math.min(ctx.n, Math.ceil((span.to - ctx.start) / ctx.intervalS));
    const what = describe(span);
    let hit = false;
    forRuns(to - from, (k) => ctx.isActual(from + k) && ctx.values[from + k]! < 0, (a, b) => {
      hit = true;
      ctx.fail(rule, from + a, from + b, `${what}; interval computed across it is ${ctx.values[from + a]}`, span.toValue - span.fromValue, 0);
    });
    if (!hit) ctx.flag(rule, from, Math.max(to, from + 1), what, span.toValue - span.fromValue, 0);
  }
}

const describe = (s: RegisterSpan): string => s.kind === 'rollover'
  ? `register rolled over from ${s.fromValue} to ${s.toValue} (advance ${s.delta})`
  : `register fell from ${s.fromValue} to ${s.toValue} (meter reset)`;

export const registerRollover: RuleDef<{ capacity: number; nearPct: number }> = {
  id: 'register-rollover',
  title: 'Register rollover',
  source: 'IESO/IMO VEE "clock overflow" / "data overflow (pulse overflow)"; AEMO MP Part B pulse-overflow check (UNVERIFIED wording); MDFF reason 87',
  severity: 'warning',
  action: 'invalidate',
  reason: REASON.resetOccurred,
  params: { capacity: 1e9, nearPct: 10 },
  appliesTo: isCumulative,
  check: (ctx, rule) => jumpRule('rollover', ctx, rule),
};

export const registerReset: RuleDef<Record<string, never>> = {
  id: 'register-reset',
  title: 'Meter reset (register fell)',
  source: 'IESO/IMO VEE "hardware reset"; MDFF reason 18 Read less than previous / 87 Reset occurred',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.resetOccurred,
  params: {},
  appliesTo: isCumulative,
  check: (ctx, rule) => jumpRule('reset', ctx, rule),
};
