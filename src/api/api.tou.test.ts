import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';
import { EXPECTED_CAUSE, seedTouFleet, type TouFleetTruth } from '../../test/support/tou-fleet.ts';

// TOU verification through the real API: a small simulated fleet on the seasonal test tariff.
let p: Platform;
let truth: TouFleetTruth;
let billing: { authorization: string };
let gridOps: { authorization: string };

before(async () => {
  p = await platform(1);
  truth = await seedTouFleet(p.store, { meters: 40, issueShare: 0 });
  const mint = async (role: string) => ({ authorization: `Bearer ${((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } })).json() as { key: string }).key}` });
  billing = await mint('billing');
  gridOps = await mint('grid-operations');
});
after(async () => p.close());

test('GET /tou-verification: the fleet report, misconfigured first, paged and filtered', async () => {
  const url = '/api/v1/tou-verification?tariff=test-seasonal&from=2026-03-20&to=2026-04-19';
  const r = await p.app.inject({ url: `${url}&limit=4`, headers: billing });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.total, 40);
  assert.equal(body.totals.misconfigured, truth.faults.size);
  assert.equal(body.totals.ok, 40 - truth.faults.size);
  assert.deepEqual(body.registers, ['1-0:1.8.1', '1-0:1.8.2']);
  assert.equal(body.items.length, 4);
  assert.equal(body.items[0].verdict, 'misconfigured');
  assert.ok(body.items[0].evidence.windows.length > 0);
  assert.ok(body.next);
  // The next page comes from the same run; only misconfigured meters when asked.
  const bad = await p.app.inject({ url: `${url}&verdict=misconfigured&limit=100`, headers: billing });
  const items = bad.json().items as { meterId: string; cause: string }[];
  assert.equal(items.length, truth.faults.size);
  for (const m of items) assert.equal(m.cause, EXPECTED_CAUSE[truth.faults.get(m.meterId)!.kind], m.meterId);
  const page2 = await p.app.inject({ url: `${url}&limit=4&cursor=${body.next}`, headers: billing });
  assert.equal(page2.statusCode, 200, page2.body);
  assert.notEqual(page2.json().items[0].meterId, body.items[0].meterId);
  // A cursor of another filter is refused.
  assert.equal((await p.app.inject({ url: `${url}&verdict=ok&cursor=${body.next}`, headers: billing })).json().code, 'API_BAD_CURSOR');
});

test('POST /tou-verification: a list of meters; errors and access', async () => {
  const faulty = [...truth.faults.keys()].slice(0, 2);
  const r = await p.app.inject({ method: 'POST', url: '/api/v1/tou-verification', headers: billing, payload: { tariff: 'test-seasonal', from: '2026-03-20', to: '2026-04-19', meters: faulty, resolutionWh: 1 } });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json().items.map((m: { meterId: string; verdict: string }) => [m.meterId, m.verdict]).sort(), faulty.sort().map((id) => [id, 'misconfigured']));
  const unknown = await p.app.inject({ method: 'POST', url: '/api/v1/tou-verification', headers: billing, payload: { tariff: 'nope' } });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'TARIFF_NOT_FOUND');
  const range = await p.app.inject({ url: '/api/v1/tou-verification?tariff=test-seasonal&from=2026-04-19&to=2026-03-20', headers: billing });
  assert.equal(range.statusCode, 400);
  assert.equal(range.json().code, 'TOU_VERIFY_INVALID');
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/tou-verification', headers: billing, payload: { tariff: 'test-seasonal', extra: 1 } })).statusCode, 400);
  assert.equal((await p.app.inject({ url: '/api/v1/tou-verification?tariff=test-seasonal', headers: gridOps })).statusCode, 403, 'grid operations may not read billing data');
  assert.equal((await p.app.inject({ url: '/api/v1/tou-verification?tariff=test-seasonal' })).statusCode, 401);
});
