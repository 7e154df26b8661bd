// Per-device credentials and topic ACLs, checked with a real client (Debian's mosquitto_pub):
// (a) our own mosquitto with the generated password and ACL files, the platform on MQTT_URL;
// (b) the embedded aedes broker. A device may publish only under its own meterstack/v1/<id>/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { encodeEnvelope } from '../../src/protocols/mqtt/index.ts';
import { obis } from '../../src/model/index.ts';
import type { Store } from '../../src/store/store.port.ts';
import { Mosquitto, NOW, credential, eventually, freePort, hasBinary, mosquittoPub, testPlatform, type TestPlatform } from './mqtt-support.ts';
import { tempDir } from './process.ts';

const IMPORT = obis('1-0:1.8.0');
const END = Math.floor(NOW() / 900) * 900 - 3600;

function reading(meterId: string, end: number, values: number[]): string {
  return JSON.stringify({ schema: 'channels/2', meter: meterId, channels: [{ obis: '1-0:1.8.0', unit: 'Wh', interval: 900, end, values }] });
}

/** Intervals with a value stored for the meter around END. */
async function storedCount(store: Store, meterId: string): Promise<number> {
  const s = await store.readSeries(meterId, IMPORT, END - 86_400, END + 3600);
  return s.quality.filter((q) => q !== 4).length;
}

const haveMosquitto = (await hasBinary('mosquitto')) && (await hasBinary('mosquitto_pub'));

