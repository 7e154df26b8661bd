import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Meter } from '../model/index.ts';
import type { PageRequest } from '../store/store.port.ts';
import { FleetService } from './fleet.service.ts';

const meters: Meter[] = [
  { id: 'E1', kind: 'electricity', status: 'active', timeZone: 'UTC', tags: ['household', 'pv'] },
  { id: 'E2', kind: 'electricity', status: 'inactive', timeZone: 'UTC', tags: ['household'] },
  { id: 'G1', kind: 'gas', status: 'active', timeZone: 'UTC' },
];

test('counts by kind, status and tag over every page, cached for a while', async () => {
  let scans = 0;
  const store = {
    listMeters: async (_f: unknown, p: PageRequest) => {
      const from = p.cursor ? Number(p.cursor) : 0;
      if (from === 0) scans++;
      return { items: meters.slice(from, from + 2), total: meters.length, next: from + 2 < meters.length ? String(from + 2) : null };
    },
    getTopology: async () => ({ feeders: [{ id: 'F', name: 'F' }], transformers: [] }),
  };
  let now = 1000;
  const svc = new FleetService(store, () => now, 30);
  const s = await svc.summary();
  assert.deepEqual(
    { meters: s.meters, byKind: s.byKind, byStatus: s.byStatus, byTag: s.byTag, feeders: s.feeders, transformers: s.transformers },
    { meters: 3, byKind: { electricity: 2, gas: 1 }, byStatus: { active: 2, inactive: 1 }, byTag: { household: 2, pv: 1 }, feeders: 1, transformers: 0 },
  );
  now += 10;
  await svc.summary();
  assert.equal(scans, 1);
  now += 30;
  await svc.summary();
  assert.equal(scans, 2);
});
