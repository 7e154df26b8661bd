import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkHeader, parseRow, SeriesBuilder, seriesToCsvRows } from './canonical-csv.ts';
import { hasCode, QUALITY, obis, type IntervalSeries } from '../../model/index.ts';

test('parses a row into UTC epoch seconds and stored units', () => {
  const r = parseRow('SIM000001,1-0:1.8.0,2026-11-01T01:15:00+01:00,900,123,E', 2);
  assert.deepEqual(r, { meter: 'SIM000001', channel: '1-0:1.8.0.255', end: Date.UTC(2026, 10, 1, 0, 15) / 1000, intervalS: 900, value: 123, quality: QUALITY.E });
  assert.equal(parseRow('M,1-0:1.8.0,2026-11-01T00:15:00Z,900,5', 3).quality, QUALITY.A);
});

test('header must be the canonical one', () => {
  checkHeader('meter,channel,interval_end,interval_s,value,quality');
  checkHeader('\uFEFFmeter,channel,interval_end,interval_s,value');
  assert.throws(() => checkHeader('meter,obis,time,value'), (e: unknown) => hasCode(e, 'CSV_BAD_HEADER') && e.line === 1);
});

test('bad rows give CSV_BAD_ROW with the line number and a reason', () => {
  const cases: [string, RegExp][] = [
    ['M,1-0:1.8.0,2026-11-01T00:15:00Z,900', /expected 5 or 6 fields/],
    [',1-0:1.8.0,2026-11-01T00:15:00Z,900,1', /meter is empty/],
    ['M,1-0:1.8,2026-11-01T00:15:00Z,900,1', /not an OBIS code/],
    ['M,1-0:1.8.0,2026-11-01 00:15,900,1', /ISO 8601 with an offset/],
    ['M,1-0:1.8.0,2026-11-01T00:15:00,900,1', /ISO 8601 with an offset/],
    ['M,1-0:1.8.0,2026-11-01T00:10:00Z,900,1', /not on the 900s grid/],
    ['M,1-0:1.8.0,2026-11-01T00:15:00Z,7,1', /interval_s/],
    ['M,1-0:1.8.0,2026-11-01T00:15:00Z,900,1.5', /not an integer/],
    ['M,1-0:1.8.0,2026-11-01T00:15:00Z,900,1,Q', /quality/],
  ];
  for (const [row, why] of cases) {
    assert.throws(() => parseRow(row, 42, 'f.csv'), (e: unknown) => hasCode(e, 'CSV_BAD_ROW') && e.line === 42 && e.source === 'f.csv' && why.test(e.message), row);
  }
});

test('builder joins contiguous rows and splits on gaps or another channel', () => {
  const b = new SeriesBuilder();
  const rows = ['A,1-0:1.8.0,2026-11-01T00:15:00Z,900,1', 'A,1-0:1.8.0,2026-11-01T00:30:00Z,900,2', 'A,1-0:1.8.0,2026-11-01T01:00:00Z,900,3', 'B,1-0:1.8.0,2026-11-01T01:00:00Z,900,4'];
  const out = rows.map((r, i) => b.add(parseRow(r, i + 2))).filter((s) => s !== undefined);
  out.push(b.flush()!);
  assert.deepEqual(out.map((s) => [s.meterId, s.start, [...s.values]]), [
    ['A', Date.UTC(2026, 10, 1) / 1000, [1, 2]], ['A', Date.UTC(2026, 10, 1, 0, 45) / 1000, [3]], ['B', Date.UTC(2026, 10, 1, 0, 45) / 1000, [4]],
  ]);
});

test('property: series → CSV rows → parse → builder gives the same actual data back', () => {
  const intervalS = fc.constantFrom(60, 300, 900, 1800, 3600);
  fc.assert(fc.property(intervalS, fc.integer({ min: 0, max: 1000 }), fc.array(fc.tuple(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.constantFrom(0, 1, 2, 3, 5)), { minLength: 1, maxLength: 200 }), (iv, k, cells) => {
    const s: IntervalSeries = {
      meterId: 'M1', channel: obis('1-0:1.8.0'), start: 1_700_000_000 - (1_700_000_000 % iv) + k * iv, intervalS: iv,
      values: Float64Array.from(cells.map((c) => c[0])), quality: Uint8Array.from(cells.map((c) => c[1])),
    };
    const b = new SeriesBuilder(100_000);
    let line = 1;
    for (const row of seriesToCsvRows(s)) assert.equal(b.add(parseRow(row, ++line)), undefined);
    const back = b.flush()!;
    assert.deepEqual([back.start, back.intervalS, [...back.values], [...back.quality]], [s.start, s.intervalS, [...s.values], [...s.quality]]);
  }));
});
