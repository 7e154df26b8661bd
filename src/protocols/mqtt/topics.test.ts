import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError } from '../../model/index.ts';
import { type MqttTopic, commandFilter, formatTopic, parseTopic } from './topics.ts';

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/);
const topicArb: fc.Arbitrary<MqttTopic> = fc.oneof(
  fc.record({ kind: fc.constantFrom('readings' as const, 'events' as const), deviceId: id, encoding: fc.constantFrom('json' as const, 'cbor' as const) }),
  fc.record({ kind: fc.constant('status' as const), deviceId: id }),
  fc.record({ kind: fc.constantFrom('command' as const, 'command-result' as const), deviceId: id, name }),
);

test('the documented topics parse to what they say', () => {
  assert.deepEqual(parseTopic('meterstack/v1/METER1/readings/json'), { kind: 'readings', deviceId: 'METER1', encoding: 'json' });
  assert.deepEqual(parseTopic('meterstack/v1/METER1/events/cbor'), { kind: 'events', deviceId: 'METER1', encoding: 'cbor' });
  assert.deepEqual(parseTopic('meterstack/v1/GW-7/status'), { kind: 'status', deviceId: 'GW-7' });
  assert.deepEqual(parseTopic('meterstack/v1/SIM000001/commands/read-now'), { kind: 'command', deviceId: 'SIM000001', name: 'read-now' });
  assert.deepEqual(parseTopic('meterstack/v1/SIM000001/commands/ping/result'), { kind: 'command-result', deviceId: 'SIM000001', name: 'ping' });
  assert.equal(commandFilter('M1'), 'meterstack/v1/M1/commands/+');
});

test('topics outside the scheme are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['meterstack/v2/M1/readings/json', /scheme version "v2"/],
    ['other/v1/M1/readings/json', /does not start with/],
    ['meterstack/v1/M1/readings', /end in \/json or \/cbor/],
    ['meterstack/v1/M1/readings/xml', /unknown encoding "xml"/],
    ['meterstack/v1/M1/readings/json/extra', /end in/],
    ['meterstack/v1/+/readings/json', /not a device id/],
    ['meterstack/v1/#', /not a device id/],
    ['meterstack/v1//status', /not a device id/],
    ['meterstack/v1/a:b/status', /not a device id/],
    ['meterstack/v1/M1/status/x', /nothing follows/],
    ['meterstack/v1/M1/commands/Ping', /not a command name/],
    ['meterstack/v1/M1/commands/ping/reply', /commands\/<name>\/result/],
    ['meterstack/v1/M1/telemetry', /unknown message kind "telemetry"/],
    [`meterstack/v1/${'x'.repeat(300)}/status`, /longer than/],
  ];
  for (const [topic, why] of cases) {
    assert.throws(() => parseTopic(topic), (e: unknown) => isMeterstackError(e) && e.code === 'MQTT_TOPIC_INVALID' && why.test(e.message), topic);
  }
});

test('format and parse are inverse on every valid topic', () => {
  fc.assert(fc.property(topicArb, (t) => {
    assert.deepEqual(parseTopic(formatTopic(t)), { ...t });
  }), { numRuns: 500 });
});

test('formatTopic refuses ids that are not one safe topic level', () => {
  for (const deviceId of ['', 'a/b', 'a+b', '#', 'x:y', '-lead', 'a'.repeat(65)]) {
    assert.throws(() => formatTopic({ kind: 'status', deviceId }), (e: unknown) => isMeterstackError(e) && e.code === 'MQTT_ID_INVALID', deviceId);
  }
});

test('fuzz: any string parses or throws MQTT_TOPIC_INVALID, never anything else', () => {
  const level = fc.oneof(fc.constantFrom('meterstack', 'v1', 'readings', 'events', 'status', 'commands', 'result', 'json', 'cbor', '+', '#', ''), fc.string({ maxLength: 12 }));
  const arb = fc.oneof(fc.string({ maxLength: 120 }), fc.array(level, { maxLength: 8 }).map((ls) => ls.join('/')));
  fc.assert(fc.property(arb, (s) => {
    try {
      const t = parseTopic(s);
      assert.equal(formatTopic(t), s);
    } catch (e) {
      assert.ok(isMeterstackError(e) && e.code === 'MQTT_TOPIC_INVALID', String(e));
    }
  }), { numRuns: 3000 });
});
