import type { IhdDelivery } from '../services/index.ts';
import type { Store } from '../store/store.port.ts';
import type { MqttRuntime } from './mqtt.ts';

/** How long an in-home display has to answer `ihd-message`. */
const IHD_TIMEOUT_MS = 10_000;

/**
 * Peak-event notices to in-home displays over the MQTT command channel (docs/mqtt.md § Commands):
 * every meter with a live MQTT credential of its own, or behind a live gateway's, gets
 * `ihd-message` {eventId, start, end, level, text}.
 */
export function mqttIhdDelivery(store: Pick<Store, 'listMqttCredentials'>, mqtt: MqttRuntime): IhdDelivery {
  return {
    async reachable() {
      const out = new Set<string>();
      for (const c of await store.listMqttCredentials()) {
        if (c.revokedAt !== undefined) continue;
        if (c.kind === 'device') out.add(c.id);
        if (c.kind === 'gateway') for (const m of c.meters) out.add(m);
      }
      return out;
    },
    send: (meterId, msg) => mqtt.commands.send(meterId, 'ihd-message', { ...msg }, { timeoutMs: IHD_TIMEOUT_MS, actor: 'dr' }),
  };
}
