import { generateKeyPairSync, sign } from 'node:crypto';
import type { FirmwarePath, Meter } from '../model/index.ts';
import { MqttFirmwarePath } from '../headend/mqtt-firmware-path.ts';
import type { Store } from '../store/store.port.ts';
import { buildSimImage } from '../sim/firmware-image.ts';
import type { Platform } from './platform.ts';
import type { MqttRuntime } from './mqtt.ts';

/**
 * Firmware in `meterstack start` (docs/firmware.md): the MQTT path (meters the broker has a
 * credential for, directly or behind a gateway) and the demo seed of a fresh start.
 */

/** Which meters take MQTT commands: device credentials and gateways' meters, refreshed now and then. */
export class MqttReach {
  private ids = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: Pick<Store, 'listMqttCredentials'>) {}

  async refresh(): Promise<void> {
    const ids = new Set<string>();
    for (const c of await this.store.listMqttCredentials()) {
      if (c.revokedAt !== undefined) continue;
      if (c.kind === 'device') ids.add(c.id);
      for (const m of c.meters ?? []) ids.add(m);
    }
    this.ids = ids;
  }

  start(everyMs = 30_000): this {
    const tick = (): void => { void this.refresh().catch(() => undefined).finally(() => { this.timer = setTimeout(tick, everyMs); this.timer.unref(); }); };
    tick();
    return this;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  has(meterId: string): boolean {
    return this.ids.has(meterId);
  }
}

export function mqttFirmwarePath(mqtt: MqttRuntime, reach: MqttReach): FirmwarePath {
  return new MqttFirmwarePath(mqtt.commands, { reaches: (m: Meter) => reach.has(m.id) });
}

/** The next version after the newest one seen: the last number goes up by one (V1.11 → V1.12, 3.12.0 → 3.12.1). */
export function nextVersion(versions: readonly string[]): string {
  const newest = [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? '1.0';
  const m = /^(.*?)(\d+)(\D*)$/.exec(newest);
  if (!m) return `${newest}.1`;
  return `${m[1]}${String(Number(m[2]) + 1).padStart(m[2]!.length, '0')}${m[3]}`;
}

/**
 * A fresh platform's demo firmware: a signing key for the vendor most common among the meters the
 * MQTT path reaches, and one image for that vendor's model, signed with it. The private key exists
 * only in this function's memory and is gone once the image is signed; a real vendor keeps theirs.
 */
export async function seedFirmwareDemo(p: Platform, reaches: (m: Meter) => boolean, log: (msg: string) => void): Promise<void> {
  const fw = p.services.firmware;
  if ((await fw.listKeys()).length > 0) return;
  const meters: Meter[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Store['listMeters']>> = await p.store.listMeters({}, { limit: 5000, cursor });
    meters.push(...page.items);
    cursor = page.next;
  } while (cursor);
  const pool = meters.filter(reaches).length > 0 ? meters.filter(reaches) : meters;
  const count = new Map<string, number>();
  for (const m of pool) if (m.vendor && m.model) count.set(`${m.vendor}\n${m.model}`, (count.get(`${m.vendor}\n${m.model}`) ?? 0) + 1);
  const top = [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (!top) return;
  const [vendor, model] = top[0].split('\n') as [string, string];
  const version = nextVersion(meters.filter((m) => m.vendor === vendor && m.firmware).map((m) => m.firmware!));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  await fw.addKey({ vendor, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), label: 'demo release key (private key discarded)' }, 'demo');
  // In the simulated meters' image format, so the DLMS meters (which check it on image_verify) take it as well as the MQTT ones.
  const bytes = buildSimImage({ vendor, model, version, size: 64 * 1024 });
  const image = await fw.addImage({ vendor, models: [model], version, signature: sign(null, bytes, privateKey).toString('base64') }, bytes, 'demo');
  log(`firmware: demo image ${image.id} (${vendor} ${model} ${version}, signed with a demo key for ${vendor}); create a campaign in the console under Firmware`);
}
