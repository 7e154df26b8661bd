import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzDecoder } from '../_harness/index.ts';
import { decodeEnvelope, encodeEnvelope } from './envelope.ts';

test('an envelope is the documented layout', () => {
  const bytes = encodeEnvelope([{ topic: 'a/b', payload: Uint8Array.of(1, 2) }, { topic: '', payload: new Uint8Array(0) }]);
  assert.deepEqual([...bytes], [0, 3, 0x61, 0x2f, 0x62, 0, 0, 0, 2, 1, 2, 0, 0, 0, 0, 0, 0]);
});

test('property: entries survive encode → decode', () => {
  const entry = fc.record({ topic: fc.string({ maxLength: 40 }), payload: fc.uint8Array({ maxLength: 64 }) });
  fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
    assert.deepEqual(decodeEnvelope(encodeEnvelope(entries)), entries.map((e) => ({ ...e })));
  }), { numRuns: 300 });
});

fuzzDecoder('mqtt receipt envelope', {
  decode: decodeEnvelope, prefix: 'MQTT_',
  seeds: [encodeEnvelope([{ topic: 'meterstack/v1/M1/readings/json', payload: new TextEncoder().encode('{"a":1}') }])],
});
