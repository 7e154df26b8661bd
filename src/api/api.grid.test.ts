import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isoToEpoch, localDateStart, obis, QUALITY } from '../model/index.ts';
import { NOW, platform, type Platform } from '../../test/support/platform.ts';
import { TOPOLOGY } from '../../test/support/sqlite-fleet.ts';

// The console's network map, transformer detail and outages, and the portal's bill and advice, through the real API.
let p: Platform;
let operator: { authorization: string };
let customer: { cookie: string };
const ZONE = 'Europe/Amsterdam';
const V1 = obis('1-0:32.7.0');

before(async () => {
  p = await platform(6);
  operator = { authorization: `Bearer ${((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role: 'operator', label: 'op' } })).json() as { key: string }).key}` };
  await p.store.upsertTopology({ ...TOPOLOGY, transformers: TOPOLOGY.transformers.map((t, i) => ({ ...t, lat: 52.0 + i * 0.01, lon: 5.0 + i * 0.01 })) });
  await p.store.upsertMeters(p.meters.map((m, i) => ({ ...m, lat: 52.0 + (i % 3) * 0.01 + 0.001, lon: 5.0 + (i % 3) * 0.01, premise: `P${i + 1}`, grid: { ...m.grid, phase: i < 3 ? 'L1' : '3ph' } })));
  // T1 serves E0001 and E0004. Voltage of E0001 on 30 March: 240 V, and 260 V (outside 253 V) in 4 quarter-hours.
  const day = localDateStart('2026-03-30', ZONE);
  await p.store.upsertChannels([{ meterId: 'E0001', obis: V1, unit: 'mV', intervalS: 900, readingType: 'x' }]);
  const mv = new Float64Array(96).fill(240_000);
  mv.fill(260_000, 40, 44);
  await p.store.writeSeries([{ meterId: 'E0001', channel: V1, start: day, intervalS: 900, values: mv, quality: new Uint8Array(96).fill(QUALITY.A) }], { source: 'test', actor: 'test' });
  // An outage on T1 (E0001 and E0004 down within a minute, up 40 minutes later) and one on T2 still going.
  const t0 = isoToEpoch('2026-03-31T08:00:07Z');
  await p.store.writeEvents([
    { meterId: 'E0001', at: t0, code: 1 }, { meterId: 'E0004', at: t0 + 41, code: 1 },
    { meterId: 'E0001', at: t0 + 2400, code: 2 }, { meterId: 'E0004', at: t0 + 2405, code: 2 },
    { meterId: 'E0002', at: NOW - 600, code: 1 },
  ]);
  const tariff = JSON.parse(readFileSync(new URL('../../examples/tariffs/nl-dubbel-2026.json', import.meta.url), 'utf8')) as unknown;
  await p.services.tariffs.addVersion(tariff, 'test');
  await p.services.accounts.upsert({ id: 'ACC1', name: 'Home 1', premise: 'P1', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 28, market: { supplier: 'S', brp: 'B', gridArea: 'G' } }, 'test');
  await p.services.accounts.assignMeter('ACC1', 'E0001', localDateStart('2026-03-01', ZONE), 'test');
  await p.services.accounts.upsert({ id: 'ACC2', name: 'Home 2', premise: 'P2', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 28, market: { supplier: 'S', brp: 'B', gridArea: 'G' } }, 'test');
  await p.services.accounts.assignMeter('ACC2', 'E0002', localDateStart('2026-03-01', ZONE), 'test');
  await p.services.users.create({ username: 'home1', role: 'customer', premise: 'P1', password: 'customer password 1' }, 'test');
  const login = await p.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'home1', password: 'customer password 1' } });
  customer = { cookie: String(login.headers['set-cookie']).split(';')[0]! };
});
after(async () => p.close());

test('the map is GeoJSON of the area, substation, feeders, transformers and meters; meters=false leaves the meters out', async () => {
  const res = await p.app.inject({ url: '/api/v1/grid/map', headers: operator });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /application\/geo\+json/);
  const m = res.json();
  const kinds = (k: string) => m.features.filter((f: { properties: { kind: string } }) => f.properties.kind === k);
  assert.equal(kinds('area').length, 1);
  assert.equal(kinds('feeder').length, 2);
  assert.equal(kinds('transformer').length, 3);
  assert.equal(kinds('meter').length, 6);
  assert.ok(m.bbox[0] < 5.0 && m.bbox[2] > 5.02);
  const lean = (await p.app.inject({ url: '/api/v1/grid/map?meters=false', headers: operator })).json();
  assert.equal(lean.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'meter').length, 0);
  assert.equal((await p.app.inject({ url: '/api/v1/grid/map', headers: customer })).statusCode, 403);
});

