import { type MqttTopic, TOPIC_ROOT, isCommandName, parseTopic } from './topics.ts';

/**
 * Who may publish and subscribe where (docs/mqtt.md § Access). Pure decisions, used by the
 * embedded broker's hooks; the mosquitto ACL file (mosquitto.ts) encodes the same rules.
 *
 * - a device publishes readings, events, status and command results under its own id, and
 *   subscribes to its own commands;
 * - a gateway does the same for its own id and for each meter it is provisioned for;
 * - the platform publishes commands and subscribes to anything under meterstack/v1/.
 */

export type PrincipalKind = 'device' | 'gateway' | 'platform';

export interface Principal {
  readonly kind: PrincipalKind;
  readonly id: string;
  /** For a gateway: the meters it speaks for (besides itself). Empty for devices and the platform. */
  readonly meters: readonly string[];
}

export type Decision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const DEVICE_PUBLISHES: ReadonlySet<MqttTopic['kind']> = new Set(['readings', 'events', 'status', 'command-result']);

function speaksFor(p: Principal, deviceId: string): boolean {
  return p.id === deviceId || (p.kind === 'gateway' && p.meters.includes(deviceId));
}

export function canPublish(p: Principal, topic: string): Decision<MqttTopic> {
  let t: MqttTopic;
  try {
    t = parseTopic(topic);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (p.kind === 'platform') {
    return t.kind === 'command' ? { ok: true, value: t } : { ok: false, reason: `the platform publishes commands only, not ${t.kind}` };
  }
  if (!DEVICE_PUBLISHES.has(t.kind)) return { ok: false, reason: `a ${p.kind} may not publish ${t.kind} messages` };
  if (!speaksFor(p, t.deviceId)) return { ok: false, reason: `${p.kind} ${p.id} may not publish for ${t.deviceId}` };
  return { ok: true, value: t };
}

/** A device's subscription: exactly its commands, `…/<id>/commands/+` or `…/<id>/commands/<name>`. */
export function canSubscribe(p: Principal, filter: string): Decision<string> {
  if (typeof filter !== 'string' || filter.length > 200) return { ok: false, reason: 'not a topic filter' };
  if (p.kind === 'platform') {
    return filter === `${TOPIC_ROOT}/#` || filter.startsWith(`${TOPIC_ROOT}/`)
      ? { ok: true, value: filter }
      : { ok: false, reason: `the platform subscribes under ${TOPIC_ROOT}/ only` };
  }
  const parts = filter.split('/');
  const [root, version, id, commands, name] = parts;
  if (parts.length !== 5 || `${root}/${version}` !== TOPIC_ROOT || commands !== 'commands' || (name !== '+' && !isCommandName(name))) {
    return { ok: false, reason: `a ${p.kind} subscribes to ${TOPIC_ROOT}/<id>/commands/+ only, not "${filter.slice(0, 80)}"` };
  }
  if (id === undefined || !speaksFor(p, id)) return { ok: false, reason: `${p.kind} ${p.id} may not receive commands for ${id}` };
  return { ok: true, value: filter };
}
