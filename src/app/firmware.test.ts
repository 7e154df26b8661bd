import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MqttReach, nextVersion } from './firmware.ts';

test('the demo image is the next version after the newest one the vendor\'s meters run', () => {
  assert.equal(nextVersion(['V1.06', 'V1.11', 'V1.08']), 'V1.12');
  assert.equal(nextVersion(['3.9.1', '3.12.0', '3.11.2']), '3.12.1');
  assert.equal(nextVersion(['5.01', '6.00']), '6.01');
  assert.equal(nextVersion(['OMNI']), 'OMNI.1');
  assert.equal(nextVersion([]), '1.1');
});

test('the MQTT path reaches devices and gateways\' meters with a live credential', async () => {
  const reach = new MqttReach({
    listMqttCredentials: async () => [
      { id: 'M1', kind: 'device', hash: 'h', meters: [], createdAt: 0 },
      { id: 'GW1', kind: 'gateway', hash: 'h', meters: ['M2', 'M3'], createdAt: 0 },
      { id: 'M4', kind: 'device', hash: 'h', meters: [], createdAt: 0, revokedAt: 5 },
      { id: 'platform', kind: 'platform', hash: 'h', meters: [], createdAt: 0 },
    ],
  });
  assert.equal(reach.has('M1'), false);
  await reach.refresh();
  assert.deepEqual(['M1', 'M2', 'M3', 'M4', 'platform', 'GW1'].map((id) => reach.has(id)), [true, true, true, false, false, false]);
});
