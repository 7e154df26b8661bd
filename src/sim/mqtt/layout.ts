import { createFleet, type Fleet } from '../fleet.ts';

/**
 * Which simulated meters speak MQTT and how: their own fleet (own seed, ids MQ000001 …, no place in
 * the DLMS fleet's grid topology), split into devices (one connection each) and gateways (one
 * connection for up to `perGateway` meters).
 */

export function mqttMeterId(index: number): string {
  return `MQ${String(index + 1).padStart(6, '0')}`;
}

export function mqttGatewayId(index: number): string {
  return `MQGW${String(index + 1).padStart(4, '0')}`;
}

/** A fleet of `meters` simulated sites whose ids are MQTT meter ids. */
export function createMqttFleet(opts: { readonly seed: number; readonly meters: number; readonly zone?: string }): Fleet {
  const base = createFleet({ seed: `mqtt-${opts.seed}`, meters: opts.meters, ...(opts.zone ? { zone: opts.zone } : {}) });
  const rename = new Map(base.meters.map((m, i) => [m.id, mqttMeterId(i)]));
  const id = (old: string): string => rename.get(old) ?? old;
  return {
    ...base,
    // Not part of the DLMS fleet's feeders and transformers: no grid position.
    meters: base.meters.map(({ grid: _grid, ...m }) => ({ ...m, id: id(m.id), protocol: 'mqtt', tags: [...(m.tags ?? []), 'mqtt'] })),
    channels: base.channels.map((c) => ({ ...c, meterId: id(c.meterId) })),
    profiles: base.profiles.map((p) => ({ ...p, meterId: id(p.meterId) })),
  };
}

export interface MqttLayout {
  readonly devices: readonly string[];
  readonly gateways: readonly { readonly id: string; readonly meters: readonly string[] }[];
}

/** The first meters connect on their own; the last `gatewayShare` of them sit behind gateways. */
export function mqttLayout(meterIds: readonly string[], gatewayShare = 0.4, perGateway = 4): MqttLayout {
  const behind = Math.floor(meterIds.length * gatewayShare);
  const devices = meterIds.slice(0, meterIds.length - behind);
  const rest = meterIds.slice(devices.length);
  const gateways = [];
  for (let i = 0; i < rest.length; i += perGateway) gateways.push({ id: mqttGatewayId(gateways.length), meters: rest.slice(i, i + perGateway) });
  return { devices, gateways };
}
