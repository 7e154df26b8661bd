// Properties of the Green Button codec: export → import gives back exactly the data (values,
// quality, channels, meter, zone), DST days included; and no input, however mangled, makes import
// throw anything but a MeterstackError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { localDateStart, obis, type IntervalSeries, type Meter, type MeterKind } from '../../model/index.ts';
import { arbMutations, dstDayExports, fuzzRandomBytes, exportText, importText, importsOrFailsCleanly, mutate, points } from '../../../test/support/format-harness.ts';
import { greenbuttonExport, greenbuttonImport } from './greenbutton-format.ts';

const CHANNELS: Record<MeterKind, readonly string[][]> = {
  electricity: [
    ['1-0:1.8.0'], ['1-0:1.8.0', '1-0:2.8.0'], ['1-0:1.8.1', '1-0:1.8.2', '1-0:3.8.0', '1-0:4.8.0'], ['1-0:1.7.0', '1-0:22.7.0', '1-0:32.7.0'],
    ['1-0:71.7.0', '1-0:13.7.0', '1-0:14.7.0'], ['1-0:1.8.0', '1-2:1.8.0'],
  ],
  gas: [['7-0:3.0.0'], ['0-1:24.2.1']],
  water: [['8-0:1.0.0']],
  heat: [],
};

/** DST days (92 and 100 quarter-hours) and ordinary ones, as local dates per zone. */
const DAYS: Record<string, readonly string[]> = {
  'Europe/Amsterdam': ['2026-03-29', '2026-10-25', '2026-06-15', '2025-12-31'],
  'America/New_York': ['2026-03-08', '2026-11-01', '2026-01-15', '2025-03-09'],
};

const arbCase = fc.record({
  zone: fc.constantFrom('Europe/Amsterdam', 'America/New_York'),
  dayIndex: fc.nat(3),
  days: fc.integer({ min: 1, max: 2 }),
  kind: fc.constantFrom<MeterKind>('electricity', 'electricity', 'gas', 'water'),
  set: fc.nat(5),
  intervalS: fc.constantFrom(300, 900, 3600),
  id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,19}$/),
  seed: fc.integer(),
  big: fc.boolean(),
  // Small chunks split every element and multi-byte character; large ones keep the run time sane.
  chunk: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 97 }) }, { weight: 3, arbitrary: fc.integer({ min: 1000, max: 65_536 }) }),
});

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
}

function seriesFor(codes: readonly string[], from: number, to: number, intervalS: number, seed: number, big: boolean): IntervalSeries[] {
  const r = rng(seed);
  const n = (to - from) / intervalS;
  return codes.map((code) => ({
    meterId: 'x', channel: obis(code), start: from, intervalS,
    values: Float64Array.from({ length: n }, () => Math.round((r() - 0.3) * (big ? 2 ** 50 : 100_000))),
    quality: Uint8Array.from({ length: n }, () => (r() < 0.7 ? 0 : Math.floor(r() * 6))),
  })).map((s) => ({ ...s, values: s.values.map((v, i) => (s.quality[i] === 4 ? 0 : v)) }));
}

test('export → import is exact: values, quality, channels, meter and zone (DST days included)', async () => {
  await fc.assert(fc.asyncProperty(arbCase, async (c) => {
    const codes = CHANNELS[c.kind][c.set % CHANNELS[c.kind].length]!;
    const from = localDateStart(DAYS[c.zone]![c.dayIndex]!, c.zone);
    const to = localDateStart(new Date((from + (c.days + 0.5) * 86_400) * 1000).toISOString().slice(0, 10), c.zone);
    const meter: Meter = { id: c.id, kind: c.kind, timeZone: c.zone, status: 'active' };
    const series = seriesFor(codes, from, to, c.intervalS, c.seed, c.big);
    const doc = await exportText(greenbuttonExport, meter, series, from, to);
    const got = await importText(greenbuttonImport, doc, { source: 'rt.xml' }, c.chunk);
    assert.deepEqual(got.meters, [meter]);
    assert.deepEqual(got.channels.map((ch) => [ch.obis, ch.intervalS, ch.unit]).sort(), series.map((s) => [s.channel, s.intervalS, got.channels.find((x) => x.obis === s.channel)?.unit]).sort());
    assert.deepEqual(points(got.series), points(series, true));
  }), { numRuns: 60 });
});

test('a DST day is one IntervalBlock of 92 or 100 quarter-hours', async () => {
  for await (const { zone, date, quarterHours, doc } of dstDayExports(greenbuttonExport)) {
    const blocks = [...doc.matchAll(/<IntervalBlock [^>]*>(.*?)<\/IntervalBlock>/g)].map((m) => m[1]!);
    assert.equal(blocks.length, 1, `${zone} ${date}`);
    assert.equal(blocks[0]!.match(/<IntervalReading>/g)!.length, quarterHours, `${zone} ${date}`);
    assert.match(blocks[0]!, new RegExp(`<interval><duration>${quarterHours * 900}</duration><start>${localDateStart(date, zone)}</start></interval>`));
  }
});

const CORPUS = new URL('../../../../shared/corpus/greenbutton/', import.meta.url);
const SEEDS = ['vladistan__abridged__electric_containerized.xml', 'vladistan__abridged__gas_containerized.xml', 'vladistan__abridged__gas_direct.xml']
  .map((f) => readFileSync(new URL(f, CORPUS), 'utf8'));

const PIECES = ['<', '>', '&', '&amp;', '&nope;', '"', '</entry>', '<entry>', '</IntervalBlock>', '<value>', '-', '.5', '1e9', '99999999999999999999',
  '<![CDATA[1]]>', '<!DOCTYPE x [<!ENTITY a "b">]>', '\u0000', '\uD800', 'ü', 'rel="self" href="x"', 'xmlns:q="u"', '<q:x/>', '<espi:x/>'];

test('fuzz: mutated corpus feeds only ever fail with a GREENBUTTON_* MeterstackError', async () => {
  await fc.assert(fc.asyncProperty(fc.nat(SEEDS.length - 1), arbMutations(PIECES), fc.integer({ min: 1, max: 4096 }), async (k, muts, chunk) => {
    await importsOrFailsCleanly(greenbuttonImport, mutate(SEEDS[k]!, muts), chunk, 'GREENBUTTON_');
  }), { numRuns: 300 });
});

test('fuzz: random bytes only ever fail with a GREENBUTTON_* MeterstackError', () => fuzzRandomBytes(greenbuttonImport, '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>', 'GREENBUTTON_'));
