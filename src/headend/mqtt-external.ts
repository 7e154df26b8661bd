import mqtt, { type MqttClient } from 'mqtt';
import { MeterstackError } from '../model/index.ts';
import { PLATFORM_SUBSCRIPTIONS, parseTopic } from '../protocols/mqtt/index.ts';
import type { MqttAuditLog } from './mqtt-audit.ts';
import type { MessageHandler } from './mqtt-broker.ts';
import type { CommandPublisher } from './mqtt-commands.ts';

/**
 * The platform as a client of an external broker (MQTT_URL, e.g. Mosquitto). The broker enforces
 * who may publish where (the generated password and ACL files, mosquitto.ts); the platform
 * subscribes to every device's readings, events, status and command results with QoS 1 on a
 * persistent session (clean: false), so messages that arrive while it is away wait in the broker.
 *
 * A message is acknowledged to the broker only after the ingest pipeline committed it (mqtt.js
 * sends the PUBACK when handleMessage calls back). mqtt.js hands over one message at a time, so
 * this path commits message by message; the window in which data can be lost is the broker's:
 * it acknowledged the device before the platform had the message (docs/mqtt.md § External broker).
 *
 * MQTT 3.1.1 does not say who published a message; the topic's device is taken as the actor,
 * which the broker's ACL made sure the publisher may speak for.
 */

export interface ExternalBrokerOptions {
  /** mqtt://user:secret@host:port (or mqtts://); the user is a platform credential. */
  readonly url: string;
  readonly onMessage: MessageHandler;
  readonly audit: MqttAuditLog;
  readonly log: (msg: string) => void;
  /** Wait this long for the first connection (default 5 s); after that it keeps retrying in the background. */
  readonly connectTimeoutMs?: number;
}

export interface ExternalBroker extends CommandPublisher {
  readonly url: string;
  connected(): boolean;
  close(): Promise<void>;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable MQTT_URL)';
  }
}

export async function connectExternalBroker(opts: ExternalBrokerOptions): Promise<ExternalBroker> {
  const shownUrl = redactUrl(opts.url);
  let username: string;
  try {
    username = decodeURIComponent(new URL(opts.url).username);
  } catch (err) {
    throw new MeterstackError('CONFIG_INVALID', `MQTT_URL is not a URL: ${shownUrl}`, { cause: err });
  }
  if (!username) throw new MeterstackError('CONFIG_INVALID', `MQTT_URL needs the platform credential as user:secret@ (meterstack mqtt add-device --platform), got ${shownUrl}`);
  const client = mqtt.connect(opts.url, {
    protocolVersion: 4, clientId: username, clean: false, reconnectPeriod: 2000, connectTimeout: 10_000, keepalive: 30,
  });
  client.handleMessage = (packet, done) => {
    const topicText = packet.topic;
    let topic;
    try {
      topic = parseTopic(topicText);
    } catch (err) {
      opts.audit.record(username, 'mqtt.message.invalid', 'mqtt/-', { topic: topicText.slice(0, 200), reason: (err as Error).message });
      return done();
    }
    const payload = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload;
    opts.onMessage(topicText, topic, payload, { kind: 'device', id: topic.deviceId, meters: [] }, { retained: packet.retain === true }).then(
      () => done(),
      (err: unknown) => {
        opts.log(`mqtt: ${topicText} not stored (${(err as Error).message}); reconnecting so that the broker delivers it again`);
        // No PUBACK: the broker redelivers on the next connection of this persistent session.
        client.stream?.destroy();
        done(err as Error);
      },
    );
  };
  let subscribed = false;
  client.on('connect', (connack) => {
    if (connack.sessionPresent && subscribed) return;
    client.subscribe([...PLATFORM_SUBSCRIPTIONS], { qos: 1 }, (err) => {
      if (err) opts.log(`mqtt: subscribing at ${shownUrl} failed: ${err.message}`);
      else subscribed = true;
    });
  });
  await firstConnection(client, shownUrl, opts);
  return {
    url: shownUrl,
    connected: () => client.connected,
    publish: (topic, payload) => new Promise<void>((resolve, reject) => {
      client.publish(topic, Buffer.from(payload), { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    }),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

/** Waits for the first CONNACK: a refused login is a configuration error, an unreachable broker only a warning. */
function firstConnection(client: MqttClient, shownUrl: string, opts: ExternalBrokerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      opts.log(`mqtt: external broker ${shownUrl} not reachable yet; retrying in the background`);
      client.on('error', (err) => opts.log(`mqtt: ${shownUrl}: ${err.message}`));
      resolve();
    }, opts.connectTimeoutMs ?? 5000);
    const onConnect = (): void => {
      cleanup();
      opts.log(`mqtt: connected to external broker ${shownUrl}; subscribed to meterstack/v1/+/{readings,events,status,commands/+/result}`);
      client.on('error', (err) => opts.log(`mqtt: ${shownUrl}: ${err.message}`));
      resolve();
    };
    const onError = (err: Error & { code?: unknown }): void => {
      // CONNACK return codes 4 and 5: bad user name or password, not authorised.
      if (err.code === 4 || err.code === 5) {
        cleanup();
        client.end(true);
        reject(new MeterstackError('MQTT_AUTH_FAILED', `the external broker ${shownUrl} refused the platform's credential: ${err.message}`, { cause: err }));
      }
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
