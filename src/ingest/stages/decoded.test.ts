import { test } from 'node:test';
import assert from 'node:assert/strict';
import { obis, type Obis } from '../../model/obis.ts';
import type { IntervalSeries } from '../../model/reading.ts';
import { NOW, checkContext } from './check-context.fixture.ts';
import { checkDecoded } from './decoded.ts';
import { dedupe } from './dedupe.ts';

const DAY = NOW - (NOW % 86_400) - 86_400;
const s = (over: Partial<IntervalSeries> = {}, values = [1, 2, 3]): IntervalSeries => ({
  meterId: 'SIM000001', channel: obis('1-0:1.8.0'), start: DAY, intervalS: 900,
  values: Float64Array.from(values), quality: new Uint8Array(values.length), ...over,
});

test('good series pass untouched; a short OBIS spelling is canonicalised', () => {
  const good = s();
  const out = checkDecoded([good, s({ channel: '1-0:2.8.0' as Obis })], [], [], checkContext());
  assert.deepEqual(out.faults, []);
  assert.equal(out.series[0], good);
  assert.equal(out.series[1]!.channel, '1-0:2.8.0.255');
});

test('the same checks as for JSON items, with series indexes', () => {
  const out = checkDecoded([
    s({ meterId: 'NOPE' }),
    s({ channel: 'bad' as Obis }),
    s({ start: DAY + 60 }),
    s({ intervalS: 700 }),
    s({ start: NOW }),
    s({}, [1, 0.5]),
    s({}, [1, -1]),
    s({ quality: Uint8Array.of(0, 9, 0) }),
    s({ quality: new Uint8Array(2) }),
    { ...s(), values: [1, 2, 3] as unknown as Float64Array },
  ], [], [], checkContext());
  assert.deepEqual(out.faults.map((f) => [f.index, f.code]), [
    [0, 'INGEST_UNKNOWN_METER'], [1, 'OBIS_INVALID'], [2, 'INGEST_MISALIGNED'], [3, 'INGEST_MISALIGNED'], [4, 'INGEST_FUTURE'],
    [5, 'INGEST_BAD_VALUE'], [6, 'INGEST_NEGATIVE_IMPORT'], [7, 'SERIES_INVALID'], [8, 'SERIES_INVALID'], [9, 'INGEST_MALFORMED'],
  ]);
  assert.equal(out.series.length, 0);
});

test('overlapping series of one channel go through dedupe; disjoint ones do not', () => {
  const out = checkDecoded([s(), s({ start: DAY + 2700 }), s({ meterId: 'SIM000002' }), s({ start: DAY + 1800 }, [3, 9])], [], [], checkContext());
  assert.deepEqual(out.series.map((x) => x.meterId), ['SIM000002']);
  const d = dedupe(out.overlapping.list);
  assert.deepEqual(d.faults.map((f) => [f.index, f.code]), [[3, 'INGEST_DUPLICATE_CONFLICT']]);
  assert.deepEqual(d.series.map((x) => [x.start, [...x.values]]), [[DAY, [1, 2, 3, 1, 2, 3]]]);
});

test('registers and events are checked and indexed after the series', () => {
  const ch = obis('1-0:1.8.0');
  const out = checkDecoded([s()], [
    { meterId: 'SIM000001', channel: ch, at: DAY, value: 100 },
    { meterId: 'NOPE', channel: ch, at: DAY, value: 100 },
    { meterId: 'SIM000001', channel: ch, at: DAY, value: -1 },
  ], [
    { meterId: 'SIM000001', at: DAY, code: 1 },
    { meterId: 'SIM000001', at: NOW + 3600, code: 2 },
  ], checkContext());
  assert.deepEqual(out.faults.map((f) => [f.index, f.code]), [[2, 'INGEST_UNKNOWN_METER'], [3, 'INGEST_NEGATIVE_IMPORT'], [5, 'INGEST_FUTURE']]);
  assert.equal(out.registers.length, 1);
  assert.equal(out.events.length, 1);
});

test('reason codes survive the overlap path', () => {
  const withReason = { ...s({}, [1, 2]), reason: Uint8Array.of(0, 79) };
  const out = checkDecoded([withReason, s({ start: DAY + 900 }, [2, 5])], [], [], checkContext());
  const d = dedupe(out.overlapping.list);
  assert.deepEqual(d.faults, []);
  assert.deepEqual(d.series.map((x) => [[...x.values], [...(x.reason ?? [])]]), [[[1, 2, 5], [0, 79, 0]]]);
});
