// The DR service on a real SQLite store: targets resolve against the registry, statuses follow the
// clock, customers answer for their own premise only, notices reach in-home displays, OpenADR
// events are created/updated/cancelled by modification number, and performance is measured.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { localDateStart, QUALITY, type IntervalSeries, type Meter } from '../../model/index.ts';
import { parseOpenAdr } from '../../formats/openadr/index.ts';
import { IMPORT, TOPOLOGY, tempStore, type TempStore } from '../../../test/support/sqlite-fleet.ts';
import type { Principal } from '../auth.service.ts';
import { DrService } from './dr.service.ts';
import type { IhdMessage } from './dr.port.ts';

const ZONE = 'Europe/Amsterdam';
const EVENT_START = localDateStart('2026-11-26', ZONE) + 17 * 3600;
const EVENT_END = EVENT_START + 3 * 3600;
const HISTORY = localDateStart('2026-10-01', ZONE);
const UNTIL = localDateStart('2026-11-27', ZONE);

// E0001 + E0002 at P-1 (T1, T2 on F1), E0003 at P-2 (T3 on F2), E0004 at P-3 (T1), G0001 a gas meter at P-1.
const meters: Meter[] = [
  { id: 'E0001', kind: 'electricity', status: 'active', timeZone: ZONE, premise: 'P-1', grid: { feederId: 'F1', transformerId: 'T1' } },
  { id: 'E0002', kind: 'electricity', status: 'active', timeZone: ZONE, premise: 'P-1', grid: { feederId: 'F1', transformerId: 'T2' } },
  { id: 'E0003', kind: 'electricity', status: 'active', timeZone: ZONE, premise: 'P-2', grid: { feederId: 'F2', transformerId: 'T3' } },
  { id: 'E0004', kind: 'electricity', status: 'active', timeZone: ZONE, premise: 'P-3', grid: { feederId: 'F1', transformerId: 'T1' } },
  { id: 'G0001', kind: 'gas', status: 'active', timeZone: ZONE, premise: 'P-1', grid: { feederId: 'F1', transformerId: 'T1' } },
];

function history(id: string, inEvent: number | null): IntervalSeries {
  const n = (UNTIL - HISTORY) / 900;
  const values = new Float64Array(n).fill(4);
  const quality = new Uint8Array(n).fill(QUALITY.A);
  for (let i = 0; i < n; i++) {
    const t = HISTORY + i * 900;
    if (t >= EVENT_START && t < EVENT_END) {
      if (inEvent === null) quality[i] = QUALITY.N;
      else values[i] = inEvent;
    }
  }
  return { meterId: id, channel: IMPORT, start: HISTORY, intervalS: 900, values, quality };
}

let ts: TempStore;
let now = EVENT_START - 86_400;
let dr: DrService;
const sent: { meter: string; msg: IhdMessage }[] = [];
const customer = (premise: string): Principal => ({ keyId: `u-${premise}`, role: 'customer', label: 'c', user: `u-${premise}`, premise });
const operator: Principal = { keyId: 'op', role: 'operator', label: 'op', user: 'op' };

before(async () => {
  ts = tempStore(() => now);
  await ts.store.migrate();
  await ts.store.upsertTopology(TOPOLOGY);
  await ts.store.upsertMeters(meters);
  await ts.store.writeSeries([history('E0001', 2), history('E0002', 2), history('E0003', 4), history('E0004', null)], { source: 'test', actor: 'test' });
  dr = new DrService(ts.store, () => now, parseOpenAdr);
  dr.useDelivery({
    reachable: async () => new Set(['E0001', 'E0003']),
    send: async (meter, msg) => {
      sent.push({ meter, msg });
      if (meter === 'E0003') throw Object.assign(new Error('no answer'), { code: 'MQTT_COMMAND_TIMEOUT' });
      return { shown: true };
    },
  });
});
after(async () => ts.close());

