import { fork } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/app/config.ts';
import { startMqtt } from '../src/app/mqtt.ts';
import { openPlatform, type Platform } from '../src/app/platform.ts';
import { DAY_S } from '../src/model/index.ts';
import { hashSecret } from '../src/protocols/mqtt/index.ts';
import { FleetSimulator } from '../src/sim/index.ts';
import { createMqttFleet, encodeReadings } from '../src/sim/mqtt/index.ts';
import { type Bench, round, seconds } from './harness.ts';
import { tempDir } from './fixtures.ts';
import type { DecodedMessage } from '../src/ingest/index.ts';

const DEVICES = Number(process.env.BENCH_MQTT_DEVICES ?? 10_000);
/** Hours of quarter-hours a message carries, and messages per device. */
const WINDOW_H = Number(process.env.BENCH_MQTT_WINDOW_HOURS ?? 4);
const MESSAGES = Number(process.env.BENCH_MQTT_MESSAGES ?? 6);
const IN_FLIGHT = Number(process.env.BENCH_MQTT_IN_FLIGHT ?? 4);
const SEED = 21;

/**
 * 10,000 simulated MQTT meters (src/sim/mqtt, mqtt.js, MQTT 3.1.1) connected at once to the
 * embedded broker, each publishing MESSAGES messages of WINDOW_H hours: the quarter-hours of every
 * channel it has (import, export with PV, one or three voltages) in compact CBOR or channels JSON,
 * as a meter that reports every few hours (or replays its backlog) does. The figure is readings per
 * second from the first publish until the last PUBACK, and a PUBACK means committed. The baseline
 * hands the same readings (per device and window, with their payload bytes for the receipt)
 * straight to the ingest pipeline, in the same run.
 */
export const mqttIngest: Bench = {
  name: 'mqtt-ingest',
  async run() {
    const start = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S - DAY_S;
    const fleet = createMqttFleet({ seed: SEED, meters: DEVICES });
    const tmp = tempDir('mqtt');
    try {
      const mqtt = await viaMqtt(join(tmp.dir, 'mqtt'), fleet, start);
      const direct = await viaPipeline(join(tmp.dir, 'direct'), fleet, start);
      if (direct.readings !== mqtt.readings) throw new Error(`the two paths stored different amounts: ${mqtt.readings} vs ${direct.readings}`);
      const rate = mqtt.readings / mqtt.seconds;
      const baseRate = direct.readings / direct.seconds;
      return {
        name: 'mqtt-ingest',
        figures: {
          readings_per_s: Math.round(rate), messages_per_s: Math.round(mqtt.messages / mqtt.seconds),
          ratio_vs_direct_pipeline: round(rate / baseRate, 2), devices_connected: mqtt.connected, connect_seconds: round(mqtt.connectSeconds, 1),
        },
        targets: { readings_per_s: '>= 50000' },
        baseline: { direct_pipeline_readings_per_s: Math.round(baseRate) },
        notes: `${mqtt.connected.toLocaleString('en')} devices connected at once (in a child process, on the same 2 cores; ${mqtt.connectSeconds.toFixed(1)} s to connect with login), each publishing ${MESSAGES} messages of ${WINDOW_H} h (${WINDOW_H * 4} quarter-hours × its channels, ${(mqtt.readings / mqtt.messages).toFixed(1)} readings per message on average, plus event messages), QoS 1 with ${IN_FLIGHT} in flight per device: ${mqtt.messages.toLocaleString('en')} messages, ${mqtt.readings.toLocaleString('en')} readings in ${mqtt.seconds.toFixed(1)} s (the devices spent ${mqtt.produceSeconds.toFixed(1)} s of it simulating and encoding). ${mqtt.batches.toLocaleString('en')} pipeline messages (messages arriving in one event-loop turn are batched, up to 256); ${mqtt.reconnects} reconnects, ${mqtt.resent.toLocaleString('en')} readings received twice and stored once. CPU while publishing: platform ${mqtt.brokerCpu.toFixed(1)} s, devices ${mqtt.devicesCpu.toFixed(1)} s. The baseline submits the same per-device-window series with their payload bytes straight to the pipeline.`,
      };
    } finally {
      tmp.cleanup();
    }
  },
};

async function platformAt(dir: string, fleet: ReturnType<typeof createMqttFleet>): Promise<Platform> {
  const p = await openPlatform(loadConfig({ data: dir, sim: false, host: '127.0.0.1', mqttPort: 0 }, {}));
  await p.store.upsertMeters(fleet.meters);
  await p.store.upsertChannels(fleet.channels);
  return p;
}

interface MqttRun { readings: number; messages: number; seconds: number; produceSeconds: number; connected: number; connectSeconds: number; batches: number; resent: number; reconnects: number; brokerCpu: number; devicesCpu: number }

