// Store-and-forward: a broker outage in the middle of publishing, and a device process killed
// with readings still queued, lose nothing: every reading the simulator produced is stored once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAY_S, QUALITY, type IntervalSeries } from '../../src/model/index.ts';
import { startEmbeddedBroker } from '../../src/headend/mqtt-broker.ts';
import type { Store } from '../../src/store/store.port.ts';
import { FleetSimulator } from '../../src/sim/index.ts';
import { MqttSimFleet, createMqttFleet, mqttLayout, type EndpointSpec } from '../../src/sim/mqtt/index.ts';
import type { Fleet } from '../../src/sim/index.ts';
import { NOW, credential, freePort, testPlatform, type TestPlatform } from './mqtt-support.ts';
import { ROOT, sleep, tempDir, within } from './process.ts';

const DAY = Math.floor(NOW() / DAY_S) * DAY_S - 3 * DAY_S;

async function provision(t: TestPlatform, fleet: Fleet, perGateway: number): Promise<EndpointSpec[]> {
  await t.platform.store.upsertMeters(fleet.meters);
  const layout = mqttLayout(fleet.meters.map((m) => m.id), 0.5, perGateway);
  const out: EndpointSpec[] = [];
  for (const id of layout.devices) out.push({ id, secret: await credential(t.platform, id), meters: [id] });
  for (const g of layout.gateways) out.push({ id: g.id, secret: await credential(t.platform, g.id, 'gateway', [...g.meters]), meters: g.meters });
  return out;
}

/** Every series the simulator produces over the windows, straight from a fresh FleetSimulator. */
function expected(fleet: Fleet, from: number, windows: number): IntervalSeries[] {
  return new FleetSimulator(fleet).intervalsBetween(from, from + windows * 900).series;
}

/** Stored intervals equal the simulator's, count and values, and each day block has one version only. */
async function assertStoredOnce(store: Store, series: readonly IntervalSeries[]): Promise<number> {
  let readings = 0;
  for (const s of series) {
    const end = s.start + s.values.length * s.intervalS;
    const got = await store.readSeries(s.meterId, s.channel, s.start, end);
    const want = [...s.values].filter((_, k) => s.quality[k] !== QUALITY.N);
    const have = [...got.values].filter((_, k) => got.quality[k] !== QUALITY.N);
    assert.equal(have.length, want.length, `${s.meterId} ${s.channel}: ${have.length} of ${want.length} intervals stored`);
    assert.deepEqual(have, want, `${s.meterId} ${s.channel} values`);
    const versions = await store.readVersions(s.meterId, s.channel, s.start, end);
    assert.ok(versions.every((v) => v.version === 1), `${s.meterId} ${s.channel}: a second version means a conflicting rewrite`);
    readings += want.length;
  }
  return readings;
}

describe('store-and-forward', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  after(() => { for (const d of dirs) d.remove(); });

  test('the embedded broker goes down mid-publishing and comes back on the same port: every reading stored exactly once', async () => {
    const tmp = tempDir('mqtt-outage');
    dirs.push(tmp);
    const fleet = createMqttFleet({ seed: 9, meters: 10 });
    const t = await testPlatform(tmp.dir, []);
    const endpoints = await provision(t, fleet, 3);
    const mqtt = await t.startMqtt();
    const port = mqtt.embedded!.port;
    const sim = new MqttSimFleet({
      fleet, url: `mqtt://127.0.0.1:${port}`, endpoints, queueDir: join(tmp.dir, 'queues'), inFlight: 4,
      registersStart: DAY, now: NOW, reconnectMs: { min: 50, max: 400 },
    });
    let second: Awaited<ReturnType<typeof startEmbeddedBroker>> | undefined;
    try {
      sim.start();
      const WINDOWS = 96;
      let queuedInOutage = 0;
      for (let k = 0; k < WINDOWS; k++) {
        if (k === 30) await mqtt.embedded!.close();
        if (k === 60) {
          queuedInOutage = sim.queued();
          second = await startEmbeddedBroker({
            host: '127.0.0.1', port, credentials: t.platform.store, audit: mqtt.audit, onMessage: (...a) => mqtt.ingest.handle(...a),
          });
        }
        sim.produce(DAY + k * 900, DAY + (k + 1) * 900);
        await sleep(10);
      }
      // 30 windows × 10 meters were produced while the broker was away: all of them waited in queues.
      assert.ok(queuedInOutage >= 300, `${queuedInOutage} messages queued during the outage`);
      await within(sim.idle(), 30_000, () => `queues to drain (${sim.queued()} left)`);
      const readings = await assertStoredOnce(t.platform.store, expected(fleet, DAY, WINDOWS));
      assert.ok(readings > 2000, `${readings} readings`);
      assert.ok(sim.endpoints.every((e) => e.stats().connects >= 2), 'every device reconnected');
      assert.ok(sim.endpoints.every((e) => e.stats().dropped === 0));
    } finally {
      await sim.stop();
      await second?.close();
      await t.close();
    }
  });

  test('a device process killed with readings on disk: the next process sends them, nothing lost', async () => {
    const tmp = tempDir('mqtt-restart');
    dirs.push(tmp);
    const fleet = createMqttFleet({ seed: 13, meters: 4 });
    const port = await freePort();
    const t = await testPlatform(tmp.dir, [], port);
    const endpoints = await provision(t, fleet, 2);
    const secrets = join(tmp.dir, 'secrets.json');
    writeFileSync(secrets, JSON.stringify(Object.fromEntries(endpoints.map((e) => [e.id, e.secret]))));
    const queues = join(tmp.dir, 'queues');
    const WINDOWS = 12;
    // The broker is not up yet: the child process can only queue.
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./mqtt-device-child.ts', import.meta.url)),
      queues, `mqtt://127.0.0.1:${port}`, secrets, String(DAY), String(WINDOWS), '13', '4'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let sim: MqttSimFleet | undefined;
    try {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
      const queued = await within((async () => {
        for (;;) {
          const m = /queued (\d+)/.exec(out);
          if (m) return Number(m[1]);
          await sleep(20);
        }
      })(), 20_000, 'the device process to queue its readings');
      assert.ok(queued >= WINDOWS * 4, `${queued} queued`);
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await within(gone, 5000, 'the device process to die');

      await t.startMqtt();
      sim = new MqttSimFleet({ fleet, url: `mqtt://127.0.0.1:${port}`, endpoints, queueDir: queues, registersStart: DAY, now: NOW, reconnectMs: { min: 50, max: 200 } });
      assert.equal(sim.queued(), queued, 'the new process found every queued message on disk');
      sim.start();
      await within(sim.idle(), 20_000, () => `queues to drain (${sim!.queued()} left)`);
      await assertStoredOnce(t.platform.store, expected(fleet, DAY, WINDOWS));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await sim?.stop();
      await t.close();
    }
  });
});
