import { REASON } from '../codes.ts';
import { MERGE } from '../merge.ts';
import { forRuns, type RuleDef } from './rule.ts';

/** Incoming intervals identical to what the store holds: nothing to write (info). */
export const duplicate: RuleDef<Record<string, never>> = {
  id: 'duplicate',
  title: 'Duplicate of stored data',
  source: 'Oracle MDM duplicate IMD check; ARCHITECTURE.md §4 idempotent writes',
  severity: 'info',
  action: 'flag',
  reason: REASON.none,
  params: {},
  appliesTo: () => true,
  check(ctx, rule) {
    const d = ctx.mergeDecision;
    if (d === undefined) return;
    forRuns(ctx.n, (i) => d[i] === MERGE.duplicate, (from, to) => ctx.note(rule, from, to, `${to - from} interval(s) identical to the stored version`));
  },
};

const MESSAGES: Readonly<Record<number, string>> = {
  [MERGE.conflictTookIncoming]: 'actual data differs from the stored actual; the incoming version stands',
  [MERGE.conflictKeptStored]: 'actual data differs from the stored actual; the stored version stands',
  [MERGE.actualOverFinal]: 'actual data arrived for intervals already finally substituted (F); actual replaces it',
  [MERGE.estimateRefused]: 'an estimate arrived for intervals holding actual data; the actual data is kept',
  [MERGE.actualOverEstimate]: 'actual data replaces an estimate',
  [MERGE.finalKept]: 'an estimate arrived for intervals holding a final substitute; the final substitute is kept',
};

const SERIOUS = new Set<number>([MERGE.conflictTookIncoming, MERGE.conflictKeptStored, MERGE.actualOverFinal]);

/**
 * Conflicting versions: different actual data for the same interval, or actual data arriving after a
 * final substitute (warnings); an estimate refused over actual data and actual data replacing an
 * estimate are recorded as info. `preferIncoming` picks which of two different actuals stands.
 */
export const conflictingVersion: RuleDef<{ preferIncoming: boolean }> = {
  id: 'conflicting-version',
  title: 'Conflicting versions (actual vs stored actual, late actual, refused estimate)',
  source: 'Oracle MDM duplicate/versioned IMD handling; AEMO MP Part B (actual data replaces substitutes); MDFF reason 24 Substituted/replaced data',
  severity: 'warning',
  action: 'flag',
  reason: REASON.dataCorrection,
  params: { preferIncoming: true },
  appliesTo: () => true,
  check(ctx, rule) {
    const d = ctx.mergeDecision;
    if (d === undefined) return;
    for (const code of Object.keys(MESSAGES).map(Number)) {
      forRuns(ctx.n, (i) => d[i] === code, (from, to) => {
        if (SERIOUS.has(code)) ctx.flag(rule, from, to, MESSAGES[code]!, to - from, 0);
        else ctx.note(rule, from, to, MESSAGES[code]!);
      });
    }
  },
};
