import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createPipeline } from '../ingest/pipeline.ts';
import { NOW, now, openTestStore } from '../ingest/pipeline.fixture.ts';
import { obis } from '../model/index.ts';
import { type Principal, encodeEnvelope, parseTopic } from '../protocols/mqtt/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { MqttAuditLog } from './mqtt-audit.ts';
import { MqttIngest } from './mqtt-ingest.ts';

const END = Math.floor(NOW / 900) * 900 - 3600;
const enc = (s: string) => new TextEncoder().encode(s);
const reading = (meter: string, value: number) => enc(JSON.stringify({ schema: 'channels/2', meter, channels: [{ obis: '1-0:1.8.0', unit: 'Wh', interval: 900, end: END, values: [value] }] }));
const device = (id: string): Principal => ({ kind: 'device', id, meters: [] });
const topicOf = (id: string) => `meterstack/v1/${id}/readings/json`;

async function setup(maxBatch?: number) {
  const t = await openTestStore(openSqliteStore);
  const ingestor = createPipeline({ store: t.store, now });
  const audit = new MqttAuditLog(t.store, now);
  const ingest = new MqttIngest({ ingestor, audit, now, ...(maxBatch ? { maxBatch } : {}) });
  const send = (id: string, payload: Uint8Array, topic = topicOf(id)) => ingest.handle(topic, parseTopic(topic), payload, device(id));
  return {
    ...t, ingest, audit, send,
    async close() {
      await audit.flush();
      await ingestor.close();
      await t.close();
    },
  };
}

test('messages of several devices in one turn become one pipeline message whose receipt covers each message', async () => {
  const s = await setup();
  try {
    const payloads = ['SIM000001', 'SIM000002', 'SIM000003'].map((id, k) => [id, reading(id, 100 + k)] as const);
    await Promise.all(payloads.map(([id, p]) => s.send(id, p)));
    const receipts = (await s.store.listReceipts({ limit: 10 })).items;
    assert.equal(receipts.length, 1);
    assert.equal(receipts[0]!.source, 'mqtt');
    const envelope = encodeEnvelope(payloads.map(([id, payload]) => ({ topic: topicOf(id), payload })));
    assert.equal(receipts[0]!.sha256, createHash('sha256').update(envelope).digest('hex'));
    for (const [id, k] of [['SIM000001', 0], ['SIM000002', 1], ['SIM000003', 2]] as const) {
      const series = await s.store.readSeries(id, obis('1-0:1.8.0'), END - 900, END);
      assert.deepEqual([...series.values], [100 + k], id);
    }
    assert.deepEqual(s.ingest.stats(), { messages: 3, rejectedMessages: 0, batches: 1, written: 3, unchanged: 0 });
  } finally {
    await s.close();
  }
});

test('a payload no mapper accepts is its own message, in arrival order, and every message resolves in order', async () => {
  const s = await setup();
  try {
    const order: string[] = [];
    const track = (name: string, p: Promise<void>) => p.then(() => { order.push(name); });
    await Promise.all([
      track('a', s.send('SIM000001', reading('SIM000001', 1))),
      track('b', s.send('SIM000002', enc('{"schema":"channels/7","meter":"SIM000002","channels":[]}'))),
      track('c', s.send('SIM000003', reading('SIM000003', 3))),
      track('d', s.send('SIM000001', enc('not json'))),
    ]);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
    const receipts = (await s.store.listReceipts({ limit: 10 })).items;
    assert.deepEqual(receipts.map((r) => r.source), ['mqtt', 'mqtt:SIM000002', 'mqtt', 'mqtt:SIM000001']);
    const rejects = (await s.store.listRejects({}, { limit: 10 })).items;
    assert.deepEqual(rejects.map((r) => [r.code, r.meterId, r.source]).sort(), [
      ['PAYLOAD_MALFORMED', 'SIM000001', 'mqtt:SIM000001'],
      ['PAYLOAD_UNKNOWN_VERSION', 'SIM000002', 'mqtt:SIM000002'],
    ]);
    assert.equal(s.ingest.stats().rejectedMessages, 2);
  } finally {
    await s.close();
  }
});

test('a batch holds at most maxBatch messages', async () => {
  const s = await setup(2);
  try {
    await Promise.all(['SIM000001', 'SIM000002', 'SIM000003'].map((id) => s.send(id, reading(id, 5))));
    assert.equal((await s.store.listReceipts({ limit: 10 })).items.length, 2);
  } finally {
    await s.close();
  }
});

test('status: online and offline are recorded and audited; a malformed status is audited, not fatal', async () => {
  const s = await setup();
  try {
    const status = 'meterstack/v1/SIM000001/status';
    await s.ingest.handle(status, parseTopic(status), enc('online'), device('SIM000001'));
    assert.equal(s.ingest.statusOf('SIM000001')?.state, 'online');
    await s.ingest.handle(status, parseTopic(status), enc('offline'), { kind: 'gateway', id: 'GW1', meters: ['SIM000001'] }, { retained: true });
    assert.deepEqual(s.ingest.statusOf('SIM000001'), { state: 'offline', at: NOW });
    await s.ingest.handle(status, parseTopic(status), enc('gone fishing'), device('SIM000001'));
    await s.audit.flush();
    const audit = (await s.store.listAudit({ objectPrefix: 'mqtt/SIM000001' }, { limit: 10 })).items;
    assert.deepEqual(audit.map((e) => [e.action, e.actor, e.details ?? {}]), [
      ['mqtt.device.online', 'SIM000001', {}],
      ['mqtt.device.offline', 'GW1', { retained: true, via: 'GW1' }],
      ['mqtt.message.invalid', 'SIM000001', { kind: 'status', reason: 'status: "gone fishing" is neither online nor offline' }],
    ]);
  } finally {
    await s.close();
  }
});
