import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ERROR_CODES } from '../../model/errors.ts';
import { QUALITY } from '../../model/quality.ts';
import { NOW, checkContext } from './check-context.fixture.ts';
import { normalize } from './normalize.ts';

const END = NOW - 3600; // 11:00Z, on every grid
const item = (over: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ meter: 'SIM000001', channel: '1-0:1.8.0', end: END, intervalS: 900, value: 123, ...over });

function codes(readings: unknown[], ctx = checkContext()): (string | undefined)[] {
  const out = normalize({ readings }, ctx);
  return readings.map((_, i) => out.faults.find((f) => f.index === i)?.code);
}

test('a good single item becomes one point in a canonical-OBIS group', () => {
  const out = normalize({ readings: [item({ end: '2026-11-26T11:00:00Z', quality: 'E' })] }, checkContext());
  assert.deepEqual(out.faults, []);
  const [g] = out.groups.list;
  assert.equal(g!.channel, '1-0:1.8.0.255');
  assert.equal(g!.length, 1);
  assert.equal(g!.ends[0], END);
  assert.equal(g!.values[0], 123);
  assert.equal(g!.quality[0], QUALITY.E);
});

test('a series item fills points from start, with one quality or one per value', () => {
  const out = normalize({ readings: [
    { meter: 'SIM000001', channel: '1-0:1.8.0.255', start: END - 1800, intervalS: 900, values: [1, 2], quality: ['A', 'S'] },
    { meter: 'SIM000001', channel: '1-0:1.8.0', start: END, intervalS: 900, values: [3], quality: 'F' },
  ] }, checkContext());
  assert.deepEqual(out.faults, []);
  assert.equal(out.groups.list.length, 1, 'two spellings of one channel share a group');
  const g = out.groups.list[0]!;
  assert.deepEqual(g.ends, [END - 900, END, END + 900]);
  assert.deepEqual(g.values, [1, 2, 3]);
  assert.deepEqual(g.quality, [QUALITY.A, QUALITY.S, QUALITY.F]);
  assert.deepEqual(g.items, [0, 0, 1]);
});

test('each kind of bad item gets its own code', () => {
  const cases: [unknown, string][] = [
    [42, 'INGEST_MALFORMED'],
    [null, 'INGEST_MALFORMED'],
    [[1, 2], 'INGEST_MALFORMED'],
    [item({ meter: '' }), 'INGEST_MALFORMED'],
    [item({ channel: 180 }), 'INGEST_MALFORMED'],
    [item({ intervalS: '900' }), 'INGEST_MALFORMED'],
    [item({ values: [1] }), 'INGEST_MALFORMED'],
    [item({ end: '2026-11-26T11:00:00' }), 'INGEST_MALFORMED'],
    [item({ quality: 'X' }), 'INGEST_MALFORMED'],
    [item({ quality: ['A'] }), 'INGEST_MALFORMED'],
    [{ meter: 'SIM000001', channel: '1-0:1.8.0', start: END, intervalS: 900, values: [] }, 'INGEST_MALFORMED'],
    [{ meter: 'SIM000001', channel: '1-0:1.8.0', start: END, intervalS: 900, values: [1, 2], quality: ['A'] }, 'INGEST_MALFORMED'],
    [item({ channel: '1-0:1.8' }), 'OBIS_INVALID'],
    [item({ channel: '1-0:256.8.0' }), 'OBIS_INVALID'],
    [item({ meter: 'NOPE' }), 'INGEST_UNKNOWN_METER'],
    [item({ end: END + 60 }), 'INGEST_MISALIGNED'],
    [item({ end: END + 0.5 }), 'INGEST_MISALIGNED'],
    [item({ intervalS: 700 }), 'INGEST_MISALIGNED'],
    [item({ intervalS: 7200, end: END - 3600 }), 'INGEST_MISALIGNED'],
    [item({ intervalS: 30 }), 'INGEST_MISALIGNED'],
    [item({ end: NOW + 900 }), 'INGEST_FUTURE'],
    [item({ value: 1.5 }), 'INGEST_BAD_VALUE'],
    [item({ value: '12' }), 'INGEST_BAD_VALUE'],
    [item({ value: null }), 'INGEST_BAD_VALUE'],
    [item({ value: 2 ** 50 + 2 }), 'INGEST_BAD_VALUE'],
    [item({ value: -5 }), 'INGEST_NEGATIVE_IMPORT'],
    [{ meter: 'SIM000001', channel: '1-0:1.8.0', start: END, intervalS: 900, values: [1, -2] }, 'INGEST_NEGATIVE_IMPORT'],
  ];
  for (const [bad, code] of cases) {
    assert.equal(codes([bad])[0], code, JSON.stringify(bad));
    assert.ok(code in ERROR_CODES);
  }
});