test('transformer detail: load vs rating, phases and the EN 50160 voltage band', async () => {
  const res = await p.app.inject({ url: '/api/v1/grid/transformers/T1?from=2026-03-30T00:00:00%2B02:00&to=2026-03-31T00:00:00%2B02:00', headers: operator });
  assert.equal(res.statusCode, 200, res.body);
  const d = res.json();
  assert.equal(d.meters, 2);
  assert.deepEqual(d.metersByPhase, { L1: 1, L2: 0, L3: 0, '3ph': 1 });
  // E0001 1 Wh + E0004 4 Wh per quarter-hour = 20 W.
  assert.equal(d.points[10].kw, 0.02);
  assert.equal(d.voltage.readings, 96);
  assert.equal(d.voltage.outside, 4);
  assert.equal(d.voltage.maxV, 260);
  // L1: E0001's 96 Wh plus a third of E0004's 384 Wh.
  assert.equal(d.phases.L1, 0.224);
  assert.equal((await p.app.inject({ url: '/api/v1/grid/transformers/T9?from=2026-03-30T00:00:00Z&to=2026-03-31T00:00:00Z', headers: operator })).statusCode, 404);
});

test('outages are grouped per transformer from power-down/up events; the customer sees their own address', async () => {
  const list = (await p.app.inject({ url: '/api/v1/outages', headers: operator })).json();
  assert.equal(list.total, 2);
  const [active, restored] = list.items;
  assert.deepEqual([active.transformerId, active.active, active.meters, active.end], ['T2', true, 1, null]);
  assert.deepEqual([restored.transformerId, restored.active, restored.meters, restored.restored, restored.customers, restored.durationS], ['T1', false, 2, 2, 2, 2405]);
  const one = (await p.app.inject({ url: `/api/v1/outages/${encodeURIComponent(restored.id)}`, headers: operator })).json();
  assert.deepEqual(one.timeline.map((e: { event: string }) => e.event), ['power-down', 'power-down', 'power-up', 'power-up']);
  assert.deepEqual(one.premises, ['P1', 'P4']);
  assert.equal((await p.app.inject({ url: '/api/v1/outages?status=active', headers: operator })).json().total, 1);
  const mine = (await p.app.inject({ url: '/api/v1/portal/outage', headers: customer })).json();
  assert.equal(mine.active, null);
  assert.equal(mine.recent.length, 1);
  assert.equal((await p.app.inject({ url: '/api/v1/portal/outage?premise=P2', headers: customer })).statusCode, 403);
});

test('the portal shows my bill (stored and to date) and advice; another premise\'s bill is not found', async () => {
  const mineBill = await p.services.billing.bill('ACC1', '2026-03-28', '2026-03-31', 'test');
  const otherBill = await p.services.billing.bill('ACC2', '2026-03-28', '2026-03-31', 'test');
  const bills = (await p.app.inject({ url: '/api/v1/portal/bills', headers: customer })).json();
  assert.deepEqual(bills.items.map((b: { id: number }) => b.id), [mineBill.id]);
  const b = await p.app.inject({ url: `/api/v1/portal/bills/${mineBill.id}`, headers: customer });
  assert.equal(b.statusCode, 200);
  assert.equal(b.json().bill.total, mineBill.bill.total);
  assert.equal((await p.app.inject({ url: `/api/v1/portal/bills/${otherBill.id}`, headers: customer })).json().code, 'BILL_NOT_FOUND');
  const line = (await p.app.inject({ url: `/api/v1/portal/bills/${mineBill.id}/lines/1`, headers: customer })).json();
  assert.equal(line.reconciles, true);
  const current = await p.app.inject({ url: '/api/v1/portal/bills/current', headers: customer });
  assert.equal(current.statusCode, 200, current.body);
  assert.equal(current.json().period.from, '2026-03-28');
  const advice = (await p.app.inject({ url: '/api/v1/portal/advice?date=2026-03-30', headers: customer })).json();
  // Monday: normal rate 07–23 h, off-peak otherwise; with energy tax and 21 % VAT: (0.239 + 0.10154) × 1.21 off-peak.
  assert.equal(advice.hours.length, 24);
  assert.equal(advice.hours[3].rate, '0.4121');
  assert.equal(advice.hours[12].rate, '0.4435');
  assert.equal(advice.cheapest[0].hours, 2);
  assert.match(advice.cheapest[0].start, /^2026-03-30T00:00:00\+02:00$/);
});

test('security alerts: failed logins and refused DLMS frames from the audit chain, for those who may read the audit', async () => {
  await p.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'home1', password: 'wrong password' } });
  await p.store.appendAudit([{ at: NOW - 60, actor: 'dlms', action: 'dlms.security.replay-rejected', object: 'meter/E0003', details: { invocationCounter: 41 } }]);
  const res = await p.app.inject({ url: '/api/v1/security/alerts?since=2026-03-01T00:00:00Z', headers: p.auth });
  assert.equal(res.statusCode, 200, res.body);
  const r = res.json();
  assert.equal(r.counts['session.login-failed'], 1);
  assert.equal(r.counts['dlms.security.replay-rejected'], 1);
  assert.deepEqual(r.items.map((a: { severity: string }) => a.severity).sort(), ['high', 'low']);
  assert.deepEqual(r.bySeverity, { critical: 0, high: 1, medium: 0, low: 1 });
  const later = (await p.app.inject({ url: `/api/v1/security/alerts?since=${new Date((NOW - 30) * 1000).toISOString()}`, headers: p.auth })).json();
  assert.equal(later.counts['dlms.security.replay-rejected'], 0, 'an alert before `since` is left out');
  assert.ok(!JSON.stringify(r).includes('wrong password'), 'no secret in an alert');
  assert.equal((await p.app.inject({ url: '/api/v1/security/alerts', headers: operator })).statusCode, 403);
});
