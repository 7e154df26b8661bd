import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { localDateStart, type Meter } from '../model/index.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { addDays, FIRST_DAY, seedFleet, tempStore, ZONE, type TempStore } from '../../test/support/sqlite-fleet.ts';
import { createServices, type Services } from './index.ts';

// Services against the real SQLite store in a temp dir (STYLE 8's medium test); ingest is
// covered end to end by the API tests, so here it is a port that must not be called.
const noIngest: Ingestor = {
  submit: async () => assert.fail('not used'),
  submitDecoded: async () => assert.fail('not used'),
  stats: () => ({ queued: 0, messages: 0, readings: 0, rejected: 0 }),
  close: async () => {},
};

let t: TempStore;
let svc: Services;
let meters: Meter[];
const day = (d: string) => localDateStart(d, ZONE);

before(async () => {
  t = tempStore(() => 1_790_000_000);
  meters = await seedFleet(t.store, 12);
  svc = createServices({ store: t.store, ingest: noIngest, now: () => 1_790_000_000 });
});
after(async () => t.close());

test('paging walks every meter exactly once, filters narrow the set', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await svc.meters.list({}, { limit: 5, cursor });
    assert.equal(page.total, 12);
    seen.push(...page.items.map((m) => m.id));
    cursor = page.next;
  } while (cursor !== null);
  assert.deepEqual(seen, meters.map((m) => m.id));
  assert.equal((await svc.meters.list({ transformerId: 'T2' }, {})).total, 4);
  assert.equal((await svc.meters.list({ tag: 'pv' }, {})).total, 6);
  assert.deepEqual((await svc.meters.list({ q: '0012' }, {})).items.map((m) => m.id), ['E0012']);
  assert.equal((await svc.meters.get('E0001')).channels[0]!.intervalS, 900);
});

test('day totals in Europe/Amsterdam: the spring DST day has 92 quarter-hours', async () => {
  const r = await svc.readings.aggregate({ meterId: 'E0002', channel: '1-0:1.8.0', from: day(FIRST_DAY), to: day(addDays(FIRST_DAY, 3)), period: 'day' }, {});
  assert.equal(r.zone, ZONE);
  assert.deepEqual(r.items.map((b) => [b.label, b.expected, b.intervals, b.total]), [
    ['2026-03-28', 96, 96, 192], ['2026-03-29', 92, 92, 184], ['2026-03-30', 96, 96, 192],
  ]);
  const e1 = await svc.readings.aggregate({ meterId: 'E0001', channel: '1-0:1.8.0', from: day(FIRST_DAY), to: day(addDays(FIRST_DAY, 1)), period: 'day' }, {});
  assert.deepEqual([e1.items[0]!.estimated, e1.items[0]!.missing, e1.items[0]!.total], [1, 1, 95]);
});

test('hour totals of the DST day: 23 local hours, and raw intervals match', async () => {
  const from = day('2026-03-29');
  const to = day('2026-03-30');
  const h = await svc.readings.aggregate({ meterId: 'E0003', channel: '1-0:1.8.0', from, to, period: 'hour' }, { limit: 100 });
  assert.equal(h.total, 23);
  assert.ok(h.items.every((b) => b.total === 12 && b.expected === 4));
  const raw = await svc.readings.raw({ meterId: 'E0003', channel: '1-0:1.8.0', from, to }, { limit: 1000 });
  assert.equal(raw.total, 92);
  assert.ok(raw.items.every((r) => r.value === 3 && r.quality === 'A'));
});

test('a transformer\'s load is the sum of its meters; the fleet\'s of all', async () => {
  const from = day('2026-03-30');
  const to = from + 3600;
  const t1 = await svc.load.transformer('T1', { from, to });
  // T1 has meters 1, 4, 7, 10 (i = 0, 3, 6, 9): 1 + 4 + 7 + 10 Wh a quarter-hour.
  assert.deepEqual(t1.points.map((p) => p.value), [22, 22, 22, 22]);
  assert.equal(t1.meters, 4);
  const fleet = await svc.load.fleet({ from, to });
  assert.equal(fleet.points[0]!.value, 78);
  assert.equal(fleet.points[0]!.contributors, 12);
  assert.equal(fleet.latest, to);
});

test('fleet summary counts by kind, status and tag', async () => {
  const s = await svc.fleet.summary();
  assert.deepEqual([s.meters, s.byKind.electricity, s.byStatus.inactive, s.byTag.pv, s.transformers, s.feeders], [12, 12, 2, 6, 3, 2]);
});

test('keys: the first start creates an admin key, stored hashed, audited, verifiable', async () => {
  const init = await svc.auth.ensureInitialAdminKey();
  assert.equal(init.source, 'generated');
  const p = await svc.auth.verify(init.key);
  assert.equal(p.role, 'admin');
  assert.deepEqual(await svc.auth.ensureInitialAdminKey(), { source: 'existing' });
  const audit = await svc.records.audit({ action: 'apikey.create' }, {});
  assert.equal(audit.total, 1);
  assert.equal(audit.items[0]!.object, `apikey:${init.keyId}`);
  assert.ok(!JSON.stringify(audit.items).includes(init.key!));
  assert.equal((await svc.records.verify()).audit.ok, true);
});
