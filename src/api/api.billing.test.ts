import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { platform, type Platform } from '../../test/support/platform.ts';

// Tariff → account → bill → explain a line → billing run, through the real API, store and services.
let p: Platform;
let billing: { authorization: string };
let operator: { authorization: string };
const tariff = JSON.parse(readFileSync(new URL('../../examples/tariffs/nl-dubbel-2026.json', import.meta.url), 'utf8')) as Record<string, unknown>;

before(async () => {
  p = await platform(4);
  const mint = async (role: string) => ({ authorization: `Bearer ${((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } })).json() as { key: string }).key}` });
  billing = await mint('billing');
  operator = await mint('operator');
});
after(async () => p.close());

test('a billing analyst defines a tariff, an account, bills it and explains a line down to its intervals', async () => {
  const t = await p.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: billing, payload: tariff });
  assert.equal(t.statusCode, 201, t.body);
  assert.equal(t.json().version, 1);
  const bad = await p.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: billing, payload: { ...tariff, charges: [{ type: 'energy', name: 'x', rate: 0.2 }] } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'TARIFF_INVALID');
  assert.match(bad.json().detail, /charges\[0\]\.rate/);

  const acc = await p.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: billing, payload: { id: 'ACC-E0002', name: 'Home 2', timeZone: 'Europe/Amsterdam', tariffId: 'nl-dubbel', cycleDay: 28, market: { supplier: '8716867000016', brp: '8716867999995', gridArea: '871687400000000017' } } });
  assert.equal(acc.statusCode, 201, acc.body);
  const as = await p.app.inject({ method: 'POST', url: '/api/v1/accounts/ACC-E0002/meters', headers: billing, payload: { meterId: 'E0002', from: '2026-03-01T00:00:00+01:00' } });
  assert.equal(as.statusCode, 201, as.body);

  const b = await p.app.inject({ method: 'POST', url: '/api/v1/accounts/ACC-E0002/bills', headers: billing, payload: { from: '2026-03-28', to: '2026-03-31' } });
  assert.equal(b.statusCode, 201, b.body);
  const bill = b.json();
  // Sat 28 (96), Sun 29 (92), Mon 30 (96 quarter-hours): 284 at 2 Wh. Normal only Mon 07–23 h: 64 × 2 Wh.
  assert.equal(bill.bill.period.intervals, 284);
  assert.equal(bill.bill.determinants.importKwh, '0.568');
  const normal = bill.bill.lines.find((l: { period?: string; charge: string }) => l.charge === 'Supply' && l.period === 'normaal');
  assert.equal(normal.quantity, '0.128');

  const ex = await p.app.inject({ url: `/api/v1/bills/${bill.id}/lines/${normal.n}`, headers: billing });
  assert.equal(ex.statusCode, 200, ex.body);
  assert.equal(ex.json().items.length, 64);
  assert.equal(ex.json().reconciles, true);
  assert.match(ex.json().items[0].start, /^2026-03-30T07:00:00\+02:00$/);

  const rep = await p.app.inject({ url: `/api/v1/bills/${bill.id}/reproduce`, headers: billing });
  assert.equal(rep.json().identical, true);

  // An operator may read bills, not make them; nobody without a key gets anything.
  assert.equal((await p.app.inject({ url: `/api/v1/bills/${bill.id}`, headers: operator })).statusCode, 200);
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/accounts/ACC-E0002/bills', headers: operator, payload: { from: '2026-03-28', to: '2026-03-31' } })).statusCode, 403);
  assert.equal((await p.app.inject({ url: `/api/v1/bills/${bill.id}` })).statusCode, 401);
  assert.equal((await p.app.inject({ url: '/api/v1/bills/99999', headers: billing })).json().code, 'BILL_NOT_FOUND');

  const audit = await p.app.inject({ url: '/api/v1/audit?object=account:ACC-E0002', headers: p.auth });
  assert.deepEqual(audit.json().items.map((a: { action: string }) => a.action).sort(), ['account.create', 'account.meter.assign']);
});

test('a billing run for a cycle reports progress until done; its bills are listed by run', async () => {
  const start = await p.app.inject({ method: 'POST', url: '/api/v1/billing-runs', headers: billing, payload: { cycleDay: 28, month: '2026-03' } });
  assert.equal(start.statusCode, 202, start.body);
  const id = start.json().id as string;
  assert.equal(start.headers.location, `/api/v1/billing-runs/${id}`);
  let run = start.json();
  for (let i = 0; i < 100 && run.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    run = (await p.app.inject({ url: `/api/v1/billing-runs/${id}`, headers: billing })).json();
  }
  assert.equal(run.status, 'done');
  assert.equal(run.total, 1);
  // 28 Mar – 28 Apr: the store holds 3 days; the rest is counted missing, and the bill says so.
  const bills = (await p.app.inject({ url: `/api/v1/bills?run=${id}`, headers: billing })).json();
  assert.equal(bills.total, 1);
  const full = (await p.app.inject({ url: `/api/v1/bills/${bills.items[0].id}`, headers: billing })).json();
  assert.ok(full.bill.quality.missing > 2000);
});

test('prices import as CSV; a malformed feed names the line', async () => {
  const okRes = await p.app.inject({ method: 'PUT', url: '/api/v1/prices/da-nl', headers: { ...billing, 'content-type': 'text/csv' }, payload: 'start,price\n2026-03-28T00:00:00+01:00,0.081\n2026-03-28T01:00:00+01:00,0.075\n' });
  assert.equal(okRes.statusCode, 200, okRes.body);
  assert.equal(okRes.json().prices, 2);
  const badRes = await p.app.inject({ method: 'PUT', url: '/api/v1/prices/da-nl', headers: { ...billing, 'content-type': 'text/csv' }, payload: 'start,price\nyesterday,0.08\n' });
  assert.equal(badRes.statusCode, 400);
  assert.equal(badRes.json().code, 'PRICES_INVALID');
  assert.match(badRes.json().detail, /line 2/);
});

test('a tariff may be sent as YAML; unparseable YAML is a TARIFF_INVALID', async () => {
  const yaml = `id: flat-yaml\nname: Flat\ncurrency: EUR\neffectiveFrom: '2026-01-01'\nperiods: [{ id: all }]\nschedule: [{ period: all }]\ncharges:\n  - { type: energy, name: Energy, rate: '0.25' }\n`;
  const res = await p.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: { ...billing, 'content-type': 'application/yaml' }, payload: yaml });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().id, 'flat-yaml');
  const bad = await p.app.inject({ method: 'POST', url: '/api/v1/tariffs', headers: { ...billing, 'content-type': 'application/yaml' }, payload: 'id: [unclosed' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'TARIFF_INVALID');
});