test('an operator\'s event: targets resolve to electricity meters, notices go to displays, customers answer', async () => {
  now = EVENT_START - 86_400;
  const changes: string[] = [];
  const off = dr.subscribe((c) => changes.push(`${c.change}:${c.event.status}`));
  const e = await dr.create('user:op', {
    name: 'Evening peak', kind: 'critical-peak-price', start: EVENT_START, end: EVENT_END, price: 0.9, level: 3,
    targets: { transformers: ['T1', 'T3'], premises: ['P-1', 'NOPE'] }, message: 'Shift the washing to after 20:00',
  });
  await dr.settled();
  assert.equal(e.status, 'scheduled');
  const d = await dr.get(e.id);
  assert.deepEqual(d.targetList.map((t) => t.meterId), ['E0001', 'E0002', 'E0003', 'E0004']);
  assert.equal(d.targetPremises, 3);
  // Reachable displays: E0001 answered, E0003 timed out; others are not on MQTT.
  assert.deepEqual(d.deliveries.map((x) => [x.meterId, x.status, x.detail ?? '']), [['E0001', 'answered', ''], ['E0003', 'failed', 'MQTT_COMMAND_TIMEOUT']]);
  assert.deepEqual(sent[0]!.msg, { eventId: e.id, start: '2026-11-26T16:00:00Z', end: '2026-11-26T19:00:00Z', level: 3, text: 'Shift the washing to after 20:00' });

  // Customers: their own premise only; operators read only.
  const n = await dr.notices(customer('P-1'));
  assert.deepEqual(n.upcoming.map((x) => x.event.id), [e.id]);
  await assert.rejects(dr.notices(customer('P-1'), 'P-2'), { code: 'API_FORBIDDEN' });
  assert.equal((await dr.notices(operator, 'P-2')).upcoming.length, 1);
  await assert.rejects(dr.respond(operator, e.id, 'acknowledge', 'P-1'), { code: 'API_FORBIDDEN' });
  await assert.rejects(dr.respond(customer('P-9'), e.id, 'acknowledge'), { code: 'DR_EVENT_NOT_FOUND' });
  await dr.respond(customer('P-1'), e.id, 'acknowledge');
  const out = await dr.respond(customer('P-2'), e.id, 'opt-out');
  assert.ok(out.response?.optedOutAt !== undefined && out.response.acknowledgedAt !== undefined);
  const again = await dr.get(e.id);
  assert.deepEqual([again.totals.acknowledged, again.totals.optedOut], [2, 1]);

  now = EVENT_START + 600;
  assert.equal((await dr.get(e.id)).status, 'active');
  assert.deepEqual((await dr.notices(customer('P-1'))).active.map((x) => x.event.id), [e.id]);

  // After the event: P-1 used 2 + 2 Wh a quarter-hour against a 4 + 4 baseline; P-3's data is missing.
  now = EVENT_END + 3600;
  const done = await dr.get(e.id);
  assert.equal(done.status, 'completed');
  const perf = Object.fromEntries(done.performance.map((p) => [p.premise, p]));
  assert.deepEqual([perf['P-1']!.status, perf['P-1']!.baselineWh, perf['P-1']!.actualWh, perf['P-1']!.reductionWh], ['ok', 96, 48, 48]);
  assert.deepEqual([perf['P-2']!.status, perf['P-2']!.reductionWh], ['ok', 0]);
  assert.deepEqual([perf['P-3']!.status, perf['P-3']!.reductionWh], ['missing-data', null]);
  assert.deepEqual([done.totals.withFigure, done.totals.missingData, done.totals.reductionWh], [2, 1, 48]);
  const mine = await dr.notices(customer('P-1'));
  assert.equal(mine.past[0]!.performance!.reductionWh, 48);
  await assert.rejects(dr.respond(customer('P-1'), e.id, 'opt-out'), { code: 'DR_EVENT_STATE' });
  await assert.rejects(dr.cancel('user:op', e.id), { code: 'DR_EVENT_STATE' });

  const audit = await ts.store.listAudit({ objectPrefix: `dr-event:${e.id}` }, { limit: 50 });
  assert.deepEqual(audit.items.map((a) => `${a.action} ${a.actor}`).sort(), ['dr.event.acknowledge user:u-P-1', 'dr.event.create user:op', 'dr.event.deliver platform', 'dr.event.opt-out user:u-P-2']);
  off();
  assert.deepEqual(changes.slice(0, 1), ['created:scheduled']);
});

test('invalid events are refused with the field named; a cancel is final', async () => {
  now = EVENT_START - 86_400;
  await assert.rejects(dr.create('x', { name: '', kind: 'load-reduction', start: EVENT_START, end: EVENT_END, targets: { all: true } }), /name/);
  await assert.rejects(dr.create('x', { name: 'n', kind: 'load-reduction', start: EVENT_END, end: EVENT_START, targets: { all: true } }), /end/);
  await assert.rejects(dr.create('x', { name: 'n', kind: 'load-reduction', start: EVENT_START, end: EVENT_END, targets: {} }), { code: 'DR_EVENT_INVALID' });
  await assert.rejects(dr.create('x', { name: 'n', kind: 'load-reduction', start: EVENT_START, end: EVENT_END, level: 7, targets: { all: true } }), /level/);
  const e = await dr.create('x', { name: 'n', kind: 'load-reduction', start: EVENT_START + 86_400, end: EVENT_END + 86_400, targets: { all: true } });
  assert.equal((await dr.get(e.id)).targetMeters, 4, 'gas meters are not targets');
  const c = await dr.cancel('user:op', e.id, 'forecast changed');
  assert.equal(c.status, 'cancelled');
  await assert.rejects(dr.cancel('user:op', e.id), { code: 'DR_EVENT_STATE' });
  await dr.settled();
  assert.equal(sent.at(-1)!.msg.cancelled, true);
});

