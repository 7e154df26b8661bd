import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttCredentialRecord } from '../store/store.port.ts';
import { mqttIhdDelivery } from './dr-delivery.ts';
import type { MqttRuntime } from './mqtt.ts';

test('in-home displays: meters with a live credential of their own or behind a live gateway; ihd-message with a timeout', async () => {
  const cred = (id: string, kind: MqttCredentialRecord['kind'], meters: string[] = [], revokedAt?: number): MqttCredentialRecord =>
    ({ id, kind, hash: 'h', meters, createdAt: 1, ...(revokedAt !== undefined ? { revokedAt } : {}) });
  const calls: unknown[][] = [];
  const mqtt = { commands: { send: async (...args: unknown[]) => { calls.push(args); return { shown: true }; } } } as unknown as MqttRuntime;
  const d = mqttIhdDelivery({
    listMqttCredentials: async () => [cred('M1', 'device'), cred('M2', 'device', [], 5), cred('GW', 'gateway', ['M3', 'M4']), cred('OLDGW', 'gateway', ['M5'], 9), cred('platform', 'platform')],
  }, mqtt);
  assert.deepEqual([...await d.reachable()].sort(), ['M1', 'M3', 'M4']);
  const msg = { eventId: 'dr-1', start: 'a', end: 'b', level: 2, text: 't' };
  assert.deepEqual(await d.send('M3', msg), { shown: true });
  assert.deepEqual(calls, [['M3', 'ihd-message', msg, { timeoutMs: 10_000, actor: 'dr' }]]);
});
