import { readFileSync } from 'node:fs';
import { type EpochSeconds, MeterstackError, hasCode } from '../model/index.ts';
import { MqttAuditLog } from '../headend/mqtt-audit.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../headend/mqtt-broker.ts';
import { MqttCommands } from '../headend/mqtt-commands.ts';
import { type ExternalBroker, connectExternalBroker } from '../headend/mqtt-external.ts';
import { MqttIngest } from '../headend/mqtt-ingest.ts';
import type { Platform } from './platform.ts';
import { describePortHolder } from './mqtt-port.ts';

/**
 * MQTT in `meterstack start` (docs/mqtt.md): the embedded broker (or, with MQTT_URL, a client of an
 * external one), the ingest bridge and the command service.
 */

export interface MqttRuntime {
  /** Where devices connect: mqtt://host:port of the embedded broker, or the external URL (password hidden). */
  readonly url: string;
  /** Where the simulated devices connect: the broker's address without credentials. */
  readonly deviceUrl: string;
  readonly embedded?: EmbeddedBroker;
  readonly external?: ExternalBroker;
  readonly ingest: MqttIngest;
  readonly commands: MqttCommands;
  readonly audit: MqttAuditLog;
  close(): Promise<void>;
}

/** Tried in order when the default port is taken: documented in README § Configuration. */
export const MQTT_FALLBACK_PORTS: readonly number[] = [11883, 0];

export async function startMqtt(p: Platform, now: () => EpochSeconds, log: (msg: string) => void): Promise<MqttRuntime> {
  const audit = new MqttAuditLog(p.store, now, { onError: (err) => log(`mqtt: audit entries not written: ${(err as Error).message}`) });
  let publisher: { publish(topic: string, payload: Uint8Array): Promise<void> } | undefined;
  const commands = new MqttCommands({ publish: (t, b) => (publisher ? publisher.publish(t, b) : Promise.reject(new Error('no broker'))) }, audit);
  const ingest = new MqttIngest({ ingestor: p.ingest, audit, now, onCommandResult: (d, n, b) => commands.onResult(d, n, b) });
  const onMessage = ingest.handle.bind(ingest);
  const { config } = p;
  if (config.mqttUrl !== undefined) {
    const external = await connectExternalBroker({ url: config.mqttUrl, onMessage, audit, log });
    publisher = external;
    const u = new URL(config.mqttUrl);
    return runtime({ url: external.url, deviceUrl: `${u.protocol}//${u.host}`, external, ingest, commands, audit });
  }
  const embedded = await listenWithFallback(p, audit, onMessage, log);
  publisher = embedded;
  const url = `mqtt://${config.host}:${embedded.port}`;
  log(`mqtt: embedded broker on ${url} (MQTT 3.1.1; devices log in with their id and secret: meterstack mqtt add-device ID)${embedded.tlsPort !== undefined ? `; TLS with client certificates on port ${embedded.tlsPort}` : ''}`);
  return runtime({ url, deviceUrl: url, embedded, ingest, commands, audit });
}

function runtime(r: Omit<MqttRuntime, 'close'>): MqttRuntime {
  return {
    ...r,
    async close() {
      r.commands.close();
      await r.embedded?.close();
      await r.external?.close();
      await r.audit.flush();
    },
  };
}

async function listenWithFallback(p: Platform, audit: MqttAuditLog, onMessage: MqttIngest['handle'], log: (msg: string) => void): Promise<EmbeddedBroker> {
  const { config } = p;
  const t = config.mqttTls;
  const tls = t === undefined ? {} : { tls: { port: t.port, cert: readFileSync(t.cert), key: readFileSync(t.key), ca: readFileSync(t.ca) } };
  const start = (port: number) => startEmbeddedBroker({ host: config.host, port, credentials: p.store, audit, onMessage, ...tls });
  try {
    return await start(config.mqttPort);
  } catch (err) {
    if (!hasCode(err, 'PORT_IN_USE')) throw err;
    const holder = await describePortHolder(config.host, config.mqttPort);
    const how = `choose another port with --mqtt-port N or MQTT_PORT=N, or use that broker with MQTT_URL=mqtt://<platform user>:<secret>@${config.host}:${config.mqttPort} (meterstack mqtt mosquitto-config)`;
    if (config.mqttPortExplicit) {
      throw new MeterstackError('PORT_IN_USE', `MQTT port ${config.mqttPort} on ${config.host} is taken by ${holder}; ${how}`, { cause: err });
    }
    for (const port of MQTT_FALLBACK_PORTS) {
      try {
        const broker = await start(port);
        log(`mqtt: port ${config.mqttPort} on ${config.host} is taken by ${holder}, so the embedded broker listens on ${broker.port} instead; to pick the port, ${how}`);
        return broker;
      } catch (e) {
        if (!hasCode(e, 'PORT_IN_USE')) throw e;
      }
    }
    throw err;
  }
}
