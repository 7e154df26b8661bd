// Peak events through the real API: operators create, list, read and cancel events and post
// OpenADR; customers see their own notices and answer them (CSRF-checked sessions); operators
// see a premise's notices read-only; every answer is audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { parseOpenAdr } from '../formats/openadr/index.ts';
import { createPipeline } from '../ingest/index.ts';
import { createServices, type Services } from '../services/index.ts';
import { NOW } from '../../test/support/platform.ts';
import { seedFleet, tempStore, type TempStore } from '../../test/support/sqlite-fleet.ts';
import { buildApi } from './index.ts';

let ts: TempStore;
let app: FastifyInstance;
let services: Services;
let close: () => Promise<void>;
const H = (k: string) => ({ authorization: `Bearer ${k}` });
let admin: Record<string, string>;
let operator: Record<string, string>;
let grid: Record<string, string>;
let billing: Record<string, string>;
let auditor: Record<string, string>;

async function login(username: string, password: string): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': res.json().csrf as string };
}

before(async () => {
  ts = tempStore(() => NOW);
  const meters = await seedFleet(ts.store, 6);
  await ts.store.upsertMeters(meters.map((m, i) => ({ ...m, premise: ['P1', 'P1', 'P2', 'P3', 'P4', 'P5'][i]! })));
  const ingest = createPipeline({ store: ts.store, now: () => NOW });
  services = createServices({ store: ts.store, ingest, now: () => NOW, openadr: parseOpenAdr });
  const { key } = await services.auth.ensureInitialAdminKey();
  app = buildApi({ services, logger: false });
  await app.ready();
  close = async () => { await app.close(); await ingest.close(); await ts.close(); };
  admin = H(key!);
  const mint = async (role: string) => H(((await app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { role, label: role } })).json() as { key: string }).key);
  operator = await mint('operator');
  grid = await mint('grid-operations');
  billing = await mint('billing');
  auditor = await mint('auditor');
  await services.users.create({ username: 'home1', role: 'customer', premise: 'P1', password: 'customer one password' }, 'test');
  await services.users.create({ username: 'home2', role: 'customer', premise: 'P2', password: 'customer two password' }, 'test');
});
after(async () => close());

const tomorrow = (h: number) => new Date((NOW + 86_400 + h * 3600) * 1000).toISOString();

test('operators create, list, read and cancel peak events; roles without dr:* are refused', async () => {
  const body = { name: 'Evening peak', kind: 'critical-peak-price', start: tomorrow(5), end: tomorrow(8), level: 3, price: 0.95, targets: { transformers: ['T1'], premises: ['P2'] }, message: 'Use less between 17 and 20' };
  const c = await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: grid, payload: body });
  assert.equal(c.statusCode, 201, c.body);
  const e = c.json();
  assert.deepEqual([e.status, e.level, e.kind, e.levels.length, e.levels[0].price], ['scheduled', 3, 'critical-peak-price', 1, 0.95]);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: billing, payload: body })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: auditor, payload: body })).statusCode, 403);
  assert.equal((await app.inject({ url: '/api/v1/dr/events', headers: auditor })).statusCode, 200, 'auditors read');
  assert.equal((await app.inject({ url: '/api/v1/dr/events' })).statusCode, 401);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: operator, payload: { ...body, end: body.start } });
  assert.equal(bad.json().code, 'DR_EVENT_INVALID');
  assert.match(bad.json().detail, /end/);
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: operator, payload: { ...body, targets: { bogus: 1 } } })).statusCode, 400);

  const list = await app.inject({ url: '/api/v1/dr/events?status=scheduled', headers: operator });
  assert.deepEqual(list.json().items.map((x: { id: string }) => x.id), [e.id]);
  const d = (await app.inject({ url: `/api/v1/dr/events/${e.id}`, headers: operator })).json();
  // T1 carries meters 1 and 4 (E0001 at P1, E0004 at P3), plus P2's E0003.
  assert.deepEqual(d.targetList.map((t: { meter: string }) => t.meter), ['E0001', 'E0003', 'E0004']);
  assert.deepEqual([d.targetMeters, d.targetPremises], [3, 3]);
  assert.equal((await app.inject({ url: '/api/v1/dr/events/nope', headers: operator })).json().code, 'DR_EVENT_NOT_FOUND');

  const x = await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: operator, payload: { ...body, name: 'To cancel', targets: { all: true } } });
  const cancel = await app.inject({ method: 'POST', url: `/api/v1/dr/events/${x.json().id}/cancel`, headers: operator, payload: { reason: 'forecast eased' } });
  assert.equal(cancel.json().status, 'cancelled');
  assert.equal((await app.inject({ method: 'POST', url: `/api/v1/dr/events/${x.json().id}/cancel`, headers: operator, payload: {} })).statusCode, 409);
});

