import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzDecoder } from '../_harness/index.ts';
import { isMeterstackError } from '../../model/index.ts';
import { encodeCommand, encodeCommandResult, encodeStatus, parseCommand, parseCommandResult, parseStatus } from './messages.ts';

const enc = (s: string) => new TextEncoder().encode(s);

test('status is online or offline', () => {
  assert.equal(parseStatus(encodeStatus('online')), 'online');
  assert.equal(parseStatus(enc('offline')), 'offline');
  for (const s of ['', 'Online', 'online\n', '{"state":"online"}']) {
    assert.throws(() => parseStatus(enc(s)), (e: unknown) => isMeterstackError(e) && e.code === 'MQTT_BAD_MESSAGE', s);
  }
});

test('commands and results round-trip', () => {
  const c = { id: 'c-1', args: { window: 4 } };
  assert.deepEqual(parseCommand(encodeCommand(c)), c);
  assert.deepEqual(parseCommand(enc('{"id":"x"}')), { id: 'x', args: {} });
  const ok = { id: 'c-1', ok: true as const, result: { pong: 12 } };
  assert.deepEqual(parseCommandResult(encodeCommandResult(ok)), ok);
  const failed = { id: 'c-2', ok: false as const, error: 'unknown command' };
  assert.deepEqual(parseCommandResult(encodeCommandResult(failed)), failed);
});

test('malformed commands and results name the problem', () => {
  const bad: [string, (b: Uint8Array) => unknown, RegExp][] = [
    ['not json', parseCommand, /not JSON/],
    ['[]', parseCommand, /JSON object/],
    ['{"id":"a b"}', parseCommand, /"id"/],
    ['{"id":"a","args":[1]}', parseCommand, /"args"/],
    ['{"id":"a"}', parseCommandResult, /"ok"/],
    ['{"id":"a","ok":false}', parseCommandResult, /"error"/],
  ];
  for (const [s, fn, why] of bad) {
    assert.throws(() => fn(enc(s)), (e: unknown) => isMeterstackError(e) && e.code === 'MQTT_BAD_MESSAGE' && why.test(e.message), s);
  }
});

test('property: any command id and args survive the trip', () => {
  const arb = fc.record({ id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/), args: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })) });
  fc.assert(fc.property(arb, (c) => {
    const back = parseCommand(encodeCommand(c));
    assert.equal(back.id, c.id);
    assert.deepEqual(back.args, JSON.parse(JSON.stringify(c.args)));
  }), { numRuns: 300 });
});

const seeds = [encodeStatus('online'), encodeCommand({ id: 'a', args: { x: 1 } }), encodeCommandResult({ id: 'a', ok: true, result: [1, 2] })];
fuzzDecoder('mqtt status', { decode: parseStatus, prefix: 'MQTT_', seeds });
fuzzDecoder('mqtt command', { decode: parseCommand, prefix: 'MQTT_', seeds });
fuzzDecoder('mqtt command result', { decode: parseCommandResult, prefix: 'MQTT_', seeds });
