import assert from 'node:assert/strict';
import { QUALITY, localDateStart } from '../../model/index.ts';
import { CH, CTX, plain, rejectsWith, series, t, type Case } from './fixtures.ts';

const ZONE = 'Europe/Amsterdam';
const local = (date: string): number => localDateStart(date, ZONE);
const ones = (from: number, to: number): number[] => Array((to - from) / 900).fill(1);

export const queryCases: readonly Case[] = [
  ['sumSeries adds meters per interval and counts contributors', async (store) => {
    const start = t('2026-03-10T12:00:00Z');
    await store.writeSeries([
      series('m1', start, [1, 2, 3, 4]),
      series('m2', start, [10, null, 30, 40], { quality: ['A', 'A', 'A', 'E'] }),
      series('m4', start + 86_400, [5]),
    ], CTX);
    const r = await store.sumSeries(['m1', 'm2', 'm3', 'm4'], CH, start, start + 5 * 900);
    assert.equal(r.series.meterId, '*');
    assert.equal(r.series.start, start);
    assert.equal(r.series.intervalS, 900);
    assert.deepEqual(plain(r.series), [11, 2, 33, 44, null]);
    assert.deepEqual([...r.contributors], [2, 1, 2, 2, 0]);
    assert.deepEqual([...r.series.quality], [QUALITY.A, QUALITY.A, QUALITY.A, QUALITY.E, QUALITY.N]);
    await rejectsWith(store.sumSeries(['m1'], CH, start + 1, start + 901), 'SERIES_INVALID');
  }],

  ['localTotals: an Amsterdam spring-forward day has 92 quarter-hours', async (store) => {
    const from = local('2026-03-28');
    const to = local('2026-03-31');
    await store.writeSeries([series('m1', from, ones(from, to))], CTX);
    const rows = await store.localTotals({ meterIds: ['m1'], channel: CH, from, to, zone: ZONE, period: 'day', groupBy: 'meter' });
    assert.deepEqual(rows.map((r) => [r.meterId, r.label, r.expected, r.intervals, r.total, r.estimated]), [
      ['m1', '2026-03-28', 96, 96, 96, 0], ['m1', '2026-03-29', 92, 92, 92, 0], ['m1', '2026-03-30', 96, 96, 96, 0],
    ]);
    assert.deepEqual([rows[1]!.start, rows[1]!.end], [t('2026-03-28T23:00:00Z'), t('2026-03-29T22:00:00Z')]);
  }],

  ['localTotals: an Amsterdam fall-back day has 100 quarter-hours', async (store) => {
    const from = local('2026-10-25');
    const to = local('2026-10-27');
    const values = ones(from, to);
    values[5] = 0;
    await store.writeSeries([series('m1', from, values.map((v, i) => (i === 7 ? null : v)), { quality: values.map((_, i) => (i === 9 ? 'E' : 'A')) })], CTX);
    const rows = await store.localTotals({ meterIds: ['m1'], channel: CH, from, to, zone: ZONE, period: 'day', groupBy: 'meter' });
    assert.deepEqual(rows.map((r) => [r.label, r.expected, r.intervals, r.total, r.estimated]), [
      ['2026-10-25', 100, 99, 98, 1], ['2026-10-26', 96, 96, 96, 0],
    ]);
  }],

  ['localTotals: month totals per meter and over all meters', async (store) => {
    const from = local('2026-03-01');
    const to = local('2026-04-01');
    const half = from + 15 * 86_400;
    await store.writeSeries([
      series('m1', from, Array((to - from) / 900).fill(2)),
      series('m2', from, Array((half - from) / 900).fill(3), { quality: 'E' }),
    ], CTX);
    const q = { meterIds: ['m1', 'm2', 'm3'], channel: CH, from, to, zone: ZONE, period: 'month' as const };
    const perMeter = await store.localTotals({ ...q, groupBy: 'meter' });
    assert.deepEqual(perMeter.map((r) => [r.meterId, r.label, r.expected, r.intervals, r.total, r.estimated]), [
      ['m1', '2026-03', 2972, 2972, 5944, 0], ['m2', '2026-03', 2972, 1440, 4320, 1440],
    ]);
    const all = await store.localTotals({ ...q, groupBy: 'all' });
    assert.deepEqual(all.map((r) => [r.meterId, r.label, r.start, r.end, r.expected, r.intervals, r.total, r.estimated]), [
      ['*', '2026-03', from, to, 2 * 2972, 2972 + 1440, 5944 + 4320, 1440],
    ]);
    const days = await store.localTotals({ ...q, meterIds: ['m1'], period: 'day', groupBy: 'all' });
    assert.equal(days.length, 31);
    assert.equal(days.reduce((s, r) => s + r.expected, 0), 2972);
  }],

  ['localTotals cuts buckets to the requested range', async (store) => {
    const from = local('2026-03-10');
    await store.writeSeries([series('m1', from, Array(96).fill(1))], CTX);
    const rows = await store.localTotals({ meterIds: ['m1'], channel: CH, from: from + 3600, to: from + 7200, zone: ZONE, period: 'day', groupBy: 'meter' });
    assert.deepEqual(rows.map((r) => [r.label, r.start, r.end, r.expected, r.total]), [['2026-03-10', from + 3600, from + 7200, 4, 4]]);
  }],
];