describe('mosquitto with the generated password and ACL files, platform on MQTT_URL', { skip: haveMosquitto ? false : 'mosquitto is not installed' }, () => {
  const tmp = tempDir('mqtt-mosq');
  let t: TestPlatform;
  let broker: Mosquitto;
  let secret1: string;

  before(async () => {
    t = await testPlatform(tmp.dir, ['METER1', 'METER2']);
    secret1 = await credential(t.platform, 'METER1');
    await credential(t.platform, 'METER2');
    const platformSecret = await credential(t.platform, 'meterstack', 'platform');
    const port = await freePort();
    broker = await Mosquitto.configure(t.platform, `${tmp.dir}/mosquitto`, port);
    await broker.start();
    await t.startMqtt({ mqttUrl: `mqtt://meterstack:${platformSecret}@127.0.0.1:${port}` });
  });

  after(async () => {
    await t?.close();
    await broker?.stop();
    tmp.remove();
  });

  test('own topic: stored; another meter\'s topic: refused by mosquitto, nothing stored; wrong secret: refused', async () => {
    const own = await mosquittoPub(broker.port, ['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', reading('METER1', END, [100, 110])]);
    assert.equal(own.code, 0, own.output);
    await eventually(async () => ((await storedCount(t.platform.store, 'METER1')) === 2 ? true : undefined), 10_000, 'METER1 readings stored');

    // Mosquitto drops a denied MQTT 3.1.1 publish silently (it still acknowledges it).
    const other = await mosquittoPub(broker.port, ['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER2/readings/json', '-m', reading('METER2', END, [500])]);
    assert.equal(other.code, 0, other.output);
    // A later message of METER1 is a barrier: the platform handles messages in order.
    const next = await mosquittoPub(broker.port, ['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', reading('METER1', END + 900, [120])]);
    assert.equal(next.code, 0, next.output);
    await eventually(async () => ((await storedCount(t.platform.store, 'METER1')) === 3 ? true : undefined), 10_000, 'METER1 third reading stored');
    assert.equal(await storedCount(t.platform.store, 'METER2'), 0, 'nothing stored for METER2');
    // Two receipts, one per METER1 message: the denied message never reached the platform.
    assert.equal((await t.platform.store.listReceipts({ limit: 100 })).items.filter((r) => r.source.startsWith('mqtt')).length, 2);

    const wrong = await mosquittoPub(broker.port, ['-i', 'METER1', '-u', 'METER1', '-P', `${secret1}x`, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', reading('METER1', END, [1])]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.output, /not authori[sz]ed|refused/i);
  });
});

describe('the embedded broker (aedes)', { skip: haveMosquitto ? false : 'mosquitto_pub is not installed' }, () => {
  const tmp = tempDir('mqtt-aedes');
  let t: TestPlatform;
  let port: number;
  let secret1: string;

  before(async () => {
    t = await testPlatform(tmp.dir, ['METER1', 'METER2']);
    secret1 = await credential(t.platform, 'METER1');
    await credential(t.platform, 'METER2');
    const mqtt = await t.startMqtt();
    port = mqtt.embedded!.port;
  });

  after(async () => {
    await t?.close();
    tmp.remove();
  });

  const pub = (args: string[]) => mosquittoPub(port, args);

  test('own topic: acknowledged only once stored', async () => {
    const r = await pub(['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', reading('METER1', END, [100, 110, 120])]);
    assert.equal(r.code, 0, r.output);
    // No waiting: the PUBACK came after the commit.
    assert.equal(await storedCount(t.platform.store, 'METER1'), 3);
    const receipts = (await t.platform.store.listReceipts({ limit: 100 })).items.filter((x) => x.source === 'mqtt');
    assert.equal(receipts.length, 1);
    // The receipt covers the envelope of the message: its topic and its exact payload.
    const body = reading('METER1', END, [100, 110, 120]);
    const envelope = encodeEnvelope([{ topic: 'meterstack/v1/METER1/readings/json', payload: new TextEncoder().encode(body) }]);
    assert.equal(receipts[0]!.sha256, createHash('sha256').update(envelope).digest('hex'));
  });

  test('another meter\'s topic: connection closed, nothing stored, audited', async () => {
    const r = await pub(['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER2/readings/json', '-m', reading('METER2', END, [500])]);
    assert.notEqual(r.code, 0, 'no PUBACK: the broker closed the connection');
    assert.equal(await storedCount(t.platform.store, 'METER2'), 0);
    await t.mqtt!.audit.flush();
    const denied = (await t.platform.store.listAudit({ action: 'mqtt.acl.denied' }, { limit: 10 })).items;
    assert.equal(denied.length, 1);
    assert.equal(denied[0]!.actor, 'METER1');
    assert.match(String(denied[0]!.details?.reason), /METER1 may not publish for METER2/);
  });

  test('wrong secret, unknown user, foreign client id: refused and audited, never the secret', async () => {
    const wrong = await pub(['-i', 'METER1', '-u', 'METER1', '-P', 'guess-secret-123', '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', '{}']);
    assert.notEqual(wrong.code, 0);
    const unknown = await pub(['-i', 'NOPE', '-u', 'NOPE', '-P', 'x', '-q', '1', '-t', 'meterstack/v1/NOPE/readings/json', '-m', '{}']);
    assert.notEqual(unknown.code, 0);
    // METER1 may not take over METER2's session by using its client id.
    const hijack = await pub(['-i', 'METER2', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', '{}']);
    assert.notEqual(hijack.code, 0);
    await t.mqtt!.audit.flush();
    const failed = (await t.platform.store.listAudit({ action: 'mqtt.auth.failed' }, { limit: 10 })).items;
    assert.deepEqual(failed.map((e) => e.details?.reason).sort(), ['client id "METER2" is not the username', 'no credential for this id', 'wrong secret']);
    assert.ok(!JSON.stringify(failed).includes('guess-secret-123') && !JSON.stringify(failed).includes(secret1), 'no secret in the audit log');
  });

  test('a payload of an unknown schema version goes to the rejects table with its reason, not dropped', async () => {
    const body = JSON.stringify({ schema: 'channels/9', meter: 'METER1', channels: [] });
    const r = await pub(['-i', 'METER1', '-u', 'METER1', '-P', secret1, '-q', '1', '-t', 'meterstack/v1/METER1/readings/json', '-m', body]);
    assert.equal(r.code, 0, r.output);
    const rejects = (await t.platform.store.listRejects({ code: 'PAYLOAD_UNKNOWN_VERSION' }, { limit: 10 })).items;
    assert.equal(rejects.length, 1);
    assert.equal(rejects[0]!.source, 'mqtt:METER1');
    assert.equal(rejects[0]!.meterId, 'METER1');
    assert.match(rejects[0]!.reason, /no schema version 9/);
    assert.ok(rejects[0]!.receiptSeq !== undefined, 'the message has its receipt');
  });
});
