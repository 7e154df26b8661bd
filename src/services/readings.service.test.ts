import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySeries, hasCode, obis, QUALITY, type Channel, type Meter, type Obis } from '../model/index.ts';
import { ReadingsService } from './readings.service.ts';

const T0 = 1_800_000_000 - (1_800_000_000 % 86_400);
const meter: Meter = { id: 'E1', kind: 'electricity', status: 'active', timeZone: 'Europe/Amsterdam' };
const channels: Channel[] = [
  { meterId: 'E1', obis: obis('1-0:1.8.0'), unit: 'Wh', intervalS: 900, readingType: '' },
  { meterId: 'E1', obis: obis('1-0:1.8.1'), unit: 'Wh', intervalS: 0, readingType: '' },
];

function fakeStore() {
  const reads: [number, number][] = [];
  return {
    reads,
    getMeter: async (id: string) => (id === 'E1' ? meter : undefined),
    listChannels: async () => channels,
    readSeries: async (m: string, c: Obis, from: number, to: number) => {
      reads.push([from, to]);
      const s = emptySeries(m, c, from, 900, (to - from) / 900);
      s.quality.fill(QUALITY.A);
      s.values.fill(10);
      return s;
    },
    readRegisters: async () => [{ meterId: 'E1', channel: obis('1-0:1.8.1'), at: T0 + 5, value: 123 }],
    localTotals: async () => [],
  };
}

test('raw readings page through the range, reading only the window asked for', async () => {
  const store = fakeStore();
  const svc = new ReadingsService(store);
  const q = { meterId: 'E1', channel: '1-0:1.8.0', from: T0 + 60, to: T0 + 3600 };
  const first = await svc.raw(q, { limit: 3 });
  assert.deepEqual([first.from, first.total, first.items.length], [T0, 4, 3]);
  assert.equal(first.items[0]!.end, T0 + 900);
  assert.equal(first.zone, 'Europe/Amsterdam');
  const second = await svc.raw(q, { limit: 3, cursor: first.next });
  assert.deepEqual([second.items.length, second.next], [1, null]);
  assert.deepEqual(store.reads, [[T0, T0 + 2700], [T0 + 2700, T0 + 3600]]);
});

test('a register channel answers its readings and cannot be aggregated', async () => {
  const svc = new ReadingsService(fakeStore());
  const r = await svc.raw({ meterId: 'E1', channel: '1-0:1.8.1', from: T0, to: T0 + 60 }, {});
  assert.deepEqual(r.items.map((x) => [x.end, x.value, x.intervalS]), [[T0 + 5, 123, 0]]);
  await assert.rejects(svc.aggregate({ meterId: 'E1', channel: '1-0:1.8.1', from: T0, to: T0 + 60, period: 'day' }, {}),
    (e: unknown) => hasCode(e, 'QUERY_INVALID'));
});

test('hour aggregates come from the series; day buckets with no stored data are fully missing', async () => {
  const svc = new ReadingsService(fakeStore());
  const h = await svc.aggregate({ meterId: 'E1', channel: '1-0:1.8.0', from: T0, to: T0 + 7200, period: 'hour', zone: 'UTC' }, {});
  assert.deepEqual(h.items.map((b) => [b.total, b.intervals, b.expected]), [[40, 4, 4], [40, 4, 4]]);
  const d = await svc.aggregate({ meterId: 'E1', channel: '1-0:1.8.0', from: T0, to: T0 + 86_400, period: 'day', zone: 'UTC' }, {});
  assert.deepEqual(d.items.map((b) => [b.label.length, b.missing, b.expected]), [[10, 96, 96]]);
});

test('unknown meter, channel, OBIS text, zone and bad ranges are typed errors', async () => {
  const svc = new ReadingsService(fakeStore());
  const base = { meterId: 'E1', channel: '1-0:1.8.0', from: T0, to: T0 + 900 };
  const code = (c: string) => (e: unknown) => hasCode(e, c as never);
  await assert.rejects(svc.raw({ ...base, meterId: 'X' }, {}), code('METER_NOT_FOUND'));
  await assert.rejects(svc.raw({ ...base, channel: '1-0:2.8.0' }, {}), code('CHANNEL_NOT_FOUND'));
  await assert.rejects(svc.raw({ ...base, channel: 'energy' }, {}), code('OBIS_INVALID'));
  await assert.rejects(svc.raw({ ...base, zone: 'Mars/Olympus' }, {}), code('ZONE_INVALID'));
  await assert.rejects(svc.raw({ ...base, to: T0 }, {}), code('QUERY_INVALID'));
  await assert.rejects(svc.aggregate({ ...base, to: T0 + 400 * 86_400, period: 'hour' }, {}), code('QUERY_INVALID'));
});
