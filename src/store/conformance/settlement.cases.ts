import assert from 'node:assert/strict';
import type { SettlementGroupRecord, SettlementRunRecord } from '../store.port.ts';
import { rejectsWith, t, type Case } from './fixtures.ts';

const start = t('2026-03-28T23:00:00Z');
const group = (gridArea: string, importWh: number): SettlementGroupRecord => ({
  gridArea, brp: 'BRP-X', supplier: 'SUP-A', meteringPoints: 2, meters: 3, exportMeters: 1,
  periods: Array.from({ length: 92 }, (_, p) => ({
    position: p + 1, start: start + p * 900, importWh: importWh + p, exportWh: p % 3, expected: 2, actual: 1, estimated: p % 2, missing: 1 - (p % 2),
  })),
});
const run = (runNo: number, day = '2026-03-29', zone = 'Europe/Amsterdam'): SettlementRunRecord => ({
  id: `stl-${day}-${zone}-${runNo}`, day, zone, runNo, at: start + 86_400 + runNo, actor: 'tester', status: runNo === 1 ? 'incomplete' : 'complete',
  consistent: runNo !== 2, summary: JSON.stringify({ periods: 92 }), checks: JSON.stringify([{ name: 'period-count', passed: true }]),
  groups: [group('GA-1', 1000 * runNo), group('GA-2', 7)],
});

export const settlementCases: readonly Case[] = [
  ['a settlement run is stored whole and read back with its groups and periods in order', async (store) => {
    const r = run(1);
    await store.insertSettlementRun(r);
    assert.deepEqual(await store.getSettlementRun(r.id), r);
    assert.equal(await store.getSettlementRun('stl-none'), undefined);
  }],

  ['settlement runs are immutable: a taken id or run number of the day and zone is refused', async (store) => {
    await store.insertSettlementRun(run(1));
    await rejectsWith(store.insertSettlementRun(run(1)), 'SETTLEMENT_RUN_EXISTS');
    await rejectsWith(store.insertSettlementRun({ ...run(1), id: 'other-id' }), 'SETTLEMENT_RUN_EXISTS');
    // Nothing of a refused run is stored.
    assert.equal(await store.getSettlementRun('other-id'), undefined);
    await store.insertSettlementRun(run(1, '2026-03-29', 'Europe/London'));
  }],

  ['settlement runs list newest first, filter by day and zone, and page', async (store) => {
    for (const r of [run(1), run(2), run(1, '2026-03-30'), run(3), run(1, '2026-03-29', 'Europe/London')]) await store.insertSettlementRun(r);
    const all = await store.listSettlementRuns({}, { limit: 2 });
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.map((h) => [h.day, h.zone, h.runNo]), [['2026-03-29', 'Europe/London', 1], ['2026-03-29', 'Europe/Amsterdam', 3]]);
    assert.equal((all.items[0] as { groups?: unknown }).groups, undefined, 'headers only');
    const rest = await store.listSettlementRuns({}, { limit: 10, cursor: all.next });
    assert.deepEqual(rest.items.map((h) => h.runNo), [1, 2, 1]);
    assert.equal(rest.next, null);
    const ams = await store.listSettlementRuns({ day: '2026-03-29', zone: 'Europe/Amsterdam' }, { limit: 10 });
    assert.deepEqual(ams.items.map((h) => [h.runNo, h.status, h.consistent]), [[3, 'complete', true], [2, 'complete', false], [1, 'incomplete', true]]);
    assert.equal(ams.total, 3);
  }],
];
