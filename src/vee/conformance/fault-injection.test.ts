/**
 * Fault injection (issue 5): 1,000 simulated meters over a month of data — 14 clean days as history,
 * then 16 days with gaps, spikes, clock shifts, rollovers and resets injected into 2 % of the
 * meter-days, each with its ground truth. The engine must find ≥ 99 % of them, flag ≤ 0.5 % of the
 * clean channel-days, and its estimates must total within 2 % of the withheld truth.
 * `node --import tsx scripts/vee-faults.ts` runs the same with 30 fault days (docs/vee.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, runFaultInjection } from './faults.ts';

test('fault injection: ≥ 99 % found, ≤ 0.5 % false positives, estimates within 2 % of the truth', () => {
  const r = runFaultInjection({ meters: 1000, warmupDays: 14, days: 16 });
  console.log(formatReport(r));
  assert.ok(r.faults >= 250, `${r.faults} faults injected`);
  assert.ok(r.detected / r.faults >= 0.99, `found ${r.detected} of ${r.faults}`);
  assert.ok(r.falsePositiveChannelDays / r.cleanChannelDays <= 0.005, `${r.falsePositiveChannelDays} of ${r.cleanChannelDays} clean channel-days flagged`);
  assert.ok(r.estimatedIntervals > 1000, `${r.estimatedIntervals} intervals estimated`);
  assert.ok(Math.abs(r.estimatedWh - r.truthWh) / r.truthWh <= 0.02, `estimated ${r.estimatedWh} Wh vs truth ${r.truthWh} Wh`);
});
