// Properties of the CIM MeterReadings codec: export → import is exact (values, quality, channels,
// DST days included), and no input, however mangled, makes import throw anything but a
// MeterstackError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { localDateStart, obis, type IntervalSeries, type Meter, type MeterKind } from '../../model/index.ts';
import { arbMutations, dstDayExports, fuzzRandomBytes, exportText, importText, importsOrFailsCleanly, mutate, points } from '../../../test/support/format-harness.ts';
import { cimExport, cimImport } from './cim-format.ts';

const CHANNELS: Record<string, readonly string[]> = {
  electricity: ['1-0:1.8.0', '1-0:2.8.0', '1-0:1.8.3', '1-0:3.8.0', '1-0:4.8.0', '1-0:2.7.0', '1-0:41.7.0', '1-0:72.7.0', '1-0:51.7.0', '1-0:13.7.0', '1-0:14.7.0'],
  gas: ['7-0:3.0.0'],
  water: ['8-0:1.0.0'],
};

const DAYS: Record<string, readonly string[]> = {
  'Europe/Amsterdam': ['2026-03-29', '2026-10-25', '2026-07-01'],
  'America/New_York': ['2026-03-08', '2026-11-01', '2026-02-01'],
};

const arbCase = fc.record({
  zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York'),
  day: fc.nat(2),
  kind: fc.constantFrom<MeterKind>('electricity', 'electricity', 'gas', 'water'),
  pick: fc.uniqueArray(fc.nat(10), { minLength: 1, maxLength: 4 }),
  intervalS: fc.constantFrom(60, 300, 900, 1800, 3600),
  id: fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9 &<>'"._:/-]{0,14}[A-Za-z0-9])?$/),
  values: fc.array(fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.integer({ min: -(2 ** 50), max: 2 ** 50 })), { minLength: 1, maxLength: 64 }),
  quality: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 64 }),
  chunk: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 97 }) }, { weight: 4, arbitrary: fc.integer({ min: 1000, max: 65_536 }) }),
});

test('export → import is exact: values, quality, channels and meter (DST days included)', async () => {
  await fc.assert(fc.asyncProperty(arbCase, async (c) => {
    const codes = [...new Set(c.pick.map((k) => CHANNELS[c.kind]![k % CHANNELS[c.kind]!.length]!))];
    const from = localDateStart(DAYS[c.zone]![c.day]!, c.zone);
    // Whole local days (DST) for quarter-hours and hours; a few hundred readings for shorter intervals.
    const to = c.intervalS >= 900 ? localDateStart(new Date((from + 1.5 * 86_400) * 1000).toISOString().slice(0, 10), c.zone) : from + 300 * c.intervalS;
    const n = (to - from) / c.intervalS;
    const series: IntervalSeries[] = codes.map((code, k) => {
      const quality = Uint8Array.from({ length: n }, (_, i) => c.quality[(i + k) % c.quality.length]!);
      return {
        meterId: c.id, channel: obis(code), start: from, intervalS: c.intervalS, quality,
        values: Float64Array.from({ length: n }, (_, i) => (quality[i] === 4 ? 0 : c.values[(i * 7 + k) % c.values.length]!)),
      };
    });
    const meter: Meter = { id: c.id, kind: c.kind, timeZone: c.zone, status: 'active' };
    const doc = await exportText(cimExport, meter, series, from, to);
    const got = await importText(cimImport, doc, { source: 'rt.xml', timeZone: c.zone }, c.chunk);
    const live = series.filter((s) => s.quality.some((q) => q !== 4));
    assert.deepEqual(got.meters, live.length ? [meter] : []);
    assert.deepEqual(got.channels.map((ch) => `${ch.obis} ${ch.intervalS}`).sort(), live.map((s) => `${s.channel} ${s.intervalS}`).sort());
    assert.deepEqual(points(got.series), points(series, true));
  }), { numRuns: 80 });
});

test('a DST day exports as one MeterReading of 92 or 100 quarter-hours per channel', async () => {
  for await (const { zone, date, quarterHours, doc } of dstDayExports(cimExport)) {
    const readings = [...doc.matchAll(/<MeterReading>([\s\S]*?)<\/MeterReading>/g)].map((m) => m[1]!.match(/<IntervalReadings>/g)!.length);
    assert.deepEqual(readings, [quarterHours], `${zone} ${date}`);
  }
});

const SEED = (async () => {
  const from = localDateStart('2026-03-29', 'Europe/Amsterdam');
  const s = (code: string): IntervalSeries => ({ meterId: 'M', channel: obis(code), start: from, intervalS: 3600, values: Float64Array.from({ length: 6 }, (_, i) => i * 11), quality: Uint8Array.from({ length: 6 }, (_, i) => i) });
  return exportText(cimExport, { id: 'E1', kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active' }, [s('1-0:1.8.0'), s('1-0:32.7.0')], from, from + 6 * 3600);
})();

const PIECES = ['<', '>', '&', '&x;', '"', '</MeterReading>', '<MeterReading>', '<IntervalBlocks>', '</IntervalBlocks>', '<Readings>', '<value>', '-', '1e400', '.',
  'ref="1.2"', 'ref="0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.72.0"', 'T99:', '+25:00', 'Z', '\u0000', 'é', '<![CDATA[', ']]>', '<Meter><mRID>x</mRID></Meter>'];

test('fuzz: mutated exports only ever fail with a CIM_* MeterstackError', async () => {
  const seed = await SEED;
  await fc.assert(fc.asyncProperty(arbMutations(PIECES), fc.integer({ min: 1, max: 2048 }), async (muts, chunk) => {
    await importsOrFailsCleanly(cimImport, mutate(seed, muts), chunk, 'CIM_');
  }), { numRuns: 300 });
});

test('fuzz: random bytes only ever fail with a CIM_* MeterstackError', () => fuzzRandomBytes(cimImport, '<MeterReadings><MeterReading><IntervalBlocks>', 'CIM_'));