test('customers see and answer their own notices only; operators view a premise read-only; answers are audited', async () => {
  const e = (await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: operator, payload: { name: 'Tomorrow peak', kind: 'load-reduction', start: tomorrow(6), end: tomorrow(7), targets: { premises: ['P1'] } } })).json();
  const home1 = await login('home1', 'customer one password');
  const home2 = await login('home2', 'customer two password');
  const mine = (await app.inject({ url: '/api/v1/portal/events', headers: home1 })).json();
  assert.equal(mine.premise, 'P1');
  assert.ok(mine.upcoming.some((n: { event: { id: string } }) => n.event.id === e.id));
  assert.equal((await app.inject({ url: '/api/v1/portal/events?premise=P2', headers: home1 })).statusCode, 403);
  assert.ok(!(await app.inject({ url: '/api/v1/portal/events', headers: home2 })).json().upcoming.some((n: { event: { id: string } }) => n.event.id === e.id));

  // No CSRF token, no answer; another premise's event is not found; the operator may look, not answer.
  assert.equal((await app.inject({ method: 'POST', url: `/api/v1/portal/events/${e.id}/acknowledge`, headers: { cookie: home1.cookie! } })).json().code, 'AUTH_CSRF');
  assert.equal((await app.inject({ method: 'POST', url: `/api/v1/portal/events/${e.id}/acknowledge`, headers: home2 })).json().code, 'DR_EVENT_NOT_FOUND');
  assert.equal((await app.inject({ url: '/api/v1/portal/events?premise=P1', headers: operator })).statusCode, 200);
  assert.equal((await app.inject({ method: 'POST', url: `/api/v1/portal/events/${e.id}/acknowledge?premise=P1`, headers: operator })).statusCode, 403);
  assert.equal((await app.inject({ url: '/api/v1/portal/events', headers: operator })).json().code, 'QUERY_INVALID');

  const ack = await app.inject({ method: 'POST', url: `/api/v1/portal/events/${e.id}/acknowledge`, headers: home1 });
  assert.equal(ack.statusCode, 200, ack.body);
  assert.ok(ack.json().response.acknowledgedAt);
  const out = await app.inject({ method: 'POST', url: `/api/v1/portal/events/${e.id}/opt-out`, headers: home1 });
  assert.ok(out.json().response.optedOutAt);
  const d = (await app.inject({ url: `/api/v1/dr/events/${e.id}`, headers: operator })).json();
  assert.deepEqual([d.totals.acknowledged, d.totals.optedOut, d.responses[0].premise], [1, 1, 'P1']);
  const audit = (await app.inject({ url: `/api/v1/audit?object=${encodeURIComponent(`dr-event:${e.id}`)}`, headers: admin })).json();
  const actions = audit.items.map((a: { action: string }) => a.action);
  for (const a of ['dr.event.create', 'dr.event.acknowledge', 'dr.event.opt-out']) assert.ok(actions.includes(a), `${a} in ${actions}`);
});

test('OpenADR: the corpus oadrDistributeEvent is imported once; other messages and bad XML are refused with their codes', async () => {
  const xml = readFileSync(new URL('../../../shared/corpus/openadr/openleadr__16_oadrDistributeEvent.xml', import.meta.url), 'utf8');
  const post = (payload: string, headers: Record<string, string> = operator) => app.inject({ method: 'POST', url: '/api/v1/dr/openadr', headers: { ...headers, 'content-type': 'application/xml' }, payload });
  const r = await post(xml);
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json().events.map((x: { eventId: string; result: string }) => [x.eventId, x.result]), [['541c76cb-36db-4ece-bf06-1ec80d06aa5d', 'created']]);
  const e = (await app.inject({ url: `/api/v1/dr/events/${r.json().events[0].id}`, headers: operator })).json();
  assert.deepEqual([e.source, e.externalKey, e.kind, e.start, e.status, e.targets.all], ['openadr', 'VTN123/541c76cb-36db-4ece-bf06-1ec80d06aa5d', 'load-reduction', '2020-12-03T14:23:07Z', 'completed', true]);
  assert.equal((await post(xml)).json().events[0].result, 'unchanged');
  assert.equal((await post(xml, billing)).statusCode, 403);
  const created = readFileSync(new URL('../../../shared/corpus/openadr/openleadr__08_oadrCreatedEvent.xml', import.meta.url), 'utf8');
  assert.equal((await post(created)).json().code, 'OPENADR_UNSUPPORTED_MESSAGE');
  const broken = await post('<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oops>');
  assert.deepEqual([broken.statusCode, broken.json().code], [400, 'OPENADR_BAD_DOCUMENT']);
});

test('live: a new event reaches /dr/live and the console\'s /live stream as `dr-event`', async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  const ctl = new AbortController();
  const read = async (path: string): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${addr.port}/api/v1${path}`, { headers: { ...admin, accept: 'text/event-stream' }, signal: ctl.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return buf;
      buf += value;
      const m = /event: dr-event\ndata: (.*)\n/.exec(buf);
      if (m) return m[1]!;
    }
  };
  const streams = [read('/dr/live'), read('/live')];
  // billing may follow the fleet's live stream (meters:read) but not peak events (no dr:read).
  const billingSaw = (async () => {
    const res = await fetch(`http://127.0.0.1:${addr.port}/api/v1/live`, { headers: { ...billing, accept: 'text/event-stream' }, signal: ctl.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return buf;
        buf += value;
      }
    } catch {
      return buf; // the abort below ends the stream
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  const e = (await app.inject({ method: 'POST', url: '/api/v1/dr/events', headers: operator, payload: { name: 'Live peak', kind: 'load-reduction', start: tomorrow(9), end: tomorrow(10), targets: { all: true } } })).json();
  const [dr, live] = (await Promise.all(streams)).map((s) => JSON.parse(s));
  await new Promise((r) => setTimeout(r, 300));
  ctl.abort();
  const seen = await billingSaw;
  assert.match(seen, /event: snapshot/, 'the billing stream was open');
  assert.doesNotMatch(seen, /event: dr-event/, 'a role without dr:read gets no peak events');
  assert.deepEqual([dr.change, dr.event.id, dr.event.status], ['created', e.id, 'scheduled']);
  assert.deepEqual([live.change, live.id, live.name], ['created', e.id, 'Live peak']);
});
