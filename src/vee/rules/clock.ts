import type { EpochSeconds } from '../../model/time.ts';
import { REASON } from '../codes.ts';
import type { ClockCheck } from '../types.ts';
import type { RuleDef } from './rule.ts';

type ClockParams = { toleranceS: number; maxLookbackS: number; unknownAdjustIsError: boolean };

interface Bad {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly why: string;
  readonly measured: number;
}

/**
 * Clock error. The evidence: head-end clock checks (meter minus reference) beyond `toleranceS`,
 * clock adjustments beyond it (event pair "adjusted, old time" / "new time", or `details.deltaS`),
 * and "clock invalid" events. The clock went wrong some time after the last good check and stayed
 * wrong until it was corrected; every interval in that span carries data stamped by a wrong clock.
 * Without an earlier good check the span reaches back `maxLookbackS`.
 */
export const clock: RuleDef<ClockParams> = {
  id: 'clock',
  title: 'Clock error (drift, adjustment, invalid clock)',
  source: 'CA DASMMD VEE §3.1 time check; IESO "time tolerance", "time reset"; MDFF reason 89 Time reset occurred; DLMS event log codes 4/5/6 (practice)',
  severity: 'error',
  action: 'invalidate',
  reason: REASON.timeReset,
  params: { toleranceS: 60, maxLookbackS: 86_400, unknownAdjustIsError: false },
  appliesTo: () => true,
  check(ctx, rule) {
    const checks = ctx.input.clockChecks ?? [];
    const { clockAdjust, clockInvalid } = ctx.periods;
    if (checks.length === 0 && clockAdjust.length === 0 && clockInvalid.length === 0) return;
    const p = rule.params;
    const sorted = [...checks].sort((a, b) => a.at - b.at);
    const good = (c: ClockCheck): boolean => Math.abs(c.deviationS) <= p.toleranceS;
    const lastGoodBefore = (t: EpochSeconds): EpochSeconds => {
      let at = t - p.maxLookbackS;
      for (const c of sorted) if (c.at < t && good(c)) at = Math.max(at, c.at);
      for (const a of clockAdjust) if (a.at < t) at = Math.max(at, a.at);
      return at;
    };
    const fixedAfter = (t: EpochSeconds): EpochSeconds => {
      let at = Number.POSITIVE_INFINITY;
      for (const c of sorted) if (c.at > t && good(c)) { at = c.at; break; }
      for (const a of clockAdjust) if (a.at >= t) { at = Math.min(at, a.at); break; }
      return at;
    };
    const bad: Bad[] = [];
    for (const c of sorted) {
      if (!good(c)) bad.push({ from: lastGoodBefore(c.at), to: fixedAfter(c.at), why: `clock off by ${c.deviationS} s at a check`, measured: c.deviationS });
    }
    for (const a of clockAdjust) {
      const big = a.deltaS === undefined ? p.unknownAdjustIsError : Math.abs(a.deltaS) > p.toleranceS;
      if (big) bad.push({ from: lastGoodBefore(a.at), to: a.at, why: `clock adjusted by ${a.deltaS ?? 'an unknown amount'} s`, measured: a.deltaS ?? Number.NaN });
    }
    for (const t of clockInvalid) bad.push({ from: t, to: fixedAfter(t), why: 'meter reported its clock invalid', measured: Number.NaN });
    const end = ctx.start + ctx.n * ctx.intervalS;
    for (const b of bad) {
      if (b.to <= ctx.start || b.from >= end) continue;
      const from = Math.max(0, Math.floor((b.from - ctx.start) / ctx.intervalS));
      const to = Math.min(ctx.n, Math.ceil((Math.min(b.to, end) - ctx.start) / ctx.intervalS));
      if (to > from) ctx.fail(rule, from, to, b.why, b.measured, p.toleranceS);
    }
  },
};
