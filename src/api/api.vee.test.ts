import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { obis } from '../model/index.ts';
import { NOW, platform, type Platform } from '../../test/support/platform.ts';

// The VEE exceptions queue through the real API, store and services.
let p: Platform;
let operator: { authorization: string };
let auditor: { authorization: string };
const CH = obis('1-0:1.8.0');

before(async () => {
  p = await platform(6);
  const mint = async (role: string) => ({ authorization: `Bearer ${((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } })).json() as { key: string }).key}` });
  operator = await mint('operator');
  auditor = await mint('auditor');
  // Findings as a VEE run stores them: E0001..E0003 on feeder F1/F1/F2 (test/support topology).
  for (const [k, meterId] of ['E0001', 'E0002', 'E0003'].entries()) {
    const start = NOW - 86_400 + k * 900;
    await p.store.recordVeeRun({
      meterId, channel: CH, from: start, to: start + 3600, at: NOW - 7200 + k * 3600, ruleSet: 'default@1#t', estimates: [],
      findings: [
        { meterId, channel: CH, start, end: start + 900, rule: 'spike', severity: 'error', action: 'flag', reason: 45, message: 'spike', details: {} },
        { meterId, channel: CH, start, end: start + 1800, rule: 'zero-run', severity: 'warning', action: 'flag', reason: 68, message: 'zeros', details: {} },
      ],
    });
  }
});
after(async () => p.close());

