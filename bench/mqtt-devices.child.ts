// The simulated devices of the mqtt-ingest bench, in their own process: one process cannot hold
// both ends of 10,000 connections under this machine's 20,000 open-file limit, and the broker
// should not share its event loop with the clients. Talks to the bench over the fork IPC channel.
import { MqttSimFleet, createMqttFleet, mqttMeterId } from '../src/sim/mqtt/index.ts';

const [url, devicesArg, seedArg, messagesArg, windowArg, startArg, inFlightArg] = process.argv.slice(2);
const DEVICES = Number(devicesArg);
const MESSAGES = Number(messagesArg);
const WINDOW_S = Number(windowArg);
const START = Number(startArg);
const CONNECT_BATCH = 500;

const send = (m: unknown): void => { process.send!(m); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const benchSecret = (id: string): string => `bench-secret-${id}`;

const fleet = createMqttFleet({ seed: Number(seedArg), meters: DEVICES });
const sim = new MqttSimFleet({
  fleet, url: url!, registersStart: START, now: () => Math.floor(Date.now() / 1000), inFlight: Number(inFlightArg),
  endpoints: fleet.meters.map((_, i) => ({ id: mqttMeterId(i), secret: benchSecret(mqttMeterId(i)), meters: [mqttMeterId(i)] })),
  queueLimits: { maxMessages: 1000 },
  // Two busy processes on two shared cores: keep a late timer from looking like a dead link.
  keepalive: 300,
  reconnectMs: { min: 500, max: 5000 },
});

// Connect in batches so that the broker's listen backlog is not flooded.
const t0 = Date.now();
for (let i = 0; i < sim.endpoints.length; i += CONNECT_BATCH) {
  const batch = sim.endpoints.slice(i, i + CONNECT_BATCH);
  for (const e of batch) e.start();
  const deadline = Date.now() + 60_000;
  while (batch.some((e) => !e.stats().connected)) {
    if (Date.now() > deadline) throw new Error(`devices ${i}..${i + batch.length} did not connect: ${batch.find((e) => !e.stats().connected)?.stats().lastError}`);
    await sleep(20);
  }
}
send({ type: 'connected', devices: sim.endpoints.length, seconds: (Date.now() - t0) / 1000, cpu: process.cpuUsage() });

process.on('message', (m: { type: string }) => {
  if (m.type === 'go') void run();
  if (m.type === 'stop') void sim.stop().then(() => process.exit(0));
});

async function run(): Promise<void> {
  const t = Date.now();
  let messages = 0;
  let readings = 0;
  for (let k = 0; k < MESSAGES; k++) {
    const r = sim.produce(START + k * WINDOW_S, START + (k + 1) * WINDOW_S);
    messages += r.messages;
    readings += r.readings;
    // Let the connections breathe between windows (PUBACKs, keepalives).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const produced = (Date.now() - t) / 1000;
  await sim.idle();
  send({ type: 'done', cpu: process.cpuUsage(), messages, readings, produceSeconds: produced, dropped: sim.endpoints.reduce((n, e) => n + e.stats().dropped, 0), reconnects: sim.endpoints.reduce((n, e) => n + e.stats().connects - 1, 0) });
}