test('negative values pass where the channel allows them', () => {
  assert.deepEqual(codes([
    item({ channel: '1-0:32.7.0', value: -230_000 }), // sampled, direction none
    item({ channel: '1-0:2.8.0', value: -1 }), // export register
    item({ channel: '1-0:99.99.0', value: -1 }), // not in the OBIS table
  ]), [undefined, undefined, undefined]);
});

test('the future tolerance is inclusive; one interval more is rejected', () => {
  const edge = NOW + 300 - ((NOW + 300) % 900);
  assert.deepEqual(codes([item({ end: edge })]), [undefined]);
  assert.deepEqual(codes([item({ end: NOW + 900 + 300 - ((NOW + 300) % 900) })]), ['INGEST_FUTURE']);
});

test('a series failing half-way leaves no points behind', () => {
  const out = normalize({ readings: [
    item({ end: END - 900, value: 5 }),
    { meter: 'SIM000001', channel: '1-0:1.8.0', start: END - 900, intervalS: 900, values: [1, 2, 'x'] },
  ] }, checkContext());
  assert.deepEqual(out.faults.map((f) => [f.index, f.code]), [[1, 'INGEST_BAD_VALUE']]);
  assert.equal(out.groups.list[0]!.length, 1);
  assert.equal(out.groups.list[0]!.increasing, true);
});

test('an interval length other than the channel\'s is rejected', () => {
  const ctx = checkContext(['SIM000001'], { 'SIM000001 1-0:1.8.0.255': 900 });
  assert.deepEqual(codes([item({ intervalS: 300 }), item()], ctx), ['INGEST_MISALIGNED', undefined]);
  const fresh = checkContext();
  assert.deepEqual(codes([item({ intervalS: 300 }), item({ intervalS: 900 })], fresh), [undefined, 'INGEST_MISALIGNED']);
  const afterBad = checkContext();
  assert.deepEqual(codes([item({ intervalS: 300, value: -1 }), item({ intervalS: 900 })], afterBad), ['INGEST_NEGATIVE_IMPORT', undefined],
    'a rejected item claims nothing');
});

test('a message that is not a batch is one message-level fault', () => {
  for (const body of [null, [], 'x', {}, { readings: {} }]) {
    const out = normalize(body, checkContext());
    assert.equal(out.messageFault?.code, 'INGEST_MALFORMED');
    assert.equal(out.messageFault?.index, -1);
  }
});

test('property: any JSON item is either accepted or rejected with a registered code, never thrown', () => {
  const field = fc.oneof(fc.jsonValue(), fc.constantFrom('SIM000001', '1-0:1.8.0', 900, END, 'A', '2026-11-26T11:00:00Z'));
  const itemArb = fc.oneof(
    fc.jsonValue(),
    fc.record({ meter: field, channel: field, end: field, intervalS: field, value: field, quality: field }, { requiredKeys: [] }),
    fc.record({ meter: field, channel: field, start: field, intervalS: field, values: fc.oneof(field, fc.array(field)), quality: fc.oneof(field, fc.array(field)) }, { requiredKeys: [] }),
  );
  fc.assert(fc.property(fc.array(itemArb, { maxLength: 20 }), (readings) => {
    const out = normalize({ readings }, checkContext());
    const rejected = new Set(out.faults.map((f) => f.index));
    assert.equal(rejected.size, out.faults.length, 'at most one fault per item');
    for (const f of out.faults) assert.ok(f.code in ERROR_CODES, f.code);
    const points = out.groups.list.reduce((n, g) => n + g.length, 0);
    const accepted = readings.filter((_, i) => !rejected.has(i));
    const expected = accepted.reduce<number>((n, it) => n + (Array.isArray((it as { values?: unknown }).values) ? (it as { values: unknown[] }).values.length : 1), 0);
    assert.equal(points, expected);
  }), { numRuns: 300 });
});
