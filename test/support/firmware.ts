import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMqttCredential } from '../../src/app/mqtt-credentials.ts';
import { MqttAuditLog } from '../../src/headend/mqtt-audit.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/headend/mqtt-broker.ts';
import { MqttCommands } from '../../src/headend/mqtt-commands.ts';
import { MqttFirmwarePath } from '../../src/headend/mqtt-firmware-path.ts';
import { MqttIngest } from '../../src/headend/mqtt-ingest.ts';
import { createPipeline } from '../../src/ingest/index.ts';
import type { FirmwarePath, Meter } from '../../src/model/index.ts';
import { FirmwareService } from '../../src/services/firmware/index.ts';
import { createFleet, type Fleet } from '../../src/sim/index.ts';
import { MqttSimFleet } from '../../src/sim/mqtt/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.port.ts';

export const now = (): number => Math.floor(Date.now() / 1000);

/** A vendor key pair as a vendor's release tooling holds it; the platform sees only the public key. */
export function vendorKey(kind: 'ed25519' | 'ec' = 'ed25519'): { publicPem: string; privateKey: KeyObject; sign(bytes: Uint8Array): string } {
  const { publicKey, privateKey } = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    sign: (bytes) => sign(kind === 'ed25519' ? null : 'sha256', bytes, privateKey).toString('base64'),
  };
}

/** Deterministic image bytes. */
export function imageBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

export interface RigOptions {
  readonly meters?: number;
  /** How many of the fleet's last meters answer over MQTT (default all). */
  readonly mqttMeters?: number;
  readonly blockDelayMs?: number;
  readonly fails?: (meterId: string) => boolean;
  readonly blockSize?: number;
}

/**
 * Real SQLite, the embedded MQTT broker on a free port, simulated MQTT meters answering firmware
 * commands, and the FirmwareService with its runner on the MQTT path.
 */
export interface Rig {
  readonly dir: string;
  store: Store;
  firmware: FirmwareService;
  readonly fleet: Fleet;
  readonly mqttIds: ReadonlySet<string>;
  readonly sim: MqttSimFleet;
  readonly path: FirmwarePath;
  /** Meters of the vendor/model with the most MQTT meters. */
  readonly vendor: string;
  readonly model: string;
  readonly versions: Record<string, string>;
  /** Stops the runner, closes the store, opens it again with a new service and runner (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function firmwareRig(opts: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-fw-'));
  const file = join(dir, 'meterstack.db');
  let store: Store = openSqliteStore({ path: file, clock: now });
  await store.migrate();
  const opened = [store];
  const fleet = createFleet({ seed: 'firmware', meters: opts.meters ?? 20 });
  await store.upsertTopology(fleet.topology);
  await store.upsertMeters(fleet.meters);
  const ids = fleet.meters.slice(-(opts.mqttMeters ?? fleet.meters.length)).map((m) => m.id);
  const mqttIds = new Set(ids);
  const audit = new MqttAuditLog(store, now);
  let broker: EmbeddedBroker | undefined;
  const commands = new MqttCommands({ publish: (t, b) => broker!.publish(t, b) }, audit, 10_000);
  const pipeline = createPipeline({ store, now });
  const ingest = new MqttIngest({ ingestor: pipeline, audit, now, onCommandResult: (d, n, b) => commands.onResult(d, n, b) });
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials: store, audit, onMessage: ingest.handle.bind(ingest) });
  const endpoints = [];
  for (const id of ids) endpoints.push({ id, secret: await addMqttCredential(store, { id, kind: 'device' }, now()), meters: [id] });
  const versions: Record<string, string> = {};
  const sim = new MqttSimFleet({
    fleet, url: `mqtt://127.0.0.1:${broker.port}`, endpoints, registersStart: now() - 3600, now,
    firmware: { blockDelayMs: opts.blockDelayMs ?? 0, fails: opts.fails ?? (() => false), onVersion: (id, v) => { versions[id] = v; } },
  });
  sim.start();
  const path = new MqttFirmwarePath(commands, { reaches: (m: Meter) => mqttIds.has(m.id), blockSize: opts.blockSize ?? 256, timeoutMs: 5000 });
  // Wait until every simulated meter is connected and subscribed.
  for (let i = 0; i < 200 && sim.endpoints.some((e) => !e.stats().connected); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 100));
  const count = new Map<string, number>();
  for (const m of fleet.meters) if (mqttIds.has(m.id)) count.set(`${m.vendor}|${m.model}`, (count.get(`${m.vendor}|${m.model}`) ?? 0) + 1);
  const [vendor, model] = [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0].split('|') as [string, string];
  const rig: Rig = {
    dir, store, fleet, mqttIds, sim, path, vendor, model, versions,
    firmware: new FirmwareService(store, now),
    async restart() {
      await rig.firmware.stopRunner();
      // A second connection to the same file, as a new process would open (the MQTT side keeps the first).
      store = openSqliteStore({ path: file, clock: now });
      opened.push(store);
      await store.migrate();
      rig.store = store;
      rig.firmware = new FirmwareService(store, now);
    },
    async close() {
      await rig.firmware.stopRunner();
      await sim.stop();
      commands.close();
      await broker!.close();
      await pipeline.close();
      await audit.flush().catch(() => undefined);
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}