const oadr = (mod: number, status: string, groups: string[]) => `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject>
<oadr:oadrDistributeEvent xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads">
<pyld:requestID>r1</pyld:requestID><ei:vtnID>VTN-A</ei:vtnID><oadr:oadrEvent><ei:eiEvent><ei:eventDescriptor><ei:eventID>ev-7</ei:eventID>
<ei:modificationNumber>${mod}</ei:modificationNumber><ei:eventStatus>${status}</ei:eventStatus><ei:vtnComment>Grid peak</ei:vtnComment></ei:eventDescriptor>
<ei:eiActivePeriod><properties xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><dtstart><date-time>2026-12-01T16:00:00Z</date-time></dtstart><duration><duration>PT2H</duration></duration>
<x-eiNotification><duration>P1D</duration></x-eiNotification></properties></ei:eiActivePeriod><ei:eiEventSignals><ei:eiEventSignal>
<strm:intervals xmlns:strm="urn:ietf:params:xml:ns:icalendar-2.0:stream" xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0">
<ei:interval><xcal:duration><xcal:duration>PT1H</xcal:duration></xcal:duration><ei:signalPayload><ei:payloadFloat><ei:value>1</ei:value></ei:payloadFloat></ei:signalPayload></ei:interval>
<ei:interval><xcal:duration><xcal:duration>PT1H</xcal:duration></xcal:duration><ei:signalPayload><ei:payloadFloat><ei:value>3</ei:value></ei:payloadFloat></ei:signalPayload></ei:interval>
</strm:intervals><ei:signalName>SIMPLE</ei:signalName><ei:signalType>level</ei:signalType><ei:signalID>s</ei:signalID></ei:eiEventSignal></ei:eiEventSignals>
<ei:eiTarget>${groups.map((g) => `<ei:groupID>${g}</ei:groupID>`).join('')}<ei:venID>us</ei:venID></ei:eiTarget></ei:eiEvent></oadr:oadrEvent></oadr:oadrDistributeEvent></oadr:oadrSignedObject></oadr:oadrPayload>`;

test('OpenADR: created, updated by a higher modification number, unchanged on a replay, cancelled', async () => {
  now = localDateStart('2026-11-30', ZONE);
  const a = await dr.importOpenAdr('key:vtn', oadr(1, 'far', ['F2']), 'a.xml');
  assert.equal(a.events[0]!.result, 'created');
  const id = a.events[0]!.id!;
  let d = await dr.get(id);
  assert.deepEqual([d.kind, d.source, d.externalKey, d.level, d.noticeAt, d.targetMeters], ['critical-peak-price', 'openadr', 'VTN-A/ev-7', 3, d.start - 86_400, 1]);
  assert.deepEqual(d.levels.map((l) => l.level), [1, 3]);
  assert.equal((await dr.importOpenAdr('key:vtn', oadr(1, 'far', ['F1']), 'a.xml')).events[0]!.result, 'unchanged');
  assert.equal((await dr.importOpenAdr('key:vtn', oadr(2, 'near', ['F1']), 'b.xml')).events[0]!.result, 'updated');
  d = await dr.get(id);
  assert.deepEqual(d.targetList.map((t) => t.meterId), ['E0001', 'E0002', 'E0004']);
  assert.equal((await dr.importOpenAdr('key:vtn', oadr(3, 'cancelled', ['F1']), 'c.xml')).events[0]!.result, 'cancelled');
  assert.equal((await dr.get(id)).status, 'cancelled');
  await assert.rejects(dr.importOpenAdr('key:vtn', '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrPoll/></oadr:oadrSignedObject></oadr:oadrPayload>'), { code: 'OPENADR_UNSUPPORTED_MESSAGE' });
  await assert.rejects(dr.importOpenAdr('key:vtn', '<nope'), { code: 'OPENADR_BAD_DOCUMENT' });
  await dr.settled();
});

test('a newer delivery round wins over answers of an older one still in flight', async () => {
  now = EVENT_START - 86_400;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  let calls = 0;
  dr.useDelivery({
    reachable: async () => new Set(['E0001']),
    // The first round's display answers late, with an error; the second one at once.
    send: async () => { if (++calls === 1) { await gate; throw Object.assign(new Error('late'), { code: 'MQTT_COMMAND_TIMEOUT' }); } return {}; },
  });
  const e = await dr.create('x', { name: 'rounds', kind: 'load-reduction', start: EVENT_START + 3 * 86_400, end: EVENT_END + 3 * 86_400, targets: { premises: ['P-1'] } });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await dr.deliver(e.id, 'user:op'), { sent: 1, answered: 1, failed: 0 });
  release();
  await dr.settled();
  assert.deepEqual((await dr.get(e.id)).deliveries.map((d) => [d.meterId, d.status]), [['E0001', 'answered']]);
  dr.useDelivery(undefined);
  assert.equal(await dr.deliver(e.id), null);
  await assert.rejects(dr.deliver('nope'), { code: 'DR_EVENT_NOT_FOUND' });
});
