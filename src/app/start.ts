import { startSettlementSchedule } from './settlement-schedule.ts';
import { seedConsentDemo } from './consent-demo.ts';
import { mqttIhdDelivery } from './dr-delivery.ts';
import { seedPeakEvents } from './dr-seed.ts';
import { MeterstackError, type FirmwarePath } from '../model/index.ts';
import { MqttReach, mqttFirmwarePath, seedFirmwareDemo } from './firmware.ts';
import { buildApi } from '../api/index.ts';
import type { Config } from './config.ts';
import { openPlatform, type Platform } from './platform.ts';
import { savedClock, simClock, startSim, type SimRunner } from './sim-runner.ts';
import { startMqtt, type MqttRuntime } from './mqtt.ts';
import { startMqttSim, type MqttSimRunner } from './mqtt-sim.ts';
import { startCoap, type CoapRuntime } from './coap.ts';

export interface Running {
  readonly url: string;
  readonly port: number;
  /** The MQTT broker (or external broker client), ingest bridge and command service; absent with --no-mqtt. */
  readonly mqtt?: MqttRuntime;
  /** The CoAP server (UDP) and its Observe registrations; absent with --no-coap. */
  readonly coap?: CoapRuntime;
  stop(): Promise<void>;
}

/** How many simulated homes get a customer login on the first start (an operator can open any home's view). */
const DEMO_HOMES = 3;

/**
 * On a platform without users, the first start creates an operator, an administrator and customer
 * logins for a few simulated homes, and prints their passwords this once (like the admin key).
 */
async function announceDemoUsers(platform: Platform, sim: SimRunner | undefined, url: string, log: (msg: string) => void): Promise<void> {
  const homes = sim ? sim.fleet.meters.filter((m) => m.tags?.includes('household') && m.premise).slice(0, DEMO_HOMES).map((m) => m.premise!) : [];
  const users = await platform.services.users.ensureDemoUsers(homes);
  if (users.length === 0) return;
  const width = Math.max(...users.map((u) => u.username.length));
  log(`first start: created demo users for the console and the customer portal, passwords shown only this once — keep them:\n${users
    .map((u) => `  ${u.username.padEnd(width)}  ${u.password}  (${u.role}${u.premise ? `, premise ${u.premise}: ${url}/portal` : ''})`).join('\n')}\n`
    + `sign in at ${url}/ ; an operator opens any home's customer view from a meter's page or at ${url}/portal?premise=<premise>`);
}

