// A simulated MQTT fleet in its own process, for the device-restart test: it queues `windows`
// quarter-hours of readings on disk while its broker is unreachable, says how many, and waits to
// be killed. Args: queueDir url secretsFile startEpoch windows seed meters
import { readFileSync } from 'node:fs';
import { MqttSimFleet, createMqttFleet, mqttLayout } from '../../src/sim/mqtt/index.ts';

const [queueDir, url, secretsFile, startS, windows, seed, meters] = process.argv.slice(2);
const fleet = createMqttFleet({ seed: Number(seed), meters: Number(meters) });
const secrets = JSON.parse(readFileSync(secretsFile!, 'utf8')) as Record<string, string>;
const layout = mqttLayout(fleet.meters.map((m) => m.id), 0.5, 2);
const sim = new MqttSimFleet({
  fleet, url: url!, queueDir: queueDir!, registersStart: Number(startS), now: () => Math.floor(Date.now() / 1000),
  endpoints: [
    ...layout.devices.map((id) => ({ id, secret: secrets[id]!, meters: [id] })),
    ...layout.gateways.map((g) => ({ id: g.id, secret: secrets[g.id]!, meters: g.meters })),
  ],
  reconnectMs: { min: 50, max: 200 },
});
sim.start();
const start = Number(startS);
for (let k = 0; k < Number(windows); k++) sim.produce(start + k * 900, start + (k + 1) * 900);
process.stdout.write(`queued ${sim.queued()}\n`);
setInterval(() => undefined, 1000);
