import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMeterstackError } from '../../model/index.ts';
import { fuzzDecoder } from '../_harness/index.ts';
import { encodeBody } from './body.ts';
import { PAYLOAD_EXAMPLES } from './examples.ts';
import type { PayloadContext, PayloadEncoding } from './payload.ts';
import { mapPayload } from './registry.ts';

const ctx = (encoding: PayloadEncoding): PayloadContext => ({ deviceId: 'SIM000001', encoding, receivedAt: 1795690000 });
const seeds = (encoding: PayloadEncoding) => PAYLOAD_EXAMPLES.map((e) => encodeBody(e.body, encoding));

fuzzDecoder('payloads json', { decode: (b) => mapPayload(b, ctx('json')), prefix: 'PAYLOAD_', seeds: seeds('json'), numRuns: 1500 });
fuzzDecoder('payloads cbor', { decode: (b) => mapPayload(b, ctx('cbor')), prefix: 'PAYLOAD_', seeds: seeds('cbor'), numRuns: 1500 });

/** Only a MeterstackError with a PAYLOAD_ code may come out, whatever the body. */
function onlyPayloadErrors(body: unknown, encoding: PayloadEncoding): void {
  let bytes: Uint8Array;
  try {
    bytes = encodeBody(body, encoding);
  } catch {
    return; // not encodable (e.g. a BigInt in JSON): no device could send it
  }
  try {
    mapPayload(bytes, ctx(encoding));
  } catch (err) {
    assert.ok(isMeterstackError(err) && err.code.startsWith('PAYLOAD_'), `threw ${String(err)} for ${fc.stringify(body).slice(0, 300)}`);
  }
}

// A valid declaration with random fields is where the mappers themselves get exercised.
const headers = fc.constantFrom<Record<string, unknown>>(
  { fmt: 'obis-flat', v: 1 }, { schema: 'channels/1' }, { schema: 'channels/2' }, { 0: 'compact', 1: 1 }, { schema: 'channels/9' },
);
const leaf = fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.string({ maxLength: 12 }), fc.constantFrom('1-0:1.8.0', 'kWh', 'V', 'E', '2026-11-26T10:00:00Z', 900, 1795687200));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('obis', 'unit', 'interval', 'start', 'end', 'values', 'meter', 'channels', '1-0:1.8.0', '2', '3', '4', '5', '6', 'ts'), tie('node'), { maxKeys: 5 })),
})).node;

test('property: random bodies under every declaration only throw PAYLOAD_ errors (json and cbor)', () => {
  fc.assert(fc.property(headers, fc.dictionary(fc.constantFrom('meter', 'ts', 'channels', '1-0:1.8.0', '1-0:32.7.0', '2', '3', '4', '5', '6'), tree, { maxKeys: 6 }), fc.constantFrom<PayloadEncoding>('json', 'cbor'),
    (h, rest, enc) => onlyPayloadErrors({ ...rest, ...h }, enc)), { numRuns: 3000 });
});

test('property: arbitrary values (json and cbor) only throw PAYLOAD_ errors', () => {
  fc.assert(fc.property(fc.anything({ maxDepth: 4, withMap: true, withDate: true, withTypedArray: true, withBigInt: true, withNullPrototype: true }), fc.constantFrom<PayloadEncoding>('json', 'cbor'),
    (v, enc) => onlyPayloadErrors(v, enc)), { numRuns: 2000 });
});

// The same readings as channels v1 and as channels v2 must be the same canonical data.
const CHANNELS = [['1-0:1.8.0', 'kWh', 1000], ['1-0:2.8.0', 'Wh', 1], ['1-0:32.7.0', 'V', 1000], ['1-0:31.7.0', 'mA', 1], ['7-0:3.0.0', 'm3', 1000]] as const;
const channelData = fc.record({
  which: fc.integer({ min: 0, max: CHANNELS.length - 1 }),
  interval: fc.constantFrom(300, 900, 1800, 3600),
  slot: fc.integer({ min: 0, max: 100_000 }),
  values: fc.array(fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null, freq: 5 }), { minLength: 1, maxLength: 48 }),
});

test('property: a v1 and a v2 payload carrying the same data map to the same canonical result', () => {
  fc.assert(fc.property(fc.array(channelData, { minLength: 1, maxLength: 4 }), fc.boolean(), (chans, pairs) => {
    const v1 = { schema: 'channels/1', meter: 'SIM000001', channels: [] as unknown[] };
    const v2 = { schema: 'channels/2', meter: 'SIM000001', channels: [] as unknown[] };
    for (const c of chans) {
      const [code, unit, factor] = CHANNELS[c.which]!;
      const start = 1_700_000_000 - (1_700_000_000 % c.interval) + c.slot * c.interval;
      const shown = c.values.map((v) => (v === null ? null : v / factor));
      v1.channels.push({ obis: code, unit, interval: c.interval, start, values: shown });
      // v2 may spell an actual value as a [value, "A"] pair and a missing one as [null, "N"].
      const v2values = shown.map((v) => (pairs ? [v, v === null ? 'N' : 'A'] : v));
      v2.channels.push({ obis: code, unit, interval: c.interval, end: new Date((start + shown.length * c.interval) * 1000).toISOString().replace('.000Z', 'Z'), values: v2values });
    }
    const a = mapPayload(encodeBody(v1, 'json'), ctx('json'));
    const b = mapPayload(encodeBody(v2, 'cbor'), ctx('cbor'));
    assert.deepEqual(b, a);
    chans.forEach((c, i) => assert.deepEqual([...a.series[i]!.values], c.values.map((v) => v ?? 0)));
  }), { numRuns: 300 });
});
