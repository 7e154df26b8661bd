import type { CheckContext } from './checks.ts';

/** 2026-11-26T12:00:00Z, the receiving clock of the stage tests. */
export const NOW = 1_795_694_400;

/** A CheckContext over an in-memory meter list, as the pipeline builds one per batch. */
export function checkContext(meters: readonly string[] = ['SIM000001', 'SIM000002'], intervals: Record<string, number> = {}): CheckContext {
  const known = new Set(meters);
  const claimed = new Map(Object.entries(intervals));
  return {
    now: NOW,
    futureToleranceS: 300,
    isKnownMeter: (id) => known.has(id),
    acceptsInterval: (m, c, i) => {
      const k = `${m} ${c}`;
      const had = claimed.get(k);
      if (had !== undefined && had !== 0 && had !== i) return false;
      claimed.set(k, i);
      return true;
    },
  };
}
