import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY, hasCode } from '../../model/index.ts';
import { encodeBody } from './body.ts';
import { EXAMPLE_DEVICE, PAYLOAD_EXAMPLES } from './examples.ts';
import type { PayloadContext, PayloadEncoding } from './payload.ts';
import { PAYLOAD_MAPPERS, listPayloadFormats, mapPayload } from './registry.ts';

const ctx = (encoding: PayloadEncoding, deviceId = EXAMPLE_DEVICE): PayloadContext => ({ deviceId, encoding, receivedAt: 1795690000 });
const map = (body: unknown, encoding: PayloadEncoding = 'json', deviceId?: string) => mapPayload(encodeBody(body, encoding), ctx(encoding, deviceId));
const T0 = 1795687200; // 2026-11-26T10:00:00Z

function rejects(body: unknown, code: string, pattern?: RegExp, encoding: PayloadEncoding = 'json'): void {
  assert.throws(() => map(body, encoding), (err: unknown) => {
    assert.ok(hasCode(err, code as never), `expected ${code}, got ${String(err)}`);
    if (pattern) assert.match((err as Error).message, pattern);
    return true;
  });
}

test('every mapper has an example, and every example maps', () => {
  for (const m of PAYLOAD_MAPPERS) {
    assert.ok(PAYLOAD_EXAMPLES.some((e) => e.format === m.format && e.version === m.version), `no example for ${m.format} v${m.version}`);
  }
  for (const e of PAYLOAD_EXAMPLES) {
    const out = map(e.body, e.encoding);
    assert.ok(out.series.length + out.registers.length + out.events.length > 0, `${e.format} v${e.version} mapped to nothing`);
  }
});

test('obis-flat v1: display units become stored-unit registers at ts; extras ignored', () => {
  const out = map(PAYLOAD_EXAMPLES[0]!.body);
  assert.deepEqual(out.registers.map((r) => [r.channel, r.value, r.at, r.meterId]), [
    ['1-0:1.8.0.255', 12345678, T0 + 900, 'SIM000001'],
    ['1-0:2.8.0.255', 500, T0 + 900, 'SIM000001'],
    ['1-0:32.7.0.255', 229800, T0 + 900, 'SIM000001'],
    ['1-0:31.7.0.255', 1250, T0 + 900, 'SIM000001'],
  ]);
  assert.equal(out.series.length, 0);
  // Without ts and meter: the transport's time and device.
  const bare = map({ fmt: 'obis-flat', v: 1, '1-0:1.8.0': 1 });
  assert.deepEqual(bare.registers.map((r) => [r.at, r.meterId, r.value]), [[1795690000, 'SIM000001', 1000]]);
});

test('obis-flat v1 refuses unknown OBIS codes, non-numbers and two spellings of one code', () => {
  rejects({ fmt: 'obis-flat', v: 1, '1-0:99.99.0': 1 }, 'PAYLOAD_BAD_VALUE', /known unit/);
  rejects({ fmt: 'obis-flat', v: 1, '1-0:1.8.0': '12.3' }, 'PAYLOAD_BAD_VALUE', /1-0:1.8.0: expected a finite number/);
  rejects({ fmt: 'obis-flat', v: 1, '1-0:1.8.0': 1, '1-0:1.8.0.255': 1 }, 'PAYLOAD_BAD_VALUE', /twice/);
  rejects({ fmt: 'obis-flat', v: 1, '1-0:1.8.999': 1 }, 'PAYLOAD_BAD_VALUE', /OBIS/);
  rejects({ fmt: 'obis-flat', v: 1, rssi: 3 }, 'PAYLOAD_BAD_VALUE', /no OBIS keys/);
  rejects({ fmt: 'obis-flat', v: 1, ts: '2026-11-26T10:15:00', '1-0:1.8.0': 1 }, 'PAYLOAD_BAD_VALUE', /offset/);
  rejects({ fmt: 'obis-flat', v: 1, ts: '2026-02-30T10:15:00Z', '1-0:1.8.0': 1 }, 'PAYLOAD_BAD_VALUE', /not a valid time/);
});

