import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';

let p: Platform;
before(async () => { p = await platform(); });
after(async () => p.close());

const get = (url: string) => p.app.inject({ url, headers: p.auth });
const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

test('raw readings: intervals with start/end in the meter\'s zone, quality per interval', async () => {
  const res = await get(`/api/v1/meters/E0001/readings?${q({ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00+01:00', to: '2026-03-28T01:00:00+01:00' })}`);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.total, 4);
  assert.equal(body.next, null);
  assert.equal(body.zone, 'Europe/Amsterdam');
  assert.deepEqual(body.items[0], { start: '2026-03-28T00:00:00+01:00', end: '2026-03-28T00:15:00+01:00', value: 1, quality: 'E' });
  assert.deepEqual(body.items.map((r: { quality: string }) => r.quality), ['E', 'N', 'A', 'A']);
});

test('raw readings page with limit and cursor', async () => {
  const base = { channel: '1-0:1.8.0', from: '2026-03-29T00:00:00+01:00', to: '2026-03-30T00:00:00+02:00' };
  const ends: string[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { ...base, limit: '40', ...(cursor ? { cursor } : {}) };
    const body = (await get(`/api/v1/meters/E0002/readings?${q(query)}`)).json() as { total: number; items: { end: string }[]; next: string | null };
    assert.equal(body.total, 92);
    ends.push(...body.items.map((r) => r.end));
    cursor = body.next;
  } while (cursor !== null);
  assert.equal(ends.length, 92);
  assert.equal(new Set(ends).size, 92);
  assert.equal(ends.at(-1), '2026-03-30T00:00:00+02:00');
});

test('aggregate=day in Europe/Amsterdam: the DST day has 92 quarter-hours', async () => {
  const res = await get(`/api/v1/meters/E0002/readings?${q({
    channel: '1-0:1.8.0', from: '2026-03-28T00:00:00+01:00', to: '2026-03-31T00:00:00+02:00', aggregate: 'day', zone: 'Europe/Amsterdam',
  })}`);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual([body.aggregate, body.zone, body.total], ['day', 'Europe/Amsterdam', 3]);
  assert.deepEqual(body.items.map((b: { label: string; expected: number; intervals: number; value: number }) => [b.label, b.expected, b.intervals, b.value]), [
    ['2026-03-28', 96, 96, 192], ['2026-03-29', 92, 92, 184], ['2026-03-30', 96, 96, 192],
  ]);
  assert.equal(body.items[1].start, '2026-03-29T00:00:00+01:00');
  assert.equal(body.items[1].end, '2026-03-30T00:00:00+02:00');
  const e1 = (await get(`/api/v1/meters/E0001/readings?${q({ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00+01:00', to: '2026-03-29T00:00:00+01:00', aggregate: 'day' })}`)).json();
  assert.deepEqual([e1.items[0].estimated, e1.items[0].missing, e1.items[0].value], [1, 1, 95]);
});

test('aggregate=hour and month', async () => {
  const hours = (await get(`/api/v1/meters/E0003/readings?${q({ channel: '1-0:1.8.0', from: '2026-03-29T00:00:00+01:00', to: '2026-03-30T00:00:00+02:00', aggregate: 'hour', limit: '100' })}`)).json();
  assert.equal(hours.total, 23);
  assert.equal(hours.items[2].label, '2026-03-29T03:00:00+02:00');
  assert.ok(hours.items.every((b: { value: number }) => b.value === 12));
  const month = (await get(`/api/v1/meters/E0003/readings?${q({ channel: '1-0:1.8.0', from: '2026-03-01T00:00:00+01:00', to: '2026-04-01T00:00:00+02:00', aggregate: 'month' })}`)).json();
  assert.deepEqual(month.items.map((b: { label: string; intervals: number; expected: number }) => [b.label, b.intervals, b.expected]), [['2026-03', 284, 2972]]);
});

test('bad readings queries are 400/404 problems with their codes', async () => {
  const cases: [Record<string, string>, number, string][] = [
    [{ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00Z' }, 400, 'API_BAD_REQUEST'],
    [{ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00', to: '2026-03-29T00:00:00Z' }, 400, 'API_BAD_REQUEST'],
    [{ channel: 'energy', from: '2026-03-28T00:00:00Z', to: '2026-03-29T00:00:00Z' }, 400, 'OBIS_INVALID'],
    [{ channel: '1-0:2.8.0', from: '2026-03-28T00:00:00Z', to: '2026-03-29T00:00:00Z' }, 404, 'CHANNEL_NOT_FOUND'],
    [{ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00Z', to: '2026-03-29T00:00:00Z', aggregate: 'day', zone: 'Europe/Atlantis' }, 400, 'ZONE_INVALID'],
    [{ channel: '1-0:1.8.0', from: '2026-03-28T00:00:00Z', to: '2026-03-29T00:00:00Z', aggregate: 'week' }, 400, 'API_BAD_REQUEST'],
    [{ channel: '1-0:1.8.0', from: '2020-01-01T00:00:00Z', to: '2026-03-29T00:00:00Z' }, 400, 'QUERY_INVALID'],
    [{ channel: '1-0:1.8.0', from: '2026-03-28T23:59:60Z', to: '2026-03-29T00:00:00Z' }, 400, 'API_BAD_REQUEST'],
  ];
  for (const [query, status, code] of cases) {
    const res = await get(`/api/v1/meters/E0001/readings?${q(query)}`);
    assert.equal(res.statusCode, status, JSON.stringify(query));
    assert.equal(res.json().code, code, JSON.stringify(query));
  }
});
