import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EpochSeconds, MeterstackError } from '../model/index.ts';
import {
  assertDeviceId, hashSecret, mosquittoAclFile, mosquittoConf, mosquittoPasswordFile, newSecret, verifySecret,
} from '../protocols/mqtt/index.ts';
import type { MqttCredentialRecord, Store } from '../store/store.port.ts';

/**
 * Provisioning MQTT credentials (docs/mqtt.md § Credentials): a fresh secret per device, gateway
 * or platform consumer, shown once; the store keeps only its hash. Used by `meterstack mqtt …`
 * and by `meterstack start` for its simulated devices.
 */

export type CredentialKind = MqttCredentialRecord['kind'];

export interface NewCredential {
  readonly id: string;
  readonly kind: CredentialKind;
  /** A gateway's meters. */
  readonly meters?: readonly string[];
}

type CredentialStore = Pick<Store, 'getMqttCredential' | 'putMqttCredential' | 'appendAudit'>;

/** Creates (or with `rotate`, replaces) a credential; resolves with the secret, which is not kept. */
export async function addMqttCredential(store: CredentialStore, c: NewCredential, now: EpochSeconds, opts: { rotate?: boolean; actor?: string } = {}): Promise<string> {
  assertDeviceId(c.id);
  const meters = [...new Set(c.meters ?? [])].map(assertDeviceId);
  if (c.kind !== 'gateway' && meters.length > 0) throw new MeterstackError('CONFIG_INVALID', `only a gateway has meters; ${c.id} is a ${c.kind}`);
  const existing = await store.getMqttCredential(c.id);
  if (existing !== undefined && existing.revokedAt === undefined && !opts.rotate) {
    throw new MeterstackError('MQTT_DEVICE_EXISTS', `${c.id} has an MQTT credential already; rotate its secret with --rotate, or revoke it first`);
  }
  const secret = newSecret();
  await store.putMqttCredential({ id: c.id, kind: c.kind, hash: hashSecret(secret), meters, createdAt: now });
  await store.appendAudit([{ at: now, actor: opts.actor ?? 'cli', action: existing ? 'mqtt.credential.rotated' : 'mqtt.credential.created', object: `mqtt/${c.id}`, details: { kind: c.kind, meters: meters.length } }]);
  return secret;
}

export async function revokeMqttCredential(store: CredentialStore, id: string, now: EpochSeconds, actor = 'cli'): Promise<void> {
  const existing = await store.getMqttCredential(assertDeviceId(id));
  if (existing === undefined) throw new MeterstackError('MQTT_DEVICE_UNKNOWN', `${id} has no MQTT credential`);
  if (existing.revokedAt !== undefined) return;
  await store.putMqttCredential({ ...existing, revokedAt: now });
  await store.appendAudit([{ at: now, actor, action: 'mqtt.credential.revoked', object: `mqtt/${id}` }]);
}

export interface MosquittoConfigOptions {
  readonly dir: string;
  readonly port: number;
  readonly host: string;
  readonly persistence: boolean;
  readonly user?: string;
}

/** Writes passwd (mode 600), acl and mosquitto.conf for the active credentials; returns the file paths. */
export async function writeMosquittoConfig(store: Pick<Store, 'listMqttCredentials'>, o: MosquittoConfigOptions): Promise<{ conf: string; passwd: string; acl: string; credentials: number }> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const creds = (await store.listMqttCredentials()).filter((c) => c.revokedAt === undefined);
  const files = { conf: join(dir, 'mosquitto.conf'), passwd: join(dir, 'passwd'), acl: join(dir, 'acl') };
  writeAtomic(files.passwd, mosquittoPasswordFile(creds), 0o600);
  writeAtomic(files.acl, mosquittoAclFile(creds), 0o644);
  writeAtomic(files.conf, mosquittoConf({ port: o.port, host: o.host, dir, persistence: o.persistence, ...(o.user ? { user: o.user } : {}) }), 0o644);
  return { ...files, credentials: creds.length };
}

function writeAtomic(path: string, text: string, mode: number): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  chmodSync(`${path}.tmp`, mode);
  renameSync(`${path}.tmp`, path);
}

/**
 * The simulated devices' own secrets, as real devices keep theirs in flash: a file in the data
 * directory (mode 600). A device whose secret is missing or no longer matches the store (a new
 * database, a revoked credential) is provisioned afresh.
 */
export async function ensureSimCredentials(store: CredentialStore, file: string, wanted: readonly NewCredential[], now: EpochSeconds): Promise<Map<string, string>> {
  const secrets = new Map<string, string>(existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : []);
  let changed = false;
  for (const c of wanted) {
    const stored = await store.getMqttCredential(c.id);
    const secret = secrets.get(c.id);
    const sameMeters = stored !== undefined && JSON.stringify(stored.meters) === JSON.stringify(c.meters ?? []);
    if (stored !== undefined && stored.revokedAt === undefined && secret !== undefined && sameMeters && (await verifySecret(secret, stored.hash))) continue;
    secrets.set(c.id, await addMqttCredential(store, c, now, { rotate: true, actor: 'simulator' }));
    changed = true;
  }
  if (changed) writeAtomic(file, `${JSON.stringify(Object.fromEntries(secrets), null, 2)}\n`, 0o600);
  return secrets;
}
