import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasCode } from '../../model/index.ts';
import { decodeDatagram, encodeDatagram } from './datagram.fixture.ts';
import { ExchangeCache } from './dedup.ts';
import { type CoapRequest, coapCodeFor, encodingOf, readingsTarget } from './readings-request.ts';
import { signPayload, verifyPayload } from './signature.ts';

const req = (method: string, path: string[]): CoapRequest => ({
  method, path, options: new Map(), payload: new Uint8Array(0), peer: { address: '127.0.0.1', port: 1 }, messageId: 1, confirmable: true,
});

test('readings path: /r/<meter id> and POST only', () => {
  assert.equal(readingsTarget(req('POST', ['r', 'SIM000001'])), 'SIM000001');
  for (const path of [['r'], ['readings', 'SIM000001'], ['r', 'SIM000001', 'x'], ['r', 'bad id'], ['r', '']]) {
    assert.throws(() => readingsTarget(req('POST', path)), (e) => hasCode(e, 'COAP_NOT_FOUND'));
  }
  assert.throws(() => readingsTarget(req('PUT', ['r', 'SIM000001'])), (e) => hasCode(e, 'COAP_METHOD_NOT_ALLOWED'));
});

test('content formats 50 and 60 only, never sniffed', () => {
  assert.equal(encodingOf(50), 'json');
  assert.equal(encodingOf(60), 'cbor');
  for (const cf of [undefined, 0, 42, 'application/senml+json']) {
    assert.throws(() => encodingOf(cf), (e) => hasCode(e, 'COAP_UNSUPPORTED_CONTENT_FORMAT'));
  }
});

test('error codes map to CoAP response codes', () => {
  assert.deepEqual(['COAP_UNAUTHORIZED', 'PAYLOAD_WRONG_DEVICE', 'PAYLOAD_UNKNOWN_VERSION', 'PAYLOAD_MALFORMED', 'COAP_NOT_FOUND', 'COAP_UNSUPPORTED_CONTENT_FORMAT', 'INGEST_BACKPRESSURE', 'INTERNAL'].map(coapCodeFor),
    ['4.01', '4.03', '4.00', '4.00', '4.04', '4.15', '5.03', '5.00']);
});

test('signature: HMAC-SHA-256 over the payload; any changed byte, key or length fails', () => {
  const key = new Uint8Array(16).fill(7);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (payload, at) => {
    const sig = signPayload(key, payload);
    assert.equal(sig.length, 32);
    assert.ok(verifyPayload(key, payload, sig));
    const bad = Uint8Array.from(sig);
    bad[at % 32] ^= 1;
    assert.ok(!verifyPayload(key, payload, bad));
    assert.ok(!verifyPayload(new Uint8Array(16).fill(8), payload, sig));
    assert.ok(!verifyPayload(key, payload, sig.subarray(0, 16)));
    assert.ok(!verifyPayload(key, payload, undefined));
    if (payload.length > 0) {
      const changed = Uint8Array.from(payload);
      changed[at % payload.length] ^= 0x80;
      assert.ok(!verifyPayload(key, changed, sig));
    }
  }), { numRuns: 200 });
});

test('exchange cache: a copy within the lifetime gets the first answer; after it, work runs again', async () => {
  const cache = new ExchangeCache<string>({ lifetimeS: 10, maxEntries: 3 });
  let runs = 0;
  const work = async (): Promise<string> => `answer ${++runs}`;
  const k = ExchangeCache.key({ address: '127.0.0.1', port: 5000 }, 7);
  const a = cache.run(k, 0, work);
  const b = cache.run(k, 9_999, work);
  assert.deepEqual([a.duplicate, b.duplicate, await a.result, await b.result], [false, true, 'answer 1', 'answer 1']);
  // Same message id from another port is another endpoint's message.
  assert.equal(cache.run(ExchangeCache.key({ address: '127.0.0.1', port: 5001 }, 7), 9_999, work).duplicate, false);
  const c = cache.run(k, 10_000, work);
  assert.deepEqual([c.duplicate, await c.result], [false, 'answer 3']);
  // Bounded: the oldest entry goes first.
  for (let m = 100; m < 110; m++) cache.run(ExchangeCache.key({ address: 'x', port: 1 }, m), 10_001, work);
  assert.equal(cache.size, 3);
  // A failed exchange answers its copies with the same failure, and is no unhandled rejection.
  const f = cache.run('f', 20_000, () => Promise.reject(new Error('boom')));
  await assert.rejects(cache.run('f', 20_001, work).result, /boom/);
  await assert.rejects(f.result, /boom/);
});

test('datagram fixture: encode and decode agree (options with extended deltas and lengths)', () => {
  const d = { type: 'CON' as const, code: '0.02', messageId: 0xbeef, token: Uint8Array.of(1, 2, 3), options: [[11, Uint8Array.of(0x72)], [12, Uint8Array.of(50)], [65000, new Uint8Array(32).fill(9)]] as [number, Uint8Array][], payload: Uint8Array.of(1, 2) };
  assert.deepEqual(decodeDatagram(encodeDatagram(d)), d);
});
