// Runs file formats the way `meterstack import` / `export` do, in memory: an export over in-memory
// series, an import over a document cut into chunks of a chosen size (so every parser also sees
// elements, characters and multi-byte UTF-8 split across chunk boundaries).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  QUALITY, isMeterstackError, localDateStart, obis, obisDefinition, readingTypeCode,
  type Channel, type IntervalSeries, type Meter, type RegisterReading,
} from '../../src/model/index.ts';
import type { ExportFormat, ImportBatch, ImportFormat, ImportOptions } from '../../src/formats/format.ts';

export function channelOf(meterId: string, code: string, intervalS: number): Channel {
  const def = obisDefinition(code)!;
  return { meterId, obis: obis(code), unit: def.unit, intervalS, readingType: readingTypeCode(def, intervalS) };
}

/** Exports `series` (one per channel, covering [from, to)) of `meter` to a string. */
export async function exportText(format: ExportFormat, meter: Meter, series: readonly IntervalSeries[], from: number, to: number): Promise<string> {
  const channels = series.map((s) => channelOf(meter.id, s.channel, s.intervalS));
  let out = '';
  await format.write({
    meter, channels, from, to,
    series: async (c) => series.find((s) => s.channel === c.obis)!,
  }, (chunk) => { out += chunk; });
  return out;
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface Imported {
  readonly batches: ImportBatch[];
  readonly meters: Meter[];
  readonly channels: Channel[];
  readonly series: IntervalSeries[];
  readonly registers: RegisterReading[];
}

export async function importText(format: ImportFormat, doc: string | Uint8Array, opts: ImportOptions, chunkSize = 65_536): Promise<Imported> {
  const bytes = typeof doc === 'string' ? new TextEncoder().encode(doc) : doc;
  const batches: ImportBatch[] = [];
  for await (const b of format.read(chunks(bytes, chunkSize), opts)) batches.push(b);
  return {
    batches,
    meters: batches.flatMap((b) => b.meters ?? []),
    channels: batches.flatMap((b) => b.channels ?? []),
    series: batches.flatMap((b) => b.series ?? []),
    registers: batches.flatMap((b) => b.registers ?? []),
  };
}

export interface Point {
  readonly channel: string;
  readonly start: number;
  readonly intervalS: number;
  readonly value: number;
  readonly quality: number;
}

/** Every interval of the series as a point, sorted; with `dropMissing`, N intervals are left out. */
export function points(series: readonly IntervalSeries[], dropMissing = false): Point[] {
  const out: Point[] = [];
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      if (dropMissing && s.quality[i] === QUALITY.N) continue;
      out.push({ channel: s.channel, start: s.start + i * s.intervalS, intervalS: s.intervalS, value: s.values[i]!, quality: s.quality[i]! });
    }
  }
  return out.sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.start - b.start));
}

/** Expects `p` to reject with a MeterstackError of `code` at `line` of `source`, saying `why`. */
export async function expectCodecError(p: Promise<unknown>, want: { code: string; line: number; source: string; why: RegExp }): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isMeterstackError(e), String(e));
    assert.equal(e.code, want.code, e.message);
    assert.equal(e.line, want.line, e.message);
    assert.equal(e.source, want.source);
    assert.match(e.message, want.why);
    return true;
  });
}

export interface Mutation {
  readonly at: number;
  readonly len: number;
  readonly op: 'delete' | 'insert' | 'replace' | 'digits' | 'duplicate';
  readonly piece: string;
}

/** One to four edits of a document: cut, insert or overwrite with a tricky piece, shuffle digits, repeat a run. */
export const arbMutations = (pieces: readonly string[]): fc.Arbitrary<Mutation[]> => fc.array(fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.nat(40),
  op: fc.constantFrom('delete', 'insert', 'replace', 'digits', 'duplicate') as fc.Arbitrary<Mutation['op']>,
  piece: fc.constantFrom(...pieces),
}), { minLength: 1, maxLength: 4 });

export function mutate(doc: string, muts: readonly Mutation[]): string {
  let d = doc;
  for (const m of muts) {
    const i = Math.floor(m.at * d.length);
    const j = i + m.len;
    if (m.op === 'delete') d = d.slice(0, i) + d.slice(j);
    else if (m.op === 'insert') d = d.slice(0, i) + m.piece + d.slice(i);
    else if (m.op === 'replace') d = d.slice(0, i) + m.piece + d.slice(j);
    else if (m.op === 'duplicate') d = d.slice(0, j) + d.slice(i, j) + d.slice(j);
    else d = d.slice(0, i) + d.slice(i, j).replace(/\d/g, (x) => String((Number(x) * 7 + 3) % 10)) + d.slice(j);
  }
  return d;
}

/** Imports `doc`; the only failure allowed is a MeterstackError of the format's own codes naming the source. */
export async function importsOrFailsCleanly(format: ImportFormat, doc: string | Uint8Array, chunk: number, codePrefix: string): Promise<void> {
  try {
    await importText(format, doc, { source: 'fuzz.xml' }, chunk);
  } catch (e) {
    if (!isMeterstackError(e) || !e.code.startsWith(codePrefix) || e.source !== 'fuzz.xml') throw e;
  }
}

/** The 2026 DST days of the zones the format tests use, and how many quarter-hours they have. */
export const DST_DAYS = [
  { zone: 'Europe/Amsterdam', date: '2026-03-29', quarterHours: 92 }, { zone: 'Europe/Amsterdam', date: '2026-10-25', quarterHours: 100 },
  { zone: 'America/New_York', date: '2026-03-08', quarterHours: 92 }, { zone: 'America/New_York', date: '2026-11-01', quarterHours: 100 },
] as const;

/** Each DST day of one 1-0:1.8.0 quarter-hour channel, exported by `format`. */
export async function* dstDayExports(format: ExportFormat): AsyncGenerator<{ zone: string; date: string; quarterHours: number; doc: string }> {
  for (const { zone, date, quarterHours } of DST_DAYS) {
    const from = localDateStart(date, zone);
    const s: IntervalSeries = {
      meterId: 'M', channel: obis('1-0:1.8.0'), start: from, intervalS: 900,
      values: Float64Array.from({ length: quarterHours }, (_, i) => i), quality: new Uint8Array(quarterHours),
    };
    const doc = await exportText(format, { id: 'M', kind: 'electricity', timeZone: zone, status: 'active' }, [s], from, from + quarterHours * 900);
    yield { zone, date, quarterHours, doc };
  }
}

/** Random bytes, alone or after a plausible opening of the format, only ever fail cleanly. */
export async function fuzzRandomBytes(format: ImportFormat, opening: string, codePrefix: string, numRuns = 300): Promise<void> {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (b, xml) => {
    await importsOrFailsCleanly(format, xml ? Buffer.concat([Buffer.from(opening), b]) : b, 64, codePrefix);
  }), { numRuns });
}
