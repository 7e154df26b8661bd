import type { Command } from 'commander';
import { loadConfig } from '../../app/config.ts';
import { addMqttCredential, revokeMqttCredential, writeMosquittoConfig, type CredentialKind } from '../../app/mqtt-credentials.ts';
import { openPlatform, type Platform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

/** `meterstack mqtt …`: device credentials and the configuration of an external mosquitto (docs/mqtt.md). */
export function registerMqtt(program: Command): void {
  const mqtt = program.command('mqtt').description('MQTT device credentials and external broker configuration (docs/mqtt.md)');

  mqtt.command('add-device <id>')
    .description('create an MQTT credential and print its secret once (the store keeps only a hash)')
    .option('--gateway <meters>', 'a gateway allowed to publish for these meters (comma-separated ids)')
    .option('--platform', 'a credential for the platform itself, to connect to an external broker (MQTT_URL)')
    .option('--rotate', 'replace the secret of an existing credential')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((id: string, opts: { gateway?: string; platform?: boolean; rotate?: boolean; data?: string }) => withPlatform(opts.data, async (p) => {
      const kind: CredentialKind = opts.platform ? 'platform' : opts.gateway !== undefined ? 'gateway' : 'device';
      const meters = opts.gateway?.split(',').map((m) => m.trim()).filter(Boolean) ?? [];
      const secret = await addMqttCredential(p.store, { id, kind, meters }, now(), { ...(opts.rotate ? { rotate: true } : {}) });
      process.stdout.write(`${kind} ${id}: username ${id}, secret (shown only this once):\n  ${secret}\n`);
      if (kind === 'platform') process.stdout.write(`connect meterstack to the broker with MQTT_URL=mqtt://${id}:${secret}@HOST:PORT\n`);
      else process.stdout.write(`publish with: mosquitto_pub -V mqttv311 -i ${id} -u ${id} -P <secret> -q 1 -t meterstack/v1/${kind === 'gateway' ? meters[0] ?? id : id}/readings/json -m '<payload>'\n`);
    }));

  mqtt.command('revoke <id>')
    .description('revoke an MQTT credential (the embedded broker refuses it from the next login; regenerate a mosquitto config)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((id: string, opts: { data?: string }) => withPlatform(opts.data, async (p) => {
      await revokeMqttCredential(p.store, id, now());
      process.stdout.write(`revoked ${id}\n`);
    }));

  mqtt.command('mosquitto-config')
    .description('write passwd, acl and mosquitto.conf so that a mosquitto enforces the same credentials and topics')
    .requiredOption('--out <dir>', 'directory for the three files')
    .option('--port <n>', 'listener port in mosquitto.conf', '1883')
    .option('--host <host>', 'listener address in mosquitto.conf', '127.0.0.1')
    .option('--no-persistence', 'persistence false (retained messages and sessions only in memory)')
    .option('--user <name>', 'user mosquitto runs as when started as root (it must be able to read passwd, mode 600); default: mosquitto\'s own "mosquitto"')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action((opts: { out: string; port: string; host: string; persistence: boolean; user?: string; data?: string }) => withPlatform(opts.data, async (p) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be 1..65535, got ${opts.port}`);
      const r = await writeMosquittoConfig(p.store, { dir: opts.out, port, host: opts.host, persistence: opts.persistence, ...(opts.user ? { user: opts.user } : {}) });
      process.stdout.write(`wrote ${r.conf}, ${r.passwd} and ${r.acl} for ${r.credentials} credential(s)\nrun: mosquitto -c ${r.conf}\n`);
    }));
}

const now = (): number => Math.floor(Date.now() / 1000);

async function withPlatform(data: string | undefined, fn: (p: Platform) => Promise<void>): Promise<void> {
  let platform: Platform | undefined;
  try {
    platform = await openPlatform(loadConfig({ ...(data ? { data } : {}), sim: false }));
    await fn(platform);
    await platform.close();
    process.exit(0);
  } catch (e) {
    await platform?.close().catch(() => undefined);
    process.exit(reportError(e));
  }
}
