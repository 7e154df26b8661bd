// MQTT in `meterstack start`, as a user meets it: provision a device with the CLI, start the
// platform, publish with mosquitto_pub, find the receipt through the API; and a taken MQTT port.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { api, childEnv, killAll, runCli, SIM_READY, startServer, tempDir } from './process.ts';
import { freePort, hasBinary, mosquittoPub } from './mqtt-support.ts';

const KEY = 'e2e-mqtt-admin-key-0123456789';
const env = childEnv({ METERSTACK_API_KEY: KEY });
const haveClient = await hasBinary('mosquitto_pub');

after(killAll);

describe('meterstack start with MQTT', () => {
  const data = tempDir('e2e-start-mqtt');
  after(() => data.remove());

  it('a device provisioned with `meterstack mqtt add-device` publishes to the embedded broker; simulated MQTT meters report too', { timeout: 120_000, skip: haveClient ? false : 'mosquitto_pub is not installed' }, async () => {
    // The fleet's meters exist after the first start; provision one of them for a real client.
    const mqttPort = await freePort();
    const args = ['--data', data.dir, '--meters', '20', '--history', '1', '--mqtt-port', String(mqttPort), '--mqtt-devices', '2', '--speed', '600'];
    let s = await startServer(args, env);
    await s.waitFor(SIM_READY, 90_000);
    await s.waitFor(/mqtt: 2 simulated meter\(s\), and 0 gateway\(s\) for 0 more, publish to mqtt:\/\/localhost:\d+/, 30_000);
    assert.match(s.stdout, new RegExp(`mqtt: embedded broker on mqtt://localhost:${mqttPort}`));
    assert.deepEqual(await s.stop('SIGTERM'), { code: 0, signal: null }, s.transcript());

    const added = await runCli(['mqtt', 'add-device', 'SIM000001', '--data', data.dir], env);
    assert.equal(added.code, 0, added.stderr);
    const secret = /secret \(shown only this once\):\n\s+(\S+)/.exec(added.stdout)?.[1];
    assert.ok(secret, added.stdout);

    s = await startServer(args, env);
    await s.waitFor(/mqtt: 2 simulated meter/, 90_000);
    const at = Math.floor(Date.now() / 1000 / 900) * 900 - 86_400;
    const body = JSON.stringify({ fmt: 'obis-flat', v: 1, meter: 'SIM000001', ts: at, '1-0:1.8.0': 1234.5 });
    const r = await mosquittoPub(mqttPort, ['-i', 'SIM000001', '-u', 'SIM000001', '-P', secret, '-q', '1', '-t', 'meterstack/v1/SIM000001/readings/json', '-m', body]);
    assert.equal(r.code, 0, r.output);
    const other = await mosquittoPub(mqttPort, ['-i', 'SIM000001', '-u', 'SIM000001', '-P', secret, '-q', '1', '-t', 'meterstack/v1/SIM000002/readings/json', '-m', body]);
    assert.notEqual(other.code, 0, 'another meter\'s topic is refused');

    const receipts = await api(s.url, '/api/v1/receipts?limit=1000', { key: KEY });
    assert.equal(receipts.status, 200, receipts.text);
    const mqtt = (receipts.body.items as { source: string }[]).filter((x) => x.source === 'mqtt');
    assert.ok(mqtt.length >= 2, `receipts of the simulated MQTT meters and of mosquitto_pub: ${mqtt.length}`);
    // The denial is audited off the broker's hot path: give it a moment (bounded).
    let denied = await api(s.url, '/api/v1/audit?action=mqtt.acl.denied&limit=10', { key: KEY });
    for (let i = 0; i < 50 && denied.body.total === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      denied = await api(s.url, '/api/v1/audit?action=mqtt.acl.denied&limit=10', { key: KEY });
    }
    assert.equal(denied.body.total, 1, denied.text);
    assert.deepEqual(await s.stop('SIGTERM'), { code: 0, signal: null }, s.transcript());
  });

  it('an MQTT port that is asked for and taken: exits non-zero, naming what holds it and how to change it', { timeout: 60_000 }, async () => {
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, 'localhost', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['start', '--port', '0', '--data', data.dir, '--no-sim', '--mqtt-port', String(port)], env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`PORT_IN_USE.*MQTT port ${port} on localhost is taken by .*--mqtt-port N or MQTT_PORT=N.*MQTT_URL`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