test('channels v1: kWh and V become Wh and mV series on the grid; null is missing', () => {
  const out = map(PAYLOAD_EXAMPLES[1]!.body);
  assert.equal(out.series.length, 2);
  const [e, v] = out.series;
  assert.deepEqual([e!.channel, e!.start, e!.intervalS, [...e!.values], [...e!.quality]], ['1-0:1.8.0.255', T0, 900, [125, 118, 0], [QUALITY.A, QUALITY.A, QUALITY.N]]);
  assert.deepEqual([v!.channel, v!.start, [...v!.values]], ['1-0:32.7.0.255', T0, [229800, 230100, 0]]);
});

test('channels v2: end of last interval and per-value quality', () => {
  const out = map(PAYLOAD_EXAMPLES[2]!.body);
  const [e] = out.series;
  assert.deepEqual([e!.start, [...e!.values], [...e!.quality]], [T0, [125, 118, 0], [QUALITY.A, QUALITY.E, QUALITY.N]]);
  rejects({ schema: 'channels/2', channels: [{ obis: '1-0:1.8.0', unit: 'kWh', interval: 900, end: T0 + 900, values: [[null, 'A']] }] }, 'PAYLOAD_BAD_VALUE', /missing value/);
  rejects({ schema: 'channels/2', channels: [{ obis: '1-0:1.8.0', unit: 'kWh', interval: 900, end: T0 + 900, values: [[1, 'Q']] }] }, 'PAYLOAD_BAD_VALUE', /quality flag/);
  // A v1 document (start, not end) declared as v2 is not silently read as v1.
  rejects({ schema: 'channels/2', channels: [{ obis: '1-0:1.8.0', unit: 'kWh', interval: 900, start: T0, values: [1] }] }, 'PAYLOAD_BAD_VALUE', /\.end: expected epoch seconds/);
});

test('channels: unit must fit the channel, the grid and the interval length are checked', () => {
  const doc = (ch: Record<string, unknown>) => ({ schema: 'channels/1', meter: 'SIM000001', channels: [{ obis: '1-0:1.8.0', unit: 'kWh', interval: 900, start: T0, values: [1], ...ch }] });
  rejects(doc({ unit: 'V' }), 'PAYLOAD_BAD_VALUE', /does not fit 1-0:1.8.0.255/);
  rejects(doc({ unit: 'furlongs' }), 'PAYLOAD_BAD_VALUE', /unit "furlongs"/);
  rejects(doc({ start: T0 + 60 }), 'PAYLOAD_BAD_VALUE', /UTC grid/);
  rejects(doc({ interval: 700 }), 'PAYLOAD_BAD_VALUE', /divide a day/);
  rejects(doc({ values: [] }), 'PAYLOAD_BAD_VALUE', /no values/);
  rejects(doc({ values: [2 ** 60] }), 'PAYLOAD_BAD_VALUE', /2\^50/);
  // An OBIS code outside the table is accepted in any known unit, converted to its stored unit.
  const other = map(doc({ obis: '1-0:1.8.7', unit: 'kWh', values: [0.001] }));
  assert.deepEqual([...other.series[0]!.values], [1]);
});

test('compact v1: CBOR integer keys, channel table, integer stored values, events', () => {
  const out = map(PAYLOAD_EXAMPLES[3]!.body, 'cbor');
  assert.deepEqual(out.series.map((s) => [s.meterId, s.channel, s.start, s.intervalS, [...s.values], [...s.quality]]), [
    ['SIM000001', '1-0:1.8.0.255', T0, 900, [125, 118, 0], [0, 0, QUALITY.N]],
    ['SIM000001', '1-0:32.7.0.255', T0, 900, [229800, 230100, 0], [0, 0, QUALITY.N]],
  ]);
  assert.deepEqual(out.events, [{ meterId: 'SIM000001', at: T0 + 300, code: 1 }]);
  const c = (entries: [number, unknown][]) => new Map<number, unknown>([[0, 'compact'], [1, 1], [2, T0], [3, 900], ...entries]);
  assert.throws(() => map(c([[4, [[99, [1]]]]]), 'cbor'), (e) => hasCode(e, 'PAYLOAD_BAD_VALUE') && /channel index/.test(e.message));
  assert.throws(() => map(c([[4, [[0, [1.5]]]]]), 'cbor'), (e) => hasCode(e, 'PAYLOAD_BAD_VALUE') && /integer/.test(e.message));
  assert.throws(() => map(c([]), 'cbor'), (e) => hasCode(e, 'PAYLOAD_BAD_VALUE') && /neither/.test(e.message));
  assert.throws(() => map(c([[4, [[0, [1]]]], [6, 'SIM000002']]), 'cbor'), (e) => hasCode(e, 'PAYLOAD_WRONG_DEVICE'));
  // The same document in JSON spells the keys "0", "1" …
  assert.equal(map(Object.fromEntries([...c([[4, [[0, [1, 2]]]]])]), 'json').series[0]!.values.length, 2);
});

