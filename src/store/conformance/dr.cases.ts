import assert from 'node:assert/strict';
import type { DrEventRecord, DrPerformanceRecord } from '../dr.port.ts';
import { t, type Case } from './fixtures.ts';

const ev = (id: string, start: string, hours = 3, extra: Partial<DrEventRecord> = {}): DrEventRecord => {
  const s = t(start);
  return {
    id, name: `Peak ${id}`, kind: 'critical-peak-price', start: s, end: s + hours * 3600, noticeAt: s - 86_400,
    levels: [{ start: s, end: s + hours * 3600, level: 2, price: 0.85 }], targets: { feeders: ['F1'], premises: ['P-1'] },
    message: 'Run the dishwasher later', source: 'console', createdBy: 'user:op', createdAt: s - 90_000, updatedAt: s - 90_000, ...extra,
  };
};

const perf = (eventId: string, premise: string, reductionWh: number | null): DrPerformanceRecord => ({
  eventId, premise, status: reductionWh === null ? 'insufficient-history' : 'ok', method: '10-of-10', days: reductionWh === null ? [] : ['2026-11-25', '2026-11-24'],
  intervals: 12, baselineWh: reductionWh === null ? null : 1000, actualWh: reductionWh === null ? null : 1000 - reductionWh, reductionWh,
  estimatedActual: 1, estimatedBaseline: 0, missingActual: 0, computedAt: t('2026-11-27T00:00:00Z'),
});

export const drCases: readonly Case[] = [
  ['a peak event is stored whole, replaced by id (a cancel is a put), and read back', async (store) => {
    const e = ev('dr-1', '2026-11-26T16:00:00Z');
    await store.putDrEvent(e);
    assert.deepEqual(await store.getDrEvent('dr-1'), e);
    const cancelled = { ...e, cancelledAt: e.start - 60, cancelledBy: 'user:op', updatedAt: e.start - 60 };
    await store.putDrEvent(cancelled);
    assert.deepEqual(await store.getDrEvent('dr-1'), cancelled);
    assert.equal(await store.getDrEvent('dr-none'), undefined);
  }],

  ['peak events list newest first, filter by premise, time and external key, and page', async (store) => {
    await store.putDrEvent(ev('a', '2026-11-20T16:00:00Z'));
    await store.putDrEvent(ev('b', '2026-11-26T16:00:00Z', 3, { source: 'openadr', externalKey: 'VTN/E1', modification: 2 }));
    await store.putDrEvent(ev('c', '2026-11-23T16:00:00Z'));
    await store.putDrTargets('a', [{ meterId: 'E0001', premise: 'P-1' }, { meterId: 'E0002', premise: 'P-2' }]);
    await store.putDrTargets('b', [{ meterId: 'E0002', premise: 'P-2' }, { meterId: 'E0009', premise: null }]);
    const all = await store.listDrEvents({}, { limit: 2 });
    assert.equal(all.total, 3);
    assert.deepEqual(all.items.map((e) => e.id), ['b', 'c']);
    const rest = await store.listDrEvents({}, { limit: 2, cursor: all.next });
    assert.deepEqual(rest.items.map((e) => e.id), ['a']);
    assert.equal(rest.next, null);
    assert.deepEqual((await store.listDrEvents({ premise: 'P-2' }, { limit: 10 })).items.map((e) => e.id), ['b', 'a']);
    assert.deepEqual((await store.listDrEvents({ premise: 'P-1' }, { limit: 10 })).items.map((e) => e.id), ['a']);
    assert.deepEqual((await store.listDrEvents({ externalKey: 'VTN/E1' }, { limit: 10 })).items.map((e) => e.modification), [2]);
    // Overlapping [from, to): c ends 19:00 on the 23rd.
    assert.deepEqual((await store.listDrEvents({ from: t('2026-11-23T18:59:00Z'), to: t('2026-11-26T16:00:00Z') }, { limit: 10 })).items.map((e) => e.id), ['c']);
  }],

  ['targets are replaced as a whole; responses, deliveries and performance are kept per premise or meter', async (store) => {
    await store.putDrEvent(ev('x', '2026-11-26T16:00:00Z'));
    await store.putDrTargets('x', [{ meterId: 'E0003', premise: 'P-3' }, { meterId: 'E0001', premise: 'P-1' }]);
    await store.putDrTargets('x', [{ meterId: 'E0002', premise: 'P-2' }, { meterId: 'E0001', premise: 'P-1' }]);
    assert.deepEqual(await store.listDrTargets('x'), [{ meterId: 'E0001', premise: 'P-1' }, { meterId: 'E0002', premise: 'P-2' }]);

    await store.putDrResponse({ eventId: 'x', premise: 'P-2', acknowledgedAt: 100, actor: 'user:u2', at: 100 });
    await store.putDrResponse({ eventId: 'x', premise: 'P-1', acknowledgedAt: 90, actor: 'user:u1', at: 90 });
    await store.putDrResponse({ eventId: 'x', premise: 'P-2', acknowledgedAt: 100, optedOutAt: 120, actor: 'user:u2', at: 120 });
    assert.deepEqual(await store.listDrResponses('x'), [
      { eventId: 'x', premise: 'P-1', acknowledgedAt: 90, actor: 'user:u1', at: 90 },
      { eventId: 'x', premise: 'P-2', acknowledgedAt: 100, optedOutAt: 120, actor: 'user:u2', at: 120 },
    ]);

    await store.putDrDeliveries([{ eventId: 'x', meterId: 'E0002', status: 'sent', at: 10 }, { eventId: 'x', meterId: 'E0001', status: 'sent', at: 10 }]);
    await store.putDrDeliveries([{ eventId: 'x', meterId: 'E0002', status: 'failed', at: 20, detail: 'MQTT_COMMAND_TIMEOUT' }]);
    assert.deepEqual(await store.listDrDeliveries('x'), [
      { eventId: 'x', meterId: 'E0001', status: 'sent', at: 10 },
      { eventId: 'x', meterId: 'E0002', status: 'failed', at: 20, detail: 'MQTT_COMMAND_TIMEOUT' },
    ]);

    await store.putDrPerformance('x', [perf('x', 'P-2', 120), perf('x', 'P-1', null)]);
    await store.putDrPerformance('x', [perf('x', 'P-2', 150), perf('x', 'P-1', null)]);
    assert.deepEqual(await store.listDrPerformance('x'), [perf('x', 'P-1', null), perf('x', 'P-2', 150)]);
    assert.deepEqual(await store.listDrPerformance('other'), []);
  }],
];
