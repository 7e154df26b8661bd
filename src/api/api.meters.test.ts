import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';

let p: Platform;
before(async () => { p = await platform(23); });
after(async () => p.close());

const get = (url: string) => p.app.inject({ url, headers: p.auth });

test('paging walks every meter exactly once and reports the total', async () => {
  const seen: string[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const res = await get(`/api/v1/meters?limit=5${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    assert.equal(res.statusCode, 200);
    const body = res.json() as { items: { id: string }[]; total: number; next: string | null };
    assert.deepEqual(Object.keys(body).sort(), ['items', 'next', 'total']);
    assert.equal(body.total, 23);
    seen.push(...body.items.map((m) => m.id));
    next = body.next;
    pages++;
  } while (next !== null);
  assert.equal(pages, 5);
  assert.equal(seen.length, 23);
  assert.deepEqual(new Set(seen), new Set(p.meters.map((m) => m.id)));
});

test('filters narrow the list; a cursor from another query or garbage is API_BAD_CURSOR', async () => {
  const t2 = (await get('/api/v1/meters?transformer=T2&limit=100')).json();
  assert.ok(t2.items.length > 0 && t2.items.every((m: { grid: { transformerId: string } }) => m.grid.transformerId === 'T2'));
  assert.equal((await get('/api/v1/meters?tag=pv&status=inactive')).json().total, p.meters.filter((m) => m.tags?.includes('pv') && m.status === 'inactive').length);
  assert.deepEqual((await get('/api/v1/meters?q=0007')).json().items.map((m: { id: string }) => m.id), ['E0007']);
  const cursor = (await get('/api/v1/meters?limit=2')).json().next;
  for (const url of [`/api/v1/meters?limit=2&kind=gas&cursor=${cursor}`, '/api/v1/meters?cursor=not-a-cursor', `/api/v1/rejects?cursor=${cursor}`]) {
    const res = await get(url);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().code, 'API_BAD_CURSOR');
  }
  const bad = await get('/api/v1/meters?kind=plutonium');
  assert.equal(bad.json().code, 'API_BAD_REQUEST');
});

test('meter detail has its channels; an unknown meter is 404 problem+json', async () => {
  const res = await get('/api/v1/meters/E0001');
  assert.equal(res.statusCode, 200);
  const { meter, channels } = res.json();
  assert.deepEqual([meter.id, meter.timeZone, meter.grid.transformerId], ['E0001', 'Europe/Amsterdam', 'T1']);
  assert.deepEqual(channels.map((c: { obis: string; intervalS: number; unit: string }) => [c.obis, c.intervalS, c.unit]), [['1-0:1.8.0.255', 900, 'Wh']]);
  const missing = await get('/api/v1/meters/NOPE');
  assert.equal(missing.statusCode, 404);
  assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
  assert.equal(missing.json().code, 'METER_NOT_FOUND');
});

test('topology, a transformer\'s load and the fleet\'s load', async () => {
  const topo = (await get('/api/v1/topology')).json();
  assert.deepEqual(topo.transformers.map((t: { id: string }) => t.id), ['T1', 'T2', 'T3']);
  const range = 'from=2026-03-30T00:00:00%2B02:00&to=2026-03-30T01:00:00%2B02:00';
  const t1 = (await get(`/api/v1/topology/transformers/T1/load?${range}`)).json();
  const onT1 = p.meters.map((m, i) => [m, i + 1] as const).filter(([m]) => m.grid?.transformerId === 'T1');
  const sum = onT1.reduce((s, [, v]) => s + v, 0);
  assert.equal(t1.meters, onT1.length);
  assert.deepEqual(t1.items.map((x: { value: number }) => x.value), [sum, sum, sum, sum]);
  assert.equal(t1.items[0].averageW, sum * 4);
  assert.equal(t1.items[0].start, '2026-03-29T22:00:00Z');
  assert.equal((await get(`/api/v1/topology/transformers/T9/load?${range}`)).json().code, 'TRANSFORMER_NOT_FOUND');
  const f1 = (await get(`/api/v1/topology/feeders/F1/load?${range}`)).json();
  const onF1 = p.meters.map((m, i) => [m, i + 1] as const).filter(([m]) => m.grid?.feederId === 'F1');
  assert.equal(f1.meters, onF1.length);
  assert.ok(onF1.length > onT1.length, 'a feeder holds more than one transformer');
  assert.deepEqual(f1.items.map((x: { value: number }) => x.value), Array(4).fill(onF1.reduce((s, [, v]) => s + v, 0)));
  assert.equal((await get(`/api/v1/topology/feeders/F9/load?${range}`)).json().code, 'FEEDER_NOT_FOUND');
  const fleet = (await get(`/api/v1/fleet/load?${range}&zone=Europe/Amsterdam`)).json();
  assert.equal(fleet.items[0].value, (23 * 24) / 2);
  assert.equal(fleet.items[0].contributors, 23);
  assert.equal(fleet.from, '2026-03-30T00:00:00+02:00');
  assert.equal(fleet.latest, '2026-03-30T01:00:00+02:00');
  const summary = (await get('/api/v1/fleet/summary')).json();
  assert.deepEqual([summary.meters, summary.byKind.electricity, summary.transformers], [23, 23, 3]);
  const reversed = await get('/api/v1/fleet/load?from=2026-03-30T01:00:00Z&to=2026-03-30T00:00:00Z');
  assert.equal(reversed.json().code, 'QUERY_INVALID');
});
