import assert from 'node:assert/strict';
import type { VeeFindingRecord, VeeRunRecord } from '../store.port.ts';
import { CH, t, type Case } from './fixtures.ts';

const day = t('2026-03-10T00:00:00Z');
const finding = (rule: string, action: string, start: number, end: number): VeeFindingRecord => ({
  meterId: 'm1', channel: CH, start, end, rule, severity: 'warning', action, reason: 45, message: `${rule} at ${start}`, details: { limit: 3 },
});
const run = (at: number, findings: VeeFindingRecord[]): VeeRunRecord => ({
  meterId: 'm1', channel: CH, from: day, to: day + 86_400, at, ruleSet: 'default@1#x', findings,
  estimates: [{ meterId: 'm1', channel: CH, start: day + 900, end: day + 1800, method: 'linear', methodFlag: 17, quality: 'S', reason: 45, energy: 12, triggers: ['spike'], inputs: { before: { at: day, value: 5 } } }],
});

export const veeCases: readonly Case[] = [
  ['a VEE run replaces its window\'s findings and estimates and opens each exception once', async (store) => {
    const f1 = finding('spike', 'invalidate', day + 900, day + 1800);
    const f2 = finding('zero-run', 'flag', day + 3600, day + 7200);
    const f3 = finding('clock', 'annotate', day, day + 900);
    const opened = await store.recordVeeRun(run(day + 90_000, [f1, f2, f3]));
    assert.deepEqual(opened.map((e) => [e.rule, e.status]), [['spike', 'estimated'], ['zero-run', 'open']]);
    assert.deepEqual(await store.listVeeFindings('m1', CH, day, day + 86_400), [f3, f1, f2]);
    assert.equal((await store.listVeeEstimates('m1', CH, day, day + 86_400))[0]!.method, 'linear');
    // The same outcome again: findings replaced, no new exceptions.
    assert.deepEqual(await store.recordVeeRun(run(day + 90_100, [f1, f2, f3])), []);
    assert.equal((await store.listVeeFindings('m1', CH, day, day + 86_400)).length, 3);
    assert.equal((await store.listVeeEstimates('m1', CH, day, day + 86_400)).length, 1);
    assert.deepEqual(await store.listVeeFindings('m2', CH, day, day + 86_400), []);
  }],

  ['exceptions filter, page and take patches', async (store) => {
    const findings = Array.from({ length: 5 }, (_, i) => finding(i % 2 ? 'gap' : 'spike', 'flag', day + i * 900, day + (i + 1) * 900));
    await store.recordVeeRun({ ...run(day + 90_000, findings), estimates: [] });
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listExceptions({}, { limit: 2, cursor });
      assert.equal(page.total, 5);
      ids.push(...page.items.map((e) => e.id));
      cursor = page.next;
    } while (cursor !== null);
    assert.equal(new Set(ids).size, 5);
    assert.equal((await store.listExceptions({ rule: 'gap' }, { limit: 10 })).total, 2);
    assert.equal((await store.listExceptions({ meterIds: ['m2'] }, { limit: 10 })).total, 0);
    assert.equal((await store.listExceptions({ meterIds: ['m1', 'm2'] }, { limit: 10 })).total, 5);
    assert.equal((await store.listExceptions({ createdBefore: day }, { limit: 10 })).total, 0);
    const changed = await store.updateExceptions([ids[0]!, ids[1]!, 999_999], { status: 'escalated', assignee: 'ann' }, day + 95_000);
    assert.deepEqual(changed.map((e) => [e.id, e.status, e.assignee, e.updatedAt]), [[ids[0], 'escalated', 'ann', day + 95_000], [ids[1], 'escalated', 'ann', day + 95_000]]);
    assert.equal((await store.listExceptions({ status: 'escalated' }, { limit: 10 })).total, 2);
    const unassigned = await store.updateExceptions([ids[0]!], { assignee: null }, day + 96_000);
    assert.equal(unassigned[0]!.assignee, undefined);
    assert.equal((await store.getException(ids[0]!))!.status, 'escalated');
    assert.equal(await store.getException(999_999), undefined);
  }],

  ['VEE job progress round-trips', async (store) => {
    assert.equal(await store.getVeeJob('j1'), undefined);
    await store.putVeeJob('j1', '{"done":1}', day);
    await store.putVeeJob('j1', '{"done":2}', day + 1);
    assert.equal(await store.getVeeJob('j1'), '{"done":2}');
  }],

  ['arrivals keep the first arrival of each interval, across UTC days', async (store) => {
    const start = day + 86_400 - 1800; // two intervals before midnight, two after
    await store.recordArrivals([{ meterId: 'm1', channel: CH, start, intervalS: 900, count: 4, present: Uint8Array.of(1, 1, 0, 1), receivedAt: start + 3600 }]);
    await store.recordArrivals([{ meterId: 'm1', channel: CH, start, intervalS: 900, count: 4, receivedAt: start + 7200 }]);
    const blocks = await store.readArrivals(['m1', 'm2'], CH, day, day + 2 * 86_400);
    assert.deepEqual(blocks.map((b) => [b.meterId, b.start, b.intervalS, b.late.length]), [['m1', day, 900, 96], ['m1', day + 86_400, 900, 96]]);
    assert.deepEqual([...blocks[0]!.late.slice(94)], [46, 31], 'minutes after each end + 1, from the first arrival');
    assert.deepEqual([...blocks[1]!.late.slice(0, 3)], [76, 1, 0], 'the third came only later; the fifth never');
    assert.deepEqual(await store.readArrivals(['m1'], CH, day + 2 * 86_400, day + 3 * 86_400), []);
  }],
];