type Ex = { id: number; meter: string; rule: string; status: string; assignee?: string; ageS: number };
const list = async (qs: string, headers = operator) => {
  const res = await p.app.inject({ url: `/api/v1/vee/exceptions${qs}`, headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { items: Ex[]; total: number; next: string | null };
};

test('the queue filters by rule, status, meter, feeder and age, and pages', async () => {
  assert.equal((await list('')).total, 6);
  assert.equal((await list('?rule=spike')).total, 3);
  assert.equal((await list('?meter=E0002')).total, 2);
  assert.deepEqual([...new Set((await list('?feeder=F1')).items.map((e) => e.meter))], ['E0001', 'E0002']);
  const old = await list('?minAgeS=5000');
  assert.deepEqual(old.items.map((e) => [e.meter, e.ageS]), [['E0001', 7200], ['E0001', 7200]]);
  const first = await list('?limit=4');
  assert.equal(first.items.length, 4);
  const second = await list(`?limit=4&cursor=${first.next}`);
  assert.deepEqual(second.items.length, 2);
  assert.equal(second.next, null);
  const bad = await p.app.inject({ url: '/api/v1/vee/exceptions?status=closed', headers: operator });
  assert.equal(bad.statusCode, 400);
});

test('an operator assigns and resolves; an auditor may read but not write; every change is audited', async () => {
  const [e] = (await list('?rule=spike&meter=E0001')).items;
  const res = await p.app.inject({ method: 'PATCH', url: `/api/v1/vee/exceptions/${e!.id}`, headers: operator, payload: { assignee: 'ann', status: 'escalated', note: 'looks like a CT fault' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual([res.json().status, res.json().assignee], ['escalated', 'ann']);
  assert.equal((await list('?status=escalated', auditor)).total, 1);
  const denied = await p.app.inject({ method: 'PATCH', url: `/api/v1/vee/exceptions/${e!.id}`, headers: auditor, payload: { status: 'accepted' } });
  assert.equal(denied.statusCode, 403);
  const missing = await p.app.inject({ method: 'PATCH', url: '/api/v1/vee/exceptions/99999', headers: operator, payload: { status: 'accepted' } });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'VEE_EXCEPTION_NOT_FOUND');
  const empty = await p.app.inject({ method: 'PATCH', url: `/api/v1/vee/exceptions/${e!.id}`, headers: operator, payload: {} });
  assert.equal(empty.statusCode, 400);
  const audit = (await p.store.listAudit({ action: 'vee.exception.update' }, { limit: 10 })).items;
  assert.equal(audit.length, 1);
  assert.deepEqual(audit[0]!.details, { meterId: 'E0001', channel: CH, rule: 'spike', from: { status: 'open', assignee: null }, to: { status: 'escalated', assignee: 'ann' }, note: 'looks like a CT fault' });
});

test('bulk: all ids or nothing, one audit entry each', async () => {
  const zeros = (await list('?rule=zero-run')).items.map((e) => e.id);
  const unknown = await p.app.inject({ method: 'POST', url: '/api/v1/vee/exceptions/bulk', headers: operator, payload: { ids: [...zeros, 99999], status: 'accepted' } });
  assert.equal(unknown.statusCode, 404);
  assert.equal((await list('?status=accepted')).total, 0, 'nothing changed');
  const res = await p.app.inject({ method: 'POST', url: '/api/v1/vee/exceptions/bulk', headers: operator, payload: { ids: zeros, status: 'accepted', assignee: 'bob' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().items.map((e: Ex) => e.status), ['accepted', 'accepted', 'accepted']);
  assert.equal((await p.store.listAudit({ action: 'vee.exception.update' }, { limit: 10 })).total, 4);
});

test('the OpenAPI document describes the VEE routes', async () => {
  const doc = (await p.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
  for (const path of ['/api/v1/vee/exceptions', '/api/v1/vee/exceptions/{id}', '/api/v1/vee/exceptions/bulk']) assert.ok(doc.paths[path], path);
});

test('a manual edit writes a new version with S and the reason; the original stays readable; who and why are audited', async () => {
  const url = '/api/v1/meters/E0002/readings/edit';
  const payload = { channel: '1-0:1.8.0', from: '2026-03-28T10:00:00Z', to: '2026-03-28T11:00:00Z', method: 'values', values: [10, 11, 12, 13], reasonCode: 24, note: 'meter reader confirmed' };
  assert.equal((await p.app.inject({ method: 'POST', url, headers: auditor, payload })).statusCode, 403);
  const offGrid = await p.app.inject({ method: 'POST', url, headers: operator, payload: { ...payload, from: '2026-03-28T10:05:00Z' } });
  assert.equal(offGrid.statusCode, 400);
  assert.equal(offGrid.json().code, 'VEE_EDIT_INVALID');
  const wrongCount = await p.app.inject({ method: 'POST', url, headers: operator, payload: { ...payload, values: [1] } });
  assert.equal(wrongCount.json().code, 'VEE_EDIT_INVALID');
  const res = await p.app.inject({ method: 'POST', url, headers: operator, payload });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual([res.json().intervals, res.json().versioned, res.json().before.total, res.json().after.total], [4, 4, 8, 46]);
  const readings = (await p.app.inject({ url: '/api/v1/meters/E0002/readings?channel=1-0:1.8.0&from=2026-03-28T10:00:00Z&to=2026-03-28T11:00:00Z', headers: operator })).json();
  assert.deepEqual(readings.items.map((r: { value: number; quality: string }) => [r.value, r.quality]), [[10, 'S'], [11, 'S'], [12, 'S'], [13, 'S']]);
  const versions = (await p.app.inject({ url: '/api/v1/meters/E0002/readings/versions?channel=1-0:1.8.0&from=2026-03-28T10:00:00Z&to=2026-03-28T11:00:00Z', headers: auditor })).json();
  assert.deepEqual(versions.items.map((v: { version: number }) => v.version), [1, 2]);
  const k = (Date.parse('2026-03-28T10:00:00Z') - Date.parse(versions.items[0].start)) / 900_000;
  assert.deepEqual(versions.items[0].values.slice(k, k + 4), [2, 2, 2, 2], 'the original is kept');
  assert.deepEqual([versions.items[1].values.slice(k, k + 4), versions.items[1].quality.slice(k, k + 4), versions.items[1].reason[k]], [[10, 11, 12, 13], 'SSSS', 24]);
  const audit = (await p.store.listAudit({ action: 'vee.edit' }, { limit: 10 })).items;
  assert.equal(audit.length, 1);
  assert.match(audit[0]!.actor, /^key:/);
  assert.equal((audit[0]!.details as { note: string }).note, 'meter reader confirmed');
  // Linear between the neighbours (2 and 2), as a final substitute.
  const lin = await p.app.inject({ method: 'POST', url, headers: operator, payload: { ...payload, method: 'linear', values: undefined, quality: 'F' } });
  assert.equal(lin.statusCode, 200, lin.body);
  assert.equal(lin.json().after.total, 8);
});

test('an edit over an open exception marks it edited', async () => {
  const [e] = (await list('?meter=E0003&rule=spike')).items;
  const from = new Date((NOW - 86_400 + 2 * 900) * 1000).toISOString();
  const to = new Date((NOW - 86_400 + 3 * 900) * 1000).toISOString();
  const res = await p.app.inject({ method: 'POST', url: '/api/v1/meters/E0003/readings/edit', headers: operator, payload: { channel: '1-0:1.8.0', from, to, method: 'zero', reasonCode: 24, note: 'x' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(res.json().exceptions.includes(e!.id));
  assert.equal((await list(`?meter=E0003&rule=spike`)).items[0]!.status, 'edited');
});

test('quality: completeness per day and per meter, actual vs estimated, for a feeder', async () => {
  const res = await p.app.inject({ url: '/api/v1/vee/quality?from=2026-03-28T00:00:00%2B01:00&to=2026-03-31T00:00:00%2B02:00&feeder=F1', headers: auditor });
  assert.equal(res.statusCode, 200, res.body);
  const q = res.json();
  assert.equal(q.meters, 4);
  assert.deepEqual(q.days.map((d: { date: string; expected: number }) => [d.date, d.expected]), [['2026-03-28', 4 * 96], ['2026-03-29', 4 * 92], ['2026-03-30', 4 * 96]]);
  // E0001 (seeded): one estimated and one missing interval on the first day; E0002 has 4 edited (S) ones.
  assert.equal(q.byMeter[0].meter, 'E0001');
  assert.deepEqual([q.byMeter[0].present, q.byMeter[0].expected, q.byMeter[0].estimated], [283, 284, 1]);
  assert.equal(q.total.expected, 4 * 284);
  assert.equal(q.total.estimated, 1 + 4);
  assert.ok(q.total.completeness < 1 && q.total.completeness > 0.99);
});

test('revalidate through the API: operator only, idempotent', async () => {
  const payload = { from: '2026-03-28T00:00:00+01:00', to: '2026-03-31T00:00:00+02:00', meters: ['E0004', 'E0005'] };
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/vee/revalidate', headers: auditor, payload })).statusCode, 403);
  const first = await p.app.inject({ method: 'POST', url: '/api/v1/vee/revalidate', headers: operator, payload });
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual([first.json().meters, first.json().runs], [2, 2]);
  const second = await p.app.inject({ method: 'POST', url: '/api/v1/vee/revalidate', headers: operator, payload });
  assert.equal(second.json().changed, 0);
  const badRules = await p.app.inject({ method: 'POST', url: '/api/v1/vee/revalidate', headers: operator, payload: { ...payload, ruleSet: { id: 'x' } } });
  assert.equal(badRules.statusCode, 400);
});
