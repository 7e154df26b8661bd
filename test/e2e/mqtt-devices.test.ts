// Simulated MQTT meters and a gateway against the embedded broker: readings arrive, status
// (birth and last will) is recorded, and commands go down and come back (ping, read-now).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, obis } from '../../src/model/index.ts';
import { MqttSimFleet, createMqttFleet, mqttLayout } from '../../src/sim/mqtt/index.ts';
import { NOW, credential, eventually, testPlatform, type TestPlatform } from './mqtt-support.ts';
import { tempDir } from './process.ts';

describe('simulated MQTT devices and gateways', () => {
  const tmp = tempDir('mqtt-devices');
  const fleet = createMqttFleet({ seed: 5, meters: 6 });
  const layout = mqttLayout(fleet.meters.map((m) => m.id), 0.5, 3);
  const start = Math.floor(NOW() / 900) * 900 - 4 * 3600;
  let t: TestPlatform;
  let sim: MqttSimFleet;

  before(async () => {
    t = await testPlatform(tmp.dir, []);
    await t.platform.store.upsertMeters(fleet.meters);
    const mqtt = await t.startMqtt();
    const endpoints = [];
    for (const id of layout.devices) endpoints.push({ id, secret: await credential(t.platform, id), meters: [id] });
    for (const g of layout.gateways) endpoints.push({ id: g.id, secret: await credential(t.platform, g.id, 'gateway', [...g.meters]), meters: g.meters });
    sim = new MqttSimFleet({ fleet, url: `mqtt://127.0.0.1:${mqtt.embedded!.port}`, endpoints, registersStart: start, now: NOW, reconnectMs: { min: 50, max: 500 } });
    sim.start();
  });

  after(async () => {
    await sim?.stop();
    await t?.close();
    tmp.remove();
  });

  test('readings of devices and of the gateway\'s meters are stored', async () => {
    assert.equal(layout.gateways.length, 1);
    sim.produce(start, start + 3600);
    await sim.idle();
    for (const m of fleet.meters) {
      const s = await t.platform.store.readSeries(m.id, obis('1-0:1.8.0'), start, start + 3600);
      assert.equal(s.quality.filter((q) => q !== 4).length, 4, m.id);
    }
    const receipts = (await t.platform.store.listReceipts({ limit: 100 })).items.filter((r) => r.source === 'mqtt');
    assert.ok(receipts.length >= 1 && receipts.length <= fleet.meters.length, `${receipts.length} receipts: messages were batched`);
  });

  test('birth and last will: online, then offline when a device drops off', async () => {
    const gw = layout.gateways[0]!.id;
    for (const id of [...layout.devices, gw]) {
      await eventually(async () => (t.mqtt!.ingest.statusOf(id)?.state === 'online' ? true : undefined), 5000, `${id} online`);
    }
    const victim = sim.endpoints.find((e) => e.id === layout.devices[0])!;
    victim.kill();
    await eventually(async () => (t.mqtt!.ingest.statusOf(victim.id)?.state === 'offline' ? true : undefined), 5000, 'last will');
    await t.mqtt!.audit.flush();
    const offline = (await t.platform.store.listAudit({ action: 'mqtt.device.offline' }, { limit: 10 })).items;
    assert.ok(offline.some((e) => e.object === `mqtt/${victim.id}`));
    victim.start();
    await eventually(async () => (t.mqtt!.ingest.statusOf(victim.id)?.state === 'online' ? true : undefined), 5000, 'back online');
  });

  test('commands round-trip: ping, read-now (registers stored), an unknown command fails', async () => {
    const device = layout.devices[1]!;
    const pong = await t.mqtt!.commands.send(device, 'ping', {}, { timeoutMs: 5000 }) as { pong: number };
    assert.ok(Math.abs(pong.pong - NOW()) < 60);
    // A meter behind the gateway: the command goes over the gateway's connection.
    const behind = layout.gateways[0]!.meters[1]!;
    const r = await t.mqtt!.commands.send(behind, 'read-now', {}, { timeoutMs: 5000 }) as { at: number; registers: Record<string, number> };
    assert.ok(r.registers['1-0:1.8.0.255']! > 0, JSON.stringify(r));
    const regs = await eventually(async () => {
      const got = await t.platform.store.readRegisters(behind, obis('1-0:1.8.0'), r.at, r.at + 1);
      return got.length === 1 ? got : undefined;
    }, 5000, 'read-now registers stored');
    assert.equal(regs[0]!.value, r.registers['1-0:1.8.0.255']);
    await assert.rejects(t.mqtt!.commands.send(device, 'self-destruct', {}, { timeoutMs: 5000 }), (e: unknown) => hasCode(e, 'MQTT_COMMAND_FAILED'));
    await t.mqtt!.audit.flush();
    const results = (await t.platform.store.listAudit({ action: 'mqtt.command.result' }, { limit: 10 })).items;
    assert.equal(results.length, 3);
  });

  test('a command to a device that is not connected times out', async () => {
    await assert.rejects(t.mqtt!.commands.send('MQ999999', 'ping', {}, { timeoutMs: 300 }), (e: unknown) => hasCode(e, 'MQTT_COMMAND_TIMEOUT'));
  });
});
