import assert from 'node:assert/strict';
import { obis, type Meter } from '../../model/index.ts';
import type { Store } from '../store.port.ts';
import { CH, CTX, meter, rejectsWith, series, type Case } from './fixtures.ts';

async function walk(store: Store, filter: Parameters<Store['listMeters']>[0], limit: number): Promise<{ ids: string[]; totals: number[] }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listMeters(filter, { limit, cursor });
    ids.push(...page.items.map((m) => m.id));
    totals.push(page.total);
    cursor = page.next;
  } while (cursor !== null);
  return { ids, totals };
}

function fleet(): Meter[] {
  return Array.from({ length: 23 }, (_, i) => meter(`E${String(i).padStart(3, '0')}`, {
    kind: i % 5 === 0 ? 'gas' : 'electricity',
    status: i % 4 === 0 ? 'inactive' : 'active',
    grid: { feederId: `F${i % 3}`, transformerId: `T${i % 6}`, phase: 'L1' },
    tags: i % 2 === 0 ? ['household'] : ['pv', 'business'],
    vendor: 'Acme', lat: 52 + i / 100, lon: 5,
  }));
}

export const meterCases: readonly Case[] = [
  ['migrate returns the schema version and can run again', async (store) => {
    const v = await store.migrate();
    assert.ok(Number.isInteger(v) && v >= 1);
    assert.equal(await store.migrate(), v);
  }],

  ['meters: upsert, get and update', async (store) => {
    const [a] = fleet();
    await store.upsertMeters([a!]);
    assert.deepEqual(await store.getMeter(a!.id), a);
    await store.upsertMeters([{ ...a!, status: 'removed', removedAt: 1 }]);
    assert.equal((await store.getMeter(a!.id))!.status, 'removed');
    assert.equal(await store.getMeter('nope'), undefined);
  }],

  ['paging: the cursor walks every meter exactly once, in id order', async (store) => {
    const all = fleet();
    await store.upsertMeters([...all].reverse());
    const { ids, totals } = await walk(store, {}, 5);
    assert.deepEqual(ids, all.map((m) => m.id));
    assert.ok(totals.every((n) => n === 23));
    const one = await store.listMeters({}, { limit: 100 });
    assert.equal(one.next, null);
    assert.equal(one.items.length, 23);
  }],

  ['paging: filters narrow items and total alike', async (store) => {
    const all = fleet();
    await store.upsertMeters(all);
    const expect = async (filter: Parameters<Store['listMeters']>[0], pick: (m: Meter) => boolean): Promise<void> => {
      const want = all.filter(pick).map((m) => m.id);
      const { ids, totals } = await walk(store, filter, 4);
      assert.deepEqual(ids, want, JSON.stringify(filter));
      assert.ok(totals.every((n) => n === want.length));
      assert.deepEqual(await store.meterIds(filter), want);
    };
    await expect({ feederId: 'F1' }, (m) => m.grid?.feederId === 'F1');
    await expect({ transformerId: 'T4' }, (m) => m.grid?.transformerId === 'T4');
    await expect({ kind: 'gas' }, (m) => m.kind === 'gas');
    await expect({ status: 'inactive', feederId: 'F0' }, (m) => m.status === 'inactive' && m.grid?.feederId === 'F0');
    await expect({ tag: 'pv' }, (m) => m.tags!.includes('pv'));
    await expect({ q: 'e01' }, (m) => m.id.startsWith('E01'));
    await expect({ feederId: 'none' }, () => false);
  }],

  ['paging: a cursor the store did not issue is API_BAD_CURSOR', async (store) => {
    await store.upsertMeters(fleet());
    await rejectsWith(store.listMeters({}, { limit: 5, cursor: 'not a cursor!' }), 'API_BAD_CURSOR');
    await rejectsWith(store.listReceipts({ limit: 5, cursor: Buffer.from('"x"').toString('base64url') }), 'API_BAD_CURSOR');
  }],

  ['topology round-trips and upserts', async (store) => {
    await store.upsertTopology({
      feeders: [{ id: 'F1', name: 'Feeder 1', substation: 'S1' }, { id: 'F2', name: 'Feeder 2' }],
      transformers: [{ id: 'T1', feederId: 'F1', ratingKva: 400, lat: 52.1, lon: 5.1 }, { id: 'T2', feederId: 'F2', ratingKva: 250 }],
    });
    await store.upsertTopology({ feeders: [{ id: 'F2', name: 'Feeder two' }], transformers: [] });
    assert.deepEqual(await store.getTopology(), {
      feeders: [{ id: 'F1', name: 'Feeder 1', substation: 'S1' }, { id: 'F2', name: 'Feeder two' }],
      transformers: [{ id: 'T1', feederId: 'F1', ratingKva: 400, lat: 52.1, lon: 5.1 }, { id: 'T2', feederId: 'F2', ratingKva: 250 }],
    });
  }],

  ['channels registered explicitly are listed as given', async (store) => {
    await store.upsertChannels([
      { meterId: 'm1', obis: obis('1-0:32.7.0'), unit: 'mV', intervalS: 300, readingType: '0.0.6.6.0.1.54.0.0.0.0.0.0.0.129.-3.29.0' },
      { meterId: 'm1', obis: obis('1-0:1.8.0'), unit: 'Wh', intervalS: 0, readingType: 'custom' },
    ]);
    const list = await store.listChannels('m1');
    assert.deepEqual(list.map((c) => [c.obis, c.unit, c.intervalS, c.readingType]).sort(), [
      [obis('1-0:1.8.0'), 'Wh', 0, 'custom'], [obis('1-0:32.7.0'), 'mV', 300, '0.0.6.6.0.1.54.0.0.0.0.0.0.0.129.-3.29.0'],
    ]);
    // A register channel read as intervals takes the series' interval length and ReadingType.
    await store.writeSeries([series('m1', '2026-03-10T00:00:00Z', [5])], CTX);
    const adopted = (await store.listChannels('m1')).find((c) => c.obis === CH)!;
    assert.deepEqual([adopted.intervalS, adopted.readingType], [900, '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0']);
    await rejectsWith(store.upsertChannels([{ meterId: 'm1', obis: CH, unit: 'Wh', intervalS: 300, readingType: '' }]), 'STORE_CONFLICT');
  }],

];
