import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochSeconds } from '../model/index.ts';
import type { Fleet } from '../sim/index.ts';
import { MqttSimFleet, mqttLayout } from '../sim/mqtt/index.ts';
import { ensureSimCredentials, type NewCredential } from './mqtt-credentials.ts';
import type { Platform } from './platform.ts';

const INTERVAL_S = 900;

/** What survives a restart: `cursor` is the end of what the MQTT meters have queued. */
interface MqttSimState {
  cursor: EpochSeconds;
  /** Firmware versions the simulated MQTT meters run after a campaign activated an image on them. */
  firmware?: Record<string, string>;
}

export interface MqttSimRunner {
  /** Undefined when the fleet is too small to spare meters for MQTT. */
  readonly fleet: MqttSimFleet | undefined;
  stop(): Promise<void>;
}

/**
 * The simulated MQTT meters of `meterstack start` (--mqtt-devices, default 10, at most a tenth of
 * the fleet): the last meters of the simulated fleet also report over MQTT, some directly and some behind gateways, each
 * connection with a persisted store-and-forward queue under <data>/mqtt-sim/. Every 15 simulated
 * minutes each queues the interval that ended (and brings the last hour along on the first start).
 * Their values are the fleet's, so what also arrives for them over DLMS is the same data and is
 * stored once (docs/mqtt.md § In meterstack start).
 */
export async function startMqttSim(
  p: Platform, url: string, source: { readonly fleet: Fleet; readonly start: EpochSeconds }, now: () => EpochSeconds, log: (msg: string) => void,
): Promise<MqttSimRunner> {
  const { config } = p;
  const file = join(config.dataDir, 'mqtt-sim.json');
  const state: MqttSimState = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as MqttSimState)
    : { cursor: Math.floor(now() / INTERVAL_S) * INTERVAL_S - 3600 };
  // At most a tenth of the fleet: the rest keeps reporting over DLMS alone.
  const count = Math.min(config.mqttDevices, Math.floor(source.fleet.meters.length / 10));
  if (count === 0) return { fleet: undefined, stop: async () => undefined };
  const ids = source.fleet.meters.slice(-count).map((m) => m.id);
  const layout = mqttLayout(ids);
  const wanted: NewCredential[] = [
    ...layout.devices.map((id) => ({ id, kind: 'device' as const })),
    ...layout.gateways.map((g) => ({ id: g.id, kind: 'gateway' as const, meters: g.meters })),
  ];
  const secrets = await ensureSimCredentials(p.store, join(config.dataDir, 'mqtt-sim-secrets.json'), wanted, now());
  const sim = new MqttSimFleet({
    fleet: source.fleet, url, registersStart: source.start, now, queueDir: join(config.dataDir, 'mqtt-sim'),
    // A block takes the meter a moment to store, so a campaign's progress can be watched in the console.
    firmware: { versions: state.firmware ?? {}, blockDelayMs: 40, onVersion: (id, v) => { state.firmware = { ...state.firmware, [id]: v }; save(); } },
    endpoints: [
      ...layout.devices.map((id) => ({ id, secret: secrets.get(id)!, meters: [id] })),
      ...layout.gateways.map((g) => ({ id: g.id, secret: secrets.get(g.id)!, meters: g.meters })),
    ],
  });
  sim.start();
  const behind = layout.gateways.reduce((n, g) => n + g.meters.length, 0);
  const waiting = sim.queued();
  log(`mqtt: ${layout.devices.length} simulated meter(s), and ${layout.gateways.length} gateway(s) for ${behind} more, publish to ${url}${waiting > 0 ? `; ${waiting} message(s) waited in their queues since the last run` : ''}`);

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  function save(): void {
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  }
  const tick = (): void => {
    if (stopped) return;
    const target = Math.floor(now() / INTERVAL_S) * INTERVAL_S;
    if (target > state.cursor) {
      sim.produce(state.cursor, target);
      state.cursor = target;
      save();
    }
    timer = setTimeout(tick, 1000);
  };
  tick();
  return {
    fleet: sim,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sim.stop();
    },
  };
}
