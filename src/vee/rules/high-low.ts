import { DAY_S } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { isImportEnergy, type ResolvedRule, type RuleContext, type RuleDef } from './rule.ts';

type HighLowParams = {
  highRatio: number;
  lowRatio: number;
  minDeltaWhPerDay: number;
  minCoverage: number;
  lastWeek: boolean;
  /** Weeks averaged for the "last week" reference (the same period 7, 14, … days back). */
  weeks: number;
  lastYear: boolean;
};

/**
 * High/low usage: the window's average per interval against the same local period of the previous
 * `weeks` weeks (7, 14, … days back, averaged like Itron's multi-week average; weeks = 1 is "last
 * week" alone) and last year (364 days back, the same weekday). References must be covered to
 * `minCoverage`; a difference below `minDeltaWhPerDay` (scaled to the window) never counts.
 * Import channels only: exported PV energy follows the weather, not the customer.
 */
export const highLow: RuleDef<HighLowParams> = {
  id: 'high-low',
  title: 'High/low usage against the same period last week / last year',
  source: 'Oracle MDM and Red Clay "VEE Rule Summary" high/low check (usage normalised to ADU vs history); CA DASMMD VEE; MDFF reasons 74 High / 73 Low consumption',
  severity: 'warning',
  action: 'flag',
  reason: REASON.highConsumption,
  params: { highRatio: 5, lowRatio: 0.15, minDeltaWhPerDay: 10_000, minCoverage: 0.9, lastWeek: true, weeks: 4, lastYear: true },
  appliesTo: isImportEnergy,
  check(ctx, rule) {
    if (ctx.history === undefined) return;
    let sum = 0;
    let count = 0;
    const { values, n } = ctx;
    for (let i = 0; i < n; i++) {
      if (ctx.isActual(i)) { sum += values[i]!; count++; }
    }
    if (count < rule.params.minCoverage * ctx.n) return;
    const weeks = Math.max(1, Math.round(rule.params.weeks));
    if (rule.params.lastWeek) compare(ctx, rule, sum / count, weekDays(weeks), weeks === 1 ? 'last week' : `the same period of the last ${weeks} weeks`);
    if (rule.params.lastYear) compare(ctx, rule, sum / count, LAST_YEAR, 'last year');
  },
};

function compare(ctx: RuleContext, rule: ResolvedRule<HighLowParams>, mean: number, daysBack: readonly number[], label: string): void {
  const h = ctx.history!;
  let sum = 0;
  let count = 0;
  for (const days of daysBack) {
    const s = h.sumStored(h.sameLocalTimeBack(ctx.start, days), ctx.n);
    if (h.lastCount < rule.params.minCoverage * ctx.n) continue;
    sum += s;
    count += h.lastCount;
  }
  if (count === 0) return;
  const ref = sum / count;
  const minDelta = (rule.params.minDeltaWhPerDay * ctx.intervalS) / DAY_S;
  if (mean > rule.params.highRatio * ref && mean - ref > minDelta) {
    ctx.fail(rule, 0, ctx.n, `usage ${ratio(mean, ref)} × ${label}`, mean / ref, rule.params.highRatio);
  } else if (mean < rule.params.lowRatio * ref && ref - mean > minDelta) {
    ctx.fail({ ...rule, reason: REASON.lowConsumption }, 0, ctx.n, `usage ${ratio(mean, ref)} × ${label}`, mean / ref, rule.params.lowRatio);
  }
}

const LAST_YEAR = [364];
const weekLists = new Map<number, readonly number[]>();
const weekDays = (weeks: number): readonly number[] => {
  let l = weekLists.get(weeks);
  if (l === undefined) weekLists.set(weeks, (l = Array.from({ length: weeks }, (_, k) => 7 * (k + 1))));
  return l;
};

const ratio = (a: number, b: number): string => (b === 0 ? '∞' : (a / b).toFixed(2));
