import { MeterstackError } from '../../model/index.ts';

/**
 * The meterstack MQTT topic scheme (docs/mqtt.md), version 1. Pure: topic text ⇄ a typed value.
 *
 *   meterstack/v1/<device>/readings/json|cbor        device → platform: a vendor payload
 *   meterstack/v1/<device>/events/json|cbor          device → platform: a vendor payload of events
 *   meterstack/v1/<device>/status                    device → platform, retained: online | offline
 *   meterstack/v1/<device>/commands/<name>           platform → device
 *   meterstack/v1/<device>/commands/<name>/result    device → platform
 *
 * aedes speaks MQTT 3.1.1 only (no v5 content-type property), so the encoding is the last topic
 * level. `<device>` doubles as the MQTT username, so it must be one safe topic level and usable
 * in a mosquitto password file (no ':').
 */

export const TOPIC_ROOT = 'meterstack/v1';

export type TopicEncoding = 'json' | 'cbor';

export type MqttTopic =
  | { readonly kind: 'readings'; readonly deviceId: string; readonly encoding: TopicEncoding }
  | { readonly kind: 'events'; readonly deviceId: string; readonly encoding: TopicEncoding }
  | { readonly kind: 'status'; readonly deviceId: string }
  | { readonly kind: 'command'; readonly deviceId: string; readonly name: string }
  | { readonly kind: 'command-result'; readonly deviceId: string; readonly name: string };

export type TopicKind = MqttTopic['kind'];

/** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Lower-case, e.g. 'ping', 'read-now'. */
const COMMAND = /^[a-z][a-z0-9-]{0,31}$/;
/** Longer topics are refused before they are split (a broker allows 64 KiB). */
const MAX_TOPIC = 200;

export function isDeviceId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

export function isCommandName(name: unknown): name is string {
  return typeof name === 'string' && COMMAND.test(name);
}

export function assertDeviceId(id: unknown): string {
  if (!isDeviceId(id)) {
    throw new MeterstackError('MQTT_ID_INVALID', `"${String(id).slice(0, 80)}" is not a device id: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return id;
}

export function assertCommandName(name: unknown): string {
  if (!isCommandName(name)) {
    throw new MeterstackError('MQTT_ID_INVALID', `"${String(name).slice(0, 80)}" is not a command name: 1–32 lower-case letters, digits or '-', starting with a letter`);
  }
  return name;
}

function invalid(topic: string, why: string): MeterstackError {
  const shown = topic.length > 80 ? `${topic.slice(0, 80)}…` : topic;
  return new MeterstackError('MQTT_TOPIC_INVALID', `topic "${shown}": ${why}`);
}

/** Topic text → typed topic; anything outside the scheme throws MQTT_TOPIC_INVALID naming why. */
export function parseTopic(topic: string): MqttTopic {
  if (typeof topic !== 'string') throw new MeterstackError('MQTT_TOPIC_INVALID', 'a topic is a string');
  if (topic.length > MAX_TOPIC) throw invalid(topic, `longer than ${MAX_TOPIC} characters`);
  const parts = topic.split('/');
  if (parts[0] !== 'meterstack') throw invalid(topic, `does not start with ${TOPIC_ROOT}/`);
  if (parts[1] !== 'v1') throw invalid(topic, `unknown scheme version "${parts[1] ?? ''}" (this platform speaks v1)`);
  const deviceId = parts[2];
  if (!isDeviceId(deviceId)) throw invalid(topic, `"${deviceId ?? ''}" is not a device id`);
  const rest = parts.slice(3);
  switch (rest[0]) {
    case 'readings':
    case 'events': {
      if (rest.length !== 2) throw invalid(topic, `${rest[0]} topics end in /json or /cbor`);
      const encoding = rest[1];
      if (encoding !== 'json' && encoding !== 'cbor') throw invalid(topic, `unknown encoding "${encoding}" (json or cbor)`);
      return { kind: rest[0], deviceId, encoding };
    }
    case 'status':
      if (rest.length !== 1) throw invalid(topic, 'nothing follows /status');
      return { kind: 'status', deviceId };
    case 'commands': {
      const name = rest[1];
      if (!isCommandName(name)) throw invalid(topic, `"${name ?? ''}" is not a command name`);
      if (rest.length === 2) return { kind: 'command', deviceId, name };
      if (rest.length === 3 && rest[2] === 'result') return { kind: 'command-result', deviceId, name };
      throw invalid(topic, 'a command topic is .../commands/<name> or .../commands/<name>/result');
    }
    default:
      throw invalid(topic, `unknown message kind "${rest[0] ?? ''}" (readings, events, status, commands)`);
  }
}

/** Typed topic → text; validates the ids so that formatTopic(parseTopic(t)) === t and back. */
export function formatTopic(t: MqttTopic): string {
  const base = `${TOPIC_ROOT}/${assertDeviceId(t.deviceId)}`;
  switch (t.kind) {
    case 'readings':
    case 'events':
      if (t.encoding !== 'json' && t.encoding !== 'cbor') throw new MeterstackError('MQTT_TOPIC_INVALID', `unknown encoding "${String(t.encoding)}"`);
      return `${base}/${t.kind}/${t.encoding}`;
    case 'status':
      return `${base}/status`;
    case 'command':
      return `${base}/commands/${assertCommandName(t.name)}`;
    case 'command-result':
      return `${base}/commands/${assertCommandName(t.name)}/result`;
  }
}

/** What the platform's ingest consumer subscribes to (on an external broker). */
export const PLATFORM_SUBSCRIPTIONS: readonly string[] = [
  `${TOPIC_ROOT}/+/readings/+`,
  `${TOPIC_ROOT}/+/events/+`,
  `${TOPIC_ROOT}/+/status`,
  `${TOPIC_ROOT}/+/commands/+/result`,
];

/** The filter a device (or a gateway, once per meter) subscribes to for its commands. */
export function commandFilter(deviceId: string): string {
  return `${TOPIC_ROOT}/${assertDeviceId(deviceId)}/commands/+`;
}
