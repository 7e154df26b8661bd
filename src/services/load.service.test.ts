import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, obis, QUALITY, type Channel, type Obis } from '../model/index.ts';
import type { MeterFilter } from '../store/store.port.ts';
import { LoadService } from './load.service.ts';

const T0 = 1_800_000_000 - (1_800_000_000 % 900);
const chan = (meterId: string): Channel => ({ meterId, obis: obis('1-0:1.8.0'), unit: 'Wh', intervalS: 900, readingType: '' });

function fakeStore(ids: string[]) {
  const calls: { filter?: MeterFilter; sum?: [readonly string[], Obis, number, number] } = {};
  return {
    calls,
    getTopology: async () => ({ feeders: [], transformers: [{ id: 'T1', feederId: 'F1', ratingKva: 250 }] }),
    meterIds: async (f: MeterFilter) => { calls.filter = f; return ids; },
    listChannels: async (id: string) => [chan(id)],
    sumSeries: async (m: readonly string[], c: Obis, from: number, to: number) => {
      calls.sum = [m, c, from, to];
      const n = (to - from) / 900;
      const values = new Float64Array(n).fill(100);
      const quality = new Uint8Array(n).fill(QUALITY.A);
      quality[n - 1] = QUALITY.N;
      const contributors = new Uint32Array(n).fill(ids.length);
      contributors[n - 1] = 0;
      return { series: { meterId: '*', channel: c, start: from, intervalS: 900, values, quality }, contributors };
    },
  };
}

test('a transformer load sums its meters on the channel grid and reports the newest data', async () => {
  const store = fakeStore(['m1', 'm2']);
  const load = await new LoadService(store).transformer('T1', { from: T0 + 10, to: T0 + 3600 });
  assert.deepEqual(store.calls.filter, { transformerId: 'T1' });
  assert.deepEqual(store.calls.sum!.slice(2), [T0, T0 + 3600]);
  assert.equal(load.points.length, 4);
  assert.equal(load.meters, 2);
  assert.equal(load.latest, T0 + 2700);
  assert.equal(load.points[3]!.quality, 'N');
  assert.equal(load.unit, 'Wh');
});

test('fleet load sums meters of the channel\'s commodity; an empty fleet answers no points', async () => {
  const store = fakeStore([]);
  const svc = new LoadService(store);
  const load = await svc.fleet({ from: T0, to: T0 + 900 });
  assert.deepEqual(store.calls.filter, { kind: 'electricity' });
  assert.deepEqual([load.meters, load.points.length, load.latest], [0, 0, null]);
  await svc.fleet({ from: T0, to: T0 + 900 }, '7-0:3.0.0');
  assert.deepEqual(store.calls.filter, { kind: 'gas' });
});

test('unknown transformers, reversed and overlong ranges are refused', async () => {
  const svc = new LoadService(fakeStore(['m1']));
  await assert.rejects(svc.transformer('T9', { from: T0, to: T0 + 900 }), (e: unknown) => hasCode(e, 'TRANSFORMER_NOT_FOUND'));
  await assert.rejects(svc.fleet({ from: T0 + 900, to: T0 }), (e: unknown) => hasCode(e, 'QUERY_INVALID'));
  await assert.rejects(svc.fleet({ from: T0, to: T0 + 200 * 86_400 }), (e: unknown) => hasCode(e, 'QUERY_INVALID'));
  await assert.rejects(svc.fleet({ from: T0, to: T0 + 900 }, '1-0:1.8'), (e: unknown) => hasCode(e, 'OBIS_INVALID'));
});
