import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, obis, type Meter } from '../model/index.ts';
import type { MeterFilter, PageRequest } from '../store/store.port.ts';
import { MetersService } from './meters.service.ts';
import { tempStore } from '../../test/support/sqlite-fleet.ts';

const meter = (id: string): Meter => ({ id, kind: 'electricity', status: 'active', timeZone: 'Europe/Amsterdam' });
const topology = { feeders: [{ id: 'F1', name: 'North' }], transformers: [{ id: 'T1', feederId: 'F1', ratingKva: 400 }] };

function fakeStore() {
  const filters: MeterFilter[] = [];
  return {
    filters,
    listMeters: async (f: MeterFilter, p: PageRequest) => {
      filters.push(f);
      return { items: [meter('A')], total: 2, next: p.cursor ? null : 'after-A' };
    },
    getMeter: async (id: string) => (id === 'A' ? meter('A') : undefined),
    listChannels: async () => [],
    getTopology: async () => topology,
    upsertMeters: async () => {},
    upsertChannels: async () => {},
    appendAudit: async () => {},
  };
}

test('empty filter values mean no filter, and the store cursor is wrapped', async () => {
  const store = fakeStore();
  const svc = new MetersService(store);
  const page = await svc.list({ kind: 'electricity', q: '', tag: undefined }, { limit: 1 });
  assert.deepEqual(store.filters[0], { kind: 'electricity' });
  assert.ok(page.next && page.next !== 'after-A');
  assert.equal((await svc.list({ kind: 'electricity' }, { limit: 1, cursor: page.next })).next, null);
  await assert.rejects(svc.list({ kind: 'gas' }, { cursor: page.next }), (e: unknown) => hasCode(e, 'API_BAD_CURSOR'));
});

test('unknown meters and transformers are typed not-found errors', async () => {
  const svc = new MetersService(fakeStore());
  assert.equal((await svc.get('A')).meter.id, 'A');
  await assert.rejects(svc.get('B'), (e: unknown) => hasCode(e, 'METER_NOT_FOUND'));
  assert.equal((await svc.transformer('T1')).ratingKva, 400);
  await assert.rejects(svc.transformer('T9'), (e: unknown) => hasCode(e, 'TRANSFORMER_NOT_FOUND'));
});

test('registerNew adds only unknown meters and channels, never overwrites, and audits each', async () => {
  const t = tempStore();
  try {
    const svc = new MetersService(t.store);
    await t.store.upsertMeters([{ ...meter('KNOWN'), vendor: 'operator-set' }]);
    const ch = (meterId: string, o: string) => ({ meterId, obis: obis(o), unit: 'Wh' as const, intervalS: 900, readingType: 'x' });
    const added = await svc.registerNew(
      [{ ...meter('KNOWN'), vendor: 'from-file' }, meter('NEW'), meter('NEW')],
      [ch('NEW', '1-0:1.8.0'), ch('NEW', '1-0:1.8.0'), ch('KNOWN', '1-0:2.8.0')], 'cli', 1_800_000_000);
    assert.deepEqual(added, { meters: 1, channels: 2 });
    assert.equal((await t.store.getMeter('KNOWN'))?.vendor, 'operator-set');
    assert.equal((await t.store.listChannels('NEW')).length, 1);
    const again = await svc.registerNew([meter('NEW')], [ch('NEW', '1-0:1.8.0')], 'cli', 1_800_000_000);
    assert.deepEqual(again, { meters: 0, channels: 0 });
    const audit = await t.store.listAudit({}, { limit: 10 });
    assert.deepEqual(audit.items.map((a) => a.action).sort(), ['channel.register', 'channel.register', 'meter.register']);
  } finally {
    await t.close();
  }
});