async function viaMqtt(dir: string, fleet: ReturnType<typeof createMqttFleet>, start: number): Promise<MqttRun> {
  const p = await platformAt(dir, fleet);
  // Bench credentials: a known secret per device (provisioning proper prints a random one once).
  for (const m of fleet.meters) await p.store.putMqttCredential({ id: m.id, kind: 'device', hash: hashSecret(`bench-secret-${m.id}`), meters: [], createdAt: start });
  const mqtt = await startMqtt(p, () => Math.floor(Date.now() / 1000), () => undefined);
  const child = fork(new URL('./mqtt-devices.child.ts', import.meta.url), [
    `mqtt://127.0.0.1:${mqtt.embedded!.port}`, String(DEVICES), String(SEED), String(MESSAGES), String(WINDOW_H * 3600), String(start), String(IN_FLIGHT),
  ], { execArgv: ['--import', 'tsx', '--max-semi-space-size=64'] });
  try {
    const connected = await nextMessage<{ devices: number; seconds: number; cpu: NodeJS.CpuUsage }>(child, 'connected', 300_000);
    const clients = mqtt.embedded!.connectedClients();
    if (clients !== DEVICES) throw new Error(`${clients} clients connected, expected ${DEVICES}`);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    child.send({ type: 'go' });
    const done = await nextMessage<{ messages: number; readings: number; produceSeconds: number; dropped: number; reconnects: number; cpu: NodeJS.CpuUsage }>(child, 'done', 600_000);
    const elapsed = seconds(t0);
    const cpu = process.cpuUsage(cpu0);
    if (done.dropped > 0) throw new Error(`${done.dropped} messages dropped by device queues`);
    // Each reading counts once: a message resent after a lost PUBACK is stored once (unchanged).
    const st = mqtt.ingest.stats();
    if (st.written !== done.readings) throw new Error(`devices produced ${done.readings} readings, ${st.written} were stored`);
    return {
      readings: st.written, messages: done.messages, seconds: elapsed, produceSeconds: done.produceSeconds, connected: clients,
      connectSeconds: connected.seconds, batches: st.batches, resent: st.unchanged, reconnects: done.reconnects,
      // CPU seconds of the publishing phase: on a shared machine they say more than the wall clock.
      brokerCpu: (cpu.user + cpu.system) / 1e6, devicesCpu: (done.cpu.user + done.cpu.system - connected.cpu.user - connected.cpu.system) / 1e6,
    };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => { child.once('exit', resolve); setTimeout(() => { child.kill('SIGKILL'); resolve(undefined); }, 30_000).unref(); });
    await mqtt.close();
    await p.close();
  }
}

async function viaPipeline(dir: string, fleet: ReturnType<typeof createMqttFleet>, start: number): Promise<{ readings: number; seconds: number }> {
  const p = await platformAt(dir, fleet);
  const sim = new FleetSimulator(fleet);
  const index = new Map(fleet.meters.map((m, i) => [m.id, i]));
  const messages: DecodedMessage[] = [];
  for (let k = 0; k < MESSAGES; k++) {
    const out = sim.intervalsBetween(start + k * WINDOW_H * 3600, start + (k + 1) * WINDOW_H * 3600);
    const byMeter = new Map<string, typeof out.series>();
    for (const s of out.series) (byMeter.get(s.meterId) ?? byMeter.set(s.meterId, []).get(s.meterId)!).push(s);
    for (const [id, series] of byMeter) {
      // The devices alternate the two formats (MqttSimFleet); the bytes are what the receipt hashes.
      const payload = encodeReadings(id, series, index.get(id)! % 2 === 0 ? 'compact' : 'channels');
      messages.push({ source: `mqtt:${id}`, actor: id, bytes: payload.bytes, series });
    }
    // Events travel too (the devices publish them), so the amounts compare exactly.
    const events = new Map<string, typeof out.events>();
    for (const e of out.events) (events.get(e.meterId) ?? events.set(e.meterId, []).get(e.meterId)!).push(e);
    for (const [id, list] of events) messages.push({ source: `mqtt:${id}`, actor: id, series: [], events: list });
  }
  const t0 = process.hrtime.bigint();
  let next = 0;
  let readings = 0;
  const worker = async (): Promise<void> => {
    while (next < messages.length) {
      const r = await p.ingest.submitDecoded(messages[next++]!);
      readings += r.written;
    }
  };
  await Promise.all(Array.from({ length: 4096 }, worker));
  const elapsed = seconds(t0);
  await p.close();
  return { readings, seconds: elapsed };
}

function nextMessage<T>(child: ReturnType<typeof fork>, type: string, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no '${type}' from the device process within ${ms} ms`)); }, ms);
    const onMessage = (m: { type: string } & T): void => { if (m.type === type) { cleanup(); resolve(m); } };
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`the device process exited (${code}) before '${type}'`)); };
    const cleanup = (): void => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