/** `meterstack start`: store, pipeline, services, API + web, and the simulated fleet, in one process. */
export async function startAll(config: Config, log: (msg: string) => void = (m) => process.stdout.write(`${m}\n`)): Promise<Running> {
  const clock = simClock(config.sim ? config.speed : 1, Date.now, config.sim ? savedClock(config.dataDir) : undefined);
  const platform = await openPlatform(config, { now: clock.now, log });
  const app = buildApi({ services: platform.services, logger: process.env.METERSTACK_LOG === 'json' });
  let port: number;
  try {
    await app.listen({ port: config.port, host: config.host });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : config.port;
  } catch (e) {
    await app.close().catch(() => undefined);
    await platform.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new MeterstackError('PORT_IN_USE',
        `port ${config.port} on ${config.host} is already taken by another program; start on another port with --port ${config.port + 1} or PORT=${config.port + 1}`);
    }
    throw e;
  }
  const url = `http://${config.host}:${port}`;
  const key = await platform.services.auth.ensureInitialAdminKey(config.apiKey);
  log(`meterstack listening on ${url}  (data in ${config.dataDir}, API docs at ${url}/docs)`);
  if (key.key) {
    log(`first start: created an admin API key, shown only this once — keep it:\n  ${key.key}\nopen the console at ${url}/#key=${key.key}`);
  } else {
    log(`open the console at ${url}/ and enter your API key${key.source === 'env' ? ' (METERSTACK_API_KEY)' : ' (the one printed at the first start)'}`);
  }
  let mqtt: MqttRuntime | undefined;
  let coap: CoapRuntime | undefined;
  try {
    if (config.mqtt) {
      mqtt = await startMqtt(platform, clock.now, log);
      // Peak-event notices go to in-home displays over the MQTT command channel (docs/demand-response.md).
      platform.services.dr.useDelivery(mqttIhdDelivery(platform.store, mqtt));
    }
    if (config.coap) coap = await startCoap(platform, clock.now, log);
  } catch (e) {
    await coap?.close().catch(() => undefined);
    await mqtt?.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    await platform.close();
    throw e;
  }
  let sim: SimRunner | undefined;
  if (config.sim && config.meters > 0) {
    sim = startSim(platform, clock, log);
  }
  await announceDemoUsers(platform, sim, url, log).catch((e: unknown) => log(`users: demo users not created: ${(e as Error).message}`));
  // With the simulated fleet only, once its meters are stored: fictional third parties and a demo customer's consent (docs/consent.md).
  if (sim) void sim.ready.then(() => seedConsentDemo(platform, log)).catch((e: unknown) => log(`consent: demo third parties not created: ${(e as Error).message}`));
  if (sim) {
    void sim.ready.then(
      (r) => log(`${r.fresh ? 'history ready' : 'caught up since the last run'}: ${r.readings.toLocaleString('en')} readings stored in ${r.seconds.toFixed(1)} s; live data every 15 simulated minutes${config.speed > 1 ? ` (speed ×${config.speed})` : ''}`),
      () => undefined,
    );
  }
  // Each local day of the market zone is settled on the timetable (an initial run, then R1).
  const settlement = startSettlementSchedule(platform, clock.now, log);
  // The last --mqtt-devices meters of the fleet also report over MQTT, once the fleet is stored.
  let stopping = false;
  const fleetSim = sim;
  const mqttSim: Promise<MqttSimRunner | undefined> = mqtt && fleetSim && config.mqttDevices > 0
    ? fleetSim.ready.then(() => (stopping ? undefined : startMqttSim(platform, mqtt.deviceUrl, fleetSim, clock.now, log)))
      .catch((e: unknown) => { log(`mqtt: simulated MQTT meters not started: ${(e as Error).message}`); return undefined; })
    : Promise.resolve(undefined);
  // Firmware campaigns run in the background over these paths, in order of preference (docs/firmware.md).
  // MQTT first: the last meters of the fleet are reachable both ways, and MQTT does not wait for a read round.
  const mqttReach = new MqttReach(platform.store).start();
  const firmwarePaths: FirmwarePath[] = [];
  if (mqtt) firmwarePaths.push(mqttFirmwarePath(mqtt, mqttReach));
  if (sim) firmwarePaths.push(sim.dlmsFirmwarePath);
  platform.services.firmware.startRunner(firmwarePaths, { log });
  // A fresh platform gets a demo vendor key and one signed image, once the MQTT meters have their credentials.
  if (fleetSim) {
    void fleetSim.ready.then(() => mqttSim).then(async () => {
      if (stopping) return;
      await mqttReach.refresh();
      await seedFirmwareDemo(platform, (m) => firmwarePaths.some((f) => f.reaches(m)), log);
    }).catch((e: unknown) => log(`firmware: demo image not created: ${(e as Error).message}`));
  }
  // A fresh start gets a past and an upcoming peak event once history is stored; the upcoming one's
  // notice goes to the simulated in-home displays again once they are connected.
  if (fleetSim) {
    const mqttMeters = mqtt ? Math.min(config.mqttDevices, Math.floor(fleetSim.fleet.meters.length / 10)) : 0;
    void fleetSim.ready.then(async (r) => {
      if (!r.fresh || stopping) return;
      const ids = await seedPeakEvents(platform, fleetSim.fleet, clock.now(), mqttMeters);
      log(`demand response: a past and an upcoming demo peak event (${ids.past}, ${ids.upcoming}) at ${url}/dr`);
      const m = await mqttSim;
      if (!m?.fleet || stopping) return;
      // Once the simulated meters are connected (their queues drained), or after 30 s at most.
      await Promise.race([m.fleet.idle(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      if (!stopping) await platform.services.dr.deliver(ids.upcoming);
    }).catch((e: unknown) => log(`demand response: demo peak events not created: ${(e as Error).message}`));
  }
  return {
    url, port, ...(mqtt ? { mqtt } : {}), ...(coap ? { coap } : {}),
    async stop() {
      stopping = true;
      // Upgrades in flight stop at their next block and stay pending for the next start.
      await platform.services.firmware.stopRunner();
      mqttReach.stop();
      await coap?.close();
      await sim?.stop();
      await (await mqttSim)?.stop();
      await settlement.stop();
      await mqtt?.close();
      await app.close();
      await platform.close();
    },
  };
}
