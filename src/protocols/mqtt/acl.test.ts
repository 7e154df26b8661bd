import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Principal, canPublish, canSubscribe } from './acl.ts';

const device: Principal = { kind: 'device', id: 'METER1', meters: [] };
const gateway: Principal = { kind: 'gateway', id: 'GW1', meters: ['M1', 'M2'] };
const platform: Principal = { kind: 'platform', id: 'meterstack', meters: [] };
const allowed = (p: Principal, t: string) => canPublish(p, t).ok;

test('a device publishes only under its own id, and never commands', () => {
  for (const t of ['readings/json', 'readings/cbor', 'events/json', 'status', 'commands/ping/result']) {
    assert.ok(allowed(device, `meterstack/v1/METER1/${t}`), t);
    assert.ok(!allowed(device, `meterstack/v1/METER2/${t}`), t);
  }
  assert.ok(!allowed(device, 'meterstack/v1/METER1/commands/ping'));
  const denied = canPublish(device, 'meterstack/v1/METER2/readings/json');
  assert.ok(!denied.ok && /device METER1 may not publish for METER2/.test(denied.reason));
  const bad = canPublish(device, 'meterstack/v1/METER1/readings/xml');
  assert.ok(!bad.ok && /unknown encoding/.test(bad.reason));
});

test('a gateway publishes for itself and its listed meters only', () => {
  assert.ok(allowed(gateway, 'meterstack/v1/GW1/status'));
  assert.ok(allowed(gateway, 'meterstack/v1/M1/readings/json'));
  assert.ok(allowed(gateway, 'meterstack/v1/M2/events/cbor'));
  assert.ok(!allowed(gateway, 'meterstack/v1/M3/readings/json'));
  assert.ok(!allowed({ ...gateway, kind: 'device' }, 'meterstack/v1/M1/readings/json'), 'a device with a meter list is still a device');
});

test('the platform publishes commands, nothing else', () => {
  assert.ok(allowed(platform, 'meterstack/v1/METER1/commands/read-now'));
  assert.ok(!allowed(platform, 'meterstack/v1/METER1/readings/json'));
});

test('subscriptions: devices and gateways get their own commands only', () => {
  assert.ok(canSubscribe(device, 'meterstack/v1/METER1/commands/+').ok);
  assert.ok(canSubscribe(device, 'meterstack/v1/METER1/commands/ping').ok);
  for (const f of ['meterstack/v1/METER2/commands/+', 'meterstack/v1/+/commands/+', 'meterstack/v1/#', '#', 'meterstack/v1/METER1/#',
    'meterstack/v1/METER1/readings/json', 'meterstack/v1/METER1/commands/+/result']) {
    assert.ok(!canSubscribe(device, f).ok, f);
  }
  assert.ok(canSubscribe(gateway, 'meterstack/v1/M2/commands/+').ok);
  assert.ok(!canSubscribe(gateway, 'meterstack/v1/M3/commands/+').ok);
  assert.ok(canSubscribe(platform, 'meterstack/v1/+/readings/+').ok);
  assert.ok(!canSubscribe(platform, '#').ok);
});

test('property: a device is never allowed anything naming another device', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/);
  const rest = fc.constantFrom('readings/json', 'events/cbor', 'status', 'commands/ping', 'commands/ping/result', 'commands/+', '#');
  fc.assert(fc.property(id, id, rest, (me, other, r) => {
    fc.pre(me !== other);
    const p: Principal = { kind: 'device', id: me, meters: [] };
    assert.ok(!canPublish(p, `meterstack/v1/${other}/${r}`).ok);
    assert.ok(!canSubscribe(p, `meterstack/v1/${other}/${r}`).ok);
  }), { numRuns: 500 });
});
