import assert from 'node:assert/strict';
import { isMeterstackError, type ErrorCode } from '../../model/index.ts';
import type { ImportBatch } from '../format.ts';
import { NemDecoder } from './decoder.ts';
import type { Version } from './sequence.ts';

/**
 * NEM12 files for tests and the benchmark: `formatNem12` writes a file from a plain description
 * (values given in the stored unit, so a parse must give them back exactly), and
 * `syntheticNem12` streams a valid file of any size without holding it in memory.
 */

export interface Interval400 { readonly from: number; readonly to: number; readonly qm: string; readonly reason?: number }

export interface FixtureDay {
  /** yyyymmdd */
  readonly date: string;
  /** Values in the stored unit (Wh, varh, mV …), one per interval. */
  readonly values: readonly number[];
  /** QualityMethod of the 300 record (`A`, `E52`, `S14` …) or per-interval 400 ranges (V). */
  readonly quality: string | readonly Interval400[];
  readonly reason?: number;
}

export interface FixtureStream {
  readonly nmi: string;
  readonly suffix: string;
  readonly uom: string;
  readonly minutes: number;
  readonly days: readonly FixtureDay[];
  /** Put a 500 record after each day. */
  readonly b2b?: boolean;
}

/** Power of ten from a UOM to its stored unit. */
export const UOM_EXP: Readonly<Record<string, number>> = { Wh: 0, kWh: 3, MWh: 6, VArh: 0, kVArh: 3, MVArh: 6, V: 3, kV: 6, A: 3 };

/** An integer in the stored unit written in a file unit 10^exp larger, exactly (no float). */
export function formatScaled(v: number, exp: number): string {
  const neg = v < 0;
  const s = String(Math.abs(v)).padStart(exp + 1, '0');
  const text = exp === 0 ? s : `${s.slice(0, s.length - exp)}.${s.slice(s.length - exp)}`;
  return neg ? `-${text}` : text;
}

export function formatNem12(streams: readonly FixtureStream[], eol = '\n'): string {
  const out = ['100,NEM12,202401010000,MDP1,RETAILER1'];
  for (const s of streams) {
    out.push(`200,${s.nmi},E1B1,1,${s.suffix},N1,METER1,${s.uom},${s.minutes},`);
    const exp = UOM_EXP[s.uom] ?? 3;
    for (const d of s.days) {
      const vals = d.values.map((v) => formatScaled(v, exp)).join(',');
      const qm = typeof d.quality === 'string' ? d.quality : 'V';
      out.push(`300,${d.date},${vals},${qm},${typeof d.quality === 'string' && d.reason ? d.reason : ''},,20240102030405,20240102030405`);
      if (typeof d.quality !== 'string') for (const r of d.quality as readonly Interval400[]) out.push(`400,${r.from},${r.to},${r.qm},${r.reason ?? ''},`);
      if (s.b2b) out.push(`500,O,S01,${d.date}120000,`);
    }
  }
  out.push('900');
  return out.join(eol) + eol;
}

/** yyyymmdd of the day `n` days after 2020-01-01. */
export function dateOf(n: number): string {
  const d = new Date(Date.UTC(2020, 0, 1) + n * 86_400_000);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export interface SyntheticOptions {
  /** Stop after about this many bytes (always a complete, valid file). */
  readonly bytes: number;
  /** Days per data stream before the next NMI starts. */
  readonly days?: number;
  readonly chunk?: number;
}

/** How many interval values a synthetic file of these options holds, counted as it is made. */
export interface SyntheticCount { readings: number; bytes: number }

/**
 * A valid NEM12 file of about `bytes`, made on the fly in chunks: NMIs with E1 and B1 streams of
 * 30-minute kWh data, one day in 16 of quality V with 400 records. Only a few template lines are
 * kept; the memory it takes does not grow with the size.
 */
export async function* syntheticNem12(opts: SyntheticOptions, count: SyntheticCount = { readings: 0, bytes: 0 }): AsyncGenerator<Uint8Array> {
  const size = opts.chunk ?? 1 << 20;
  const days = opts.days ?? 365;
  let buf = Buffer.allocUnsafe(size);
  let at = 0;
  const bodies = Array.from({ length: 64 }, (_, k) => {
    let seed = k * 7919 + 1;
    const vals = Array.from({ length: 48 }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return formatScaled(seed % 4000, 3); });
    return Buffer.from(`${vals.join(',')},`, 'latin1');
  });
  const tailA = Buffer.from('A,,,20240102030405,20240102030405\r\n', 'latin1');
  const tailV = Buffer.from('V,,,20240102030405,20240102030405\r\n400,1,20,A,,\r\n400,21,30,S14,76,\r\n400,31,48,E52,,\r\n', 'latin1');
  function* put(b: Buffer | string): Generator<Uint8Array> {
    const len = typeof b === 'string' ? b.length : b.length;
    if (at + len > size) { yield buf.subarray(0, at); buf = Buffer.allocUnsafe(size); at = 0; }
    if (typeof b === 'string') buf.write(b, at, 'latin1'); else b.copy(buf, at);
    at += len;
    count.bytes += len;
  }
  const dates = Array.from({ length: days }, (_, d) => `300,${dateOf(d)},`);
  yield* put('100,NEM12,202401010000,MDP1,RETAILER1\r\n');
  for (let nmi = 0; count.bytes < opts.bytes; nmi++) {
    for (const suffix of ['E1', 'B1']) {
      yield* put(`200,Q${String(nmi).padStart(9, '0')},E1B1,1,${suffix},N1,M${nmi},kWh,30,\r\n`);
      for (let d = 0; d < days; d++) {
        yield* put(dates[d]!);
        yield* put(bodies[(nmi + d) % 64]!);
        yield* put(d % 16 === 15 ? tailV : tailA);
        count.readings += 48;
      }
    }
  }
  yield* put('900\r\n');
  if (at > 0) yield buf.subarray(0, at);
}

/** Decodes the chunks synchronously, as `read` would, collecting every batch. */
export function decodeChunks(version: Version, chunks: readonly Uint8Array[], source = 'test.csv'): ImportBatch[] {
  const d = new NemDecoder(version, source);
  const out: ImportBatch[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.end());
  return out;
}

export const decodeText = (version: Version, text: string): ImportBatch[] => decodeChunks(version, [Buffer.from(text, 'latin1')]);

export interface Point { value: number; quality: number; reason: number }

/** Every interval of the batches by `meter obis intervalEnd`, independent of how series were cut. */
export function flatten(batches: readonly ImportBatch[]): Map<string, Point> {
  const m = new Map<string, Point>();
  for (const b of batches) {
    for (const s of b.series ?? []) {
      for (let i = 0; i < s.values.length; i++) {
        m.set(`${s.meterId} ${s.channel} ${s.start + (i + 1) * s.intervalS}`, { value: s.values[i]!, quality: s.quality[i]!, reason: s.reason?.[i] ?? 0 });
      }
    }
  }
  return m;
}

export interface ErrorCase { readonly name: string; readonly lines: readonly string[]; readonly code: ErrorCode; readonly line: number; readonly msg: RegExp }

/** For assert.throws: a MeterstackError with the case's code, line, source and message. */
export const failsAs = (c: ErrorCase) => (e: unknown): true => {
  assert.ok(isMeterstackError(e), String(e));
  assert.equal(e.code, c.code, e.message);
  assert.equal(e.line, c.line, e.message);
  assert.equal(e.source, 'test.csv');
  assert.match(e.message, c.msg);
  return true;
};
