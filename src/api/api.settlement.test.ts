import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NOW, platform, type Platform } from '../../test/support/platform.ts';

// Settlement runs through the real API, services and store, on the test fleet's 3 days around the
// spring DST change (E0001's first interval of the fleet is estimated, its second missing).
let p: Platform;
let billing: { authorization: string };
let auditor: { authorization: string };
let technician: { authorization: string };
const DAY = '2026-03-29';

before(async () => {
  p = await platform(6);
  const mint = async (role: string) => ({ authorization: `Bearer ${((await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } })).json() as { key: string }).key}` });
  billing = await mint('billing');
  auditor = await mint('auditor');
  technician = await mint('field-technician');
  await p.store.upsertAccounts(p.meters.map((m, i) => ({
    id: `ACC-${m.id}`, name: m.id, timeZone: 'Europe/Amsterdam', tariffId: 'T', cycleDay: 1, createdAt: NOW,
    market: { gridArea: i % 2 ? 'GA-EAST' : 'GA-WEST', brp: 'BRP-1', supplier: i < 3 ? 'SUP-A' : 'SUP-B' },
  })));
  await p.store.putAssignments(p.meters.map((m) => ({ accountId: `ACC-${m.id}`, meterId: m.id, from: NOW - 30 * 86_400 })));
});
after(async () => p.close());

const post = (headers: { authorization: string }, payload: unknown) => p.app.inject({ method: 'POST', url: '/api/v1/settlement/runs', headers, payload: payload as Record<string, unknown> });

test('a billing user runs a day; the answer is the run summary with checks; a re-run differs by nothing', async () => {
  const res = await post(billing, { day: DAY });
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json();
  assert.equal(res.headers.location, `/api/v1/settlement/runs/${r.id}`);
  assert.deepEqual([r.day, r.zone, r.runNo, r.periods, r.groupCount, r.meteringPoints, r.consistent, r.diff], [DAY, 'Europe/Amsterdam', 1, 92, 4, 6, true, null]);
  assert.deepEqual([r.start, r.end], ['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00']);
  assert.deepEqual(r.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed]), [
    ['period-count', true], ['period-sums', true], ['group-totals', true], ['allocation', true], ['completeness', true],
  ]);
  assert.equal(r.totals.expected, 6 * 92);
  const again = (await post(billing, { day: DAY, threshold: 1 })).json();
  assert.deepEqual([again.runNo, again.status, again.failedChecks, again.diff.previousRunId, again.diff.changedGroups, again.diff.importWhDelta], [2, 'complete', [], r.id, 0, 0]);
  const audit = (await p.store.listAudit({ action: 'settlement.run' }, { limit: 10 })).items;
  assert.equal(audit.length, 2);
  assert.match(audit[0]!.actor, /^key:/);
});

test('runs list newest first and page; a run shows its groups, quarter-hours in local time, checks and diff', async () => {
  const first = await p.app.inject({ url: `/api/v1/settlement/runs?day=${DAY}&limit=1`, headers: auditor });
  assert.equal(first.statusCode, 200, first.body);
  const page = first.json();
  assert.deepEqual([page.total, page.items.length, page.items[0].runNo], [2, 1, 2]);
  const second = (await p.app.inject({ url: `/api/v1/settlement/runs?day=${DAY}&limit=1&cursor=${page.next}`, headers: auditor })).json();
  assert.deepEqual([second.items[0].runNo, second.next], [1, null]);
  assert.equal((await p.app.inject({ url: `/api/v1/settlement/runs?day=${DAY}&cursor=${page.next}&zone=Europe/London`, headers: auditor })).statusCode, 400, 'a cursor of another query');

  const detail = (await p.app.inject({ url: `/api/v1/settlement/runs/${page.items[0].id}`, headers: auditor })).json();
  assert.equal(detail.groups.length, 4);
  const g = detail.groups[0];
  assert.deepEqual([g.gridArea, g.brp, g.supplier, g.periods.length], ['GA-EAST', 'BRP-1', 'SUP-A', 92]);
  assert.deepEqual([g.periods[8].position, g.periods[8].start, g.periods[8].localStart], [9, '2026-03-29T01:00:00Z', '2026-03-29T03:00:00+02:00']);
  assert.equal(detail.diff.previousRunId, second.items[0].id);
  // The fleet's meter E0001 (GA-WEST, SUP-A) has one estimated and one missing quarter-hour on 2026-03-28 only: this day is whole.
  assert.ok(detail.groups.every((x: { completeness: number }) => x.completeness === 1));
});

test('exports: CSV and XML as files', async () => {
  const id = (await p.app.inject({ url: `/api/v1/settlement/runs?day=${DAY}&limit=1`, headers: auditor })).json().items[0].id;
  const csv = await p.app.inject({ url: `/api/v1/settlement/runs/${id}/export?format=csv`, headers: auditor });
  assert.equal(csv.statusCode, 200, csv.body);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.equal(csv.headers['content-disposition'], `attachment; filename="${id}.csv"`);
  assert.equal(csv.body.trim().split('\n').length, 1 + 4 * 92);
  const xml = await p.app.inject({ url: `/api/v1/settlement/runs/${id}/export?format=xml`, headers: auditor });
  assert.equal(xml.statusCode, 200);
  assert.match(String(xml.headers['content-type']), /^application\/xml/);
  assert.match(xml.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<NotifyAggregatedMeasureData_MarketDocument/);
  const bad = await p.app.inject({ url: `/api/v1/settlement/runs/${id}/export?format=pdf`, headers: auditor });
  assert.equal(bad.statusCode, 400);
});

test('roles: auditors read but may not run; a field technician may not read; no key is 401', async () => {
  const denied = await post(auditor, { day: DAY });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().code, 'API_FORBIDDEN');
  assert.equal((await p.app.inject({ url: '/api/v1/settlement/runs', headers: technician })).statusCode, 403);
  assert.equal((await p.app.inject({ url: '/api/v1/settlement/runs' })).statusCode, 401);
  assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/settlement/runs', payload: { day: DAY } })).statusCode, 401);
  assert.equal((await p.store.listAudit({ action: 'settlement.run' }, { limit: 10 })).total, 2, 'nothing was run');
});

test('bad input gets a typed 400 or 404 and stores nothing', async () => {
  for (const [payload, code] of [
    [{ day: '2026-02-30' }, 'SETTLEMENT_INVALID'], [{ day: '29-03-2026' }, 'API_BAD_REQUEST'], [{ day: DAY, zone: 'Mars/Olympus' }, 'ZONE_INVALID'],
    [{ day: DAY, threshold: 2 }, 'API_BAD_REQUEST'], [{ day: DAY, extra: 1 }, 'API_BAD_REQUEST'], [{}, 'API_BAD_REQUEST'],
  ] as const) {
    const res = await post(billing, payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.json().code, code, JSON.stringify(payload));
  }
  const missing = await p.app.inject({ url: '/api/v1/settlement/runs/stl-nope', headers: auditor });
  assert.deepEqual([missing.statusCode, missing.json().code], [404, 'SETTLEMENT_RUN_NOT_FOUND']);
  assert.equal((await p.store.listSettlementRuns({}, { limit: 10 })).total, 2);
  const doc = (await p.app.inject({ url: '/api/v1/openapi.json' })).json();
  assert.ok(doc.paths['/api/v1/settlement/runs'].post);
  assert.ok(doc.paths['/api/v1/settlement/runs/{id}/export'].get);
});