test('a declared but unknown version is rejected, naming the known versions', () => {
  rejects({ schema: 'channels/3', meter: 'SIM000001', channels: [] }, 'PAYLOAD_UNKNOWN_VERSION', /no schema version 3; known versions: 1, 2/);
  rejects({ fmt: 'obis-flat', v: 2, '1-0:1.8.0': 1 }, 'PAYLOAD_UNKNOWN_VERSION', /known versions: 1$/);
  rejects(new Map<number, unknown>([[0, 'compact'], [1, 7]]), 'PAYLOAD_UNKNOWN_VERSION', /compact/, 'cbor');
  rejects({ fmt: 'acme-meter', v: 1 }, 'PAYLOAD_UNKNOWN_FORMAT', /known formats: channels, compact, obis-flat/);
});

test('no declaration, half a declaration or two declarations: malformed, never guessed', () => {
  rejects({ meter: 'SIM000001', channels: [] }, 'PAYLOAD_MALFORMED', /declares no format/);
  rejects({ fmt: 'obis-flat', '1-0:1.8.0': 1 }, 'PAYLOAD_MALFORMED', /version/);
  rejects({ v: 1, '1-0:1.8.0': 1 }, 'PAYLOAD_MALFORMED', /format/);
  rejects({ fmt: 'obis-flat', v: 1.5 }, 'PAYLOAD_MALFORMED', /positive integer/);
  rejects({ schema: 'channels' }, 'PAYLOAD_MALFORMED', /"<format>\/<version>"/);
  rejects({ schema: 'channels/1', fmt: 'obis-flat', v: 1 }, 'PAYLOAD_MALFORMED', /2 ways/);
  rejects([1, 2, 3], 'PAYLOAD_MALFORMED', /not an object/);
  assert.throws(() => mapPayload(new TextEncoder().encode('{"fmt":'), ctx('json')), (e) => hasCode(e, 'PAYLOAD_MALFORMED') && /not JSON/.test(e.message));
  assert.throws(() => mapPayload(Uint8Array.of(0xbf), ctx('cbor')), (e) => hasCode(e, 'PAYLOAD_MALFORMED') && /not CBOR/.test(e.message));
  assert.throws(() => mapPayload(new Uint8Array(0), ctx('cbor')), (e) => hasCode(e, 'PAYLOAD_MALFORMED'));
});

test('a payload speaking for another meter is refused', () => {
  for (const e of PAYLOAD_EXAMPLES.filter((x) => x.encoding === 'json')) {
    assert.throws(() => map(e.body, 'json', 'SIM000002'), (err) => hasCode(err, 'PAYLOAD_WRONG_DEVICE') && /SIM000001.*SIM000002/.test(err.message));
  }
});

test('text-keyed formats read the same from CBOR as from JSON', () => {
  for (const e of PAYLOAD_EXAMPLES.filter((x) => x.encoding === 'json')) {
    assert.deepEqual(map(e.body, 'cbor'), map(e.body, 'json'));
  }
});

test('listPayloadFormats lists each format with its versions in order', () => {
  assert.deepEqual(listPayloadFormats().map((f) => [f.format, f.versions.map((v) => v.version)]), [['channels', [1, 2]], ['compact', [1]], ['obis-flat', [1]]]);
});

test('docs/payload-formats.md has a section for every format and version', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/payload-formats.md', import.meta.url), 'utf8');
  for (const m of PAYLOAD_MAPPERS) assert.match(doc, new RegExp(`^### \`${m.format}\` v${m.version} `, 'm'), `${m.format} v${m.version}`);
});
