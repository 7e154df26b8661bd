import { DAY_S, MAX_VALUE, MeterstackError, QUALITY, isValidIntervalLength } from '../../model/index.ts';
import { ByteReader, blockCorrupt, writeUvarint, writeZigzag } from './varint.ts';

/**
 * One UTC day of one channel as bytes. Layout (all integers LEB128 varints unless noted):
 *
 *   format (byte, 1 or 2) · intervalS · first · count · [step, format 2 only] · runCount
 *   runCount × [ quality (byte) · reason (byte) · length ]      quality as a run-length list
 *   one zig-zag delta per non-missing interval, from the previous non-missing value (start 0)
 *
 * Format 2 divides every value by `step`, their greatest common divisor: meters resolve many
 * quantities coarser than the stored unit (voltage to 0.1 V = 100 mV), and without it every
 * delta of such a channel would cost a byte more.
 *
 * `first` is the index within the day of the first interval held, so a partial day costs only
 * what it holds. Missing intervals (QUALITY.N) carry no value bytes: they decode as value 0.
 * Every field is checked on decode, so garbage or truncated input ends in BLOCK_CORRUPT, and every
 * loop is bounded by `count` ≤ intervals in a day, so it cannot hang.
 */

export const BLOCK_FORMAT = 1;
export const BLOCK_FORMAT_STEP = 2;

export interface DayBlock {
  readonly intervalS: number;
  /** Index within the UTC day of the first interval held. */
  readonly first: number;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Reason code per interval; absent means all 0. Decoding always returns it. */
  readonly reason?: Uint8Array;
}

export interface BlockHeader {
  readonly intervalS: number;
  readonly first: number;
  readonly count: number;
  /** Common divisor of the values (1 unless format 2). */
  readonly step: number;
}

const N = QUALITY.N;
const MAX_STEP = 2 ** 28;
const MAX_PER_DAY = DAY_S / 60;
/** header ≤ 16 bytes; a run ≤ 2 bytes + 2-byte length; a value ≤ 8 bytes. */
const scratch = new Uint8Array(16 + MAX_PER_DAY * 12);

function invalid(why: string): never {
  throw new MeterstackError('SERIES_INVALID', `cannot encode interval block: ${why}`);
}

export function encodeBlock(b: DayBlock): Uint8Array {
  return encodeBlockShared(b).slice();
}

/**
 * Like encodeBlock, but the result is a view into a buffer the next call overwrites: for writers
 * that hand the bytes straight to the database, which copies them, so no allocation per block.
 */
export function encodeBlockShared(b: DayBlock): Uint8Array {
  const { intervalS, first, values, quality, reason } = b;
  const count = values.length;
  if (!isValidIntervalLength(intervalS)) invalid(`interval length ${intervalS}s`);
  if (!Number.isInteger(first) || first < 0 || first + count > DAY_S / intervalS) invalid(`intervals ${first}+${count} exceed the day`);
  if (quality.length !== count || (reason !== undefined && reason.length !== count)) invalid('array lengths differ');
  const buf = scratch;
  const step = commonStep(values, quality);
  let pos = 0;
  buf[pos++] = step > 1 ? BLOCK_FORMAT_STEP : BLOCK_FORMAT;
  pos = writeUvarint(buf, pos, intervalS);
  pos = writeUvarint(buf, pos, first);
  pos = writeUvarint(buf, pos, count);
  if (step > 1) pos = writeUvarint(buf, pos, step);
  pos = writeRuns(buf, pos, quality, reason);
  pos = writeValues(buf, pos, values, quality, step);
  return buf.subarray(0, pos);
}

function writeRuns(buf: Uint8Array, pos: number, quality: Uint8Array, reason: Uint8Array | undefined): number {
  const count = quality.length;
  let runs = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0 || quality[i] !== quality[i - 1] || (reason !== undefined && reason[i] !== reason[i - 1])) runs++;
  }
  pos = writeUvarint(buf, pos, runs);
  let i = 0;
  while (i < count) {
    const q = quality[i]!;
    const r = reason === undefined ? 0 : reason[i]!;
    if (q > QUALITY.V) invalid(`quality code ${q} at ${i}`);
    let j = i + 1;
    while (j < count && quality[j] === q && (reason === undefined || reason[j] === r)) j++;
    buf[pos++] = q;
    buf[pos++] = r;
    pos = writeUvarint(buf, pos, j - i);
    i = j;
  }
  return pos;
}

/** Greatest common divisor of the non-missing values (1 as soon as it is 1; 1 for all-zero days). */
function commonStep(values: Float64Array, quality: Uint8Array): number {
  let g = 0;
  for (let i = 0; i < values.length; i++) {
    if (quality[i] === N) continue;
    let a = Math.abs(values[i]!);
    if (!Number.isInteger(a)) return 1;
    let b = g;
    while (b !== 0) { const t = a % b; a = b; b = t; }
    g = a;
    if (g === 1) return 1;
  }
  // The step is a header varint (< 2^28); a larger divisor only arises for near-empty days.
  return g > 1 && g < MAX_STEP ? g : 1;
}

function writeValues(buf: Uint8Array, pos: number, values: Float64Array, quality: Uint8Array, step: number): number {
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    if (quality[i] === N) continue;
    const raw = values[i]!;
    if (!(raw <= MAX_VALUE && raw >= -MAX_VALUE)) invalid(`value ${raw} at ${i} is outside ±2^50`);
    const v = step === 1 ? raw : raw / step;
    const d = v - prev;
    if ((d | 0) !== d && !Number.isInteger(d)) invalid(`value ${v} at ${i} is not an integer`);
    pos = writeZigzag(buf, pos, d);
    prev = v;
  }
  return pos;
}

export function readBlockHeader(bytes: Uint8Array): BlockHeader {
  return readHeader(new ByteReader(bytes));
}

function readHeader(r: ByteReader, expectIntervalS?: number): BlockHeader {
  const format = r.byte();
  if (format !== BLOCK_FORMAT && format !== BLOCK_FORMAT_STEP) blockCorrupt(`unknown format ${format}`, 0);
  const at = r.pos;
  const intervalS = r.uvarint();
  if (!isValidIntervalLength(intervalS)) blockCorrupt(`interval length ${intervalS}`, at);
  if (expectIntervalS !== undefined && intervalS !== expectIntervalS) blockCorrupt(`interval length ${intervalS}, expected ${expectIntervalS}`, at);
  const first = r.uvarint();
  const count = r.uvarint();
  if (first + count > DAY_S / intervalS) blockCorrupt(`intervals ${first}+${count} exceed the day`, at);
  let step = 1;
  if (format === BLOCK_FORMAT_STEP) {
    const stepAt = r.pos;
    step = r.uvarint();
    if (step < 2) blockCorrupt(`value step ${step}`, stepAt);
  }
  return { intervalS, first, count, step };
}

/** Runs parsed before the values they describe; reused so that decoding allocates nothing. */
const runQ = new Uint8Array(MAX_PER_DAY);
const runR = new Uint8Array(MAX_PER_DAY);
const runLen = new Uint16Array(MAX_PER_DAY);

export interface DecodedInto extends BlockHeader {
  /** True if any interval carries a non-zero reason code. */
  readonly reasons: boolean;
}

/**
 * Decodes into caller-owned arrays: interval `first + k` of the day lands at `base + first + k`,
 * and positions outside the arrays are skipped (a query range may cut a day). With
 * `expectIntervalS`, a block on another grid is corrupt rather than silently misplaced.
 */
export function decodeBlockInto(
  bytes: Uint8Array, values: Float64Array, quality: Uint8Array, reason: Uint8Array, base: number, expectIntervalS?: number,
): DecodedInto {
  const r = new ByteReader(bytes);
  const h = readHeader(r, expectIntervalS);
  const runAt = r.pos;
  const runs = r.uvarint();
  if (runs > h.count) blockCorrupt(`${runs} runs for ${h.count} intervals`, runAt);
  let total = 0;
  let reasons = false;
  for (let k = 0; k < runs; k++) {
    const at = r.pos;
    const q = r.byte();
    const rc = r.byte();
    const len = r.uvarint();
    if (q > QUALITY.V) blockCorrupt(`quality code ${q}`, at);
    if (len === 0 || total + len > h.count) blockCorrupt(`run length ${len}`, at);
    runQ[k] = q;
    runR[k] = rc;
    runLen[k] = len;
    total += len;
    if (rc !== 0) reasons = true;
  }
  if (total !== h.count) blockCorrupt(`runs cover ${total} of ${h.count} intervals`, r.pos);
  readValues(r, runs, values, quality, reason, base + h.first, h.step);
  if (!r.done) blockCorrupt('trailing bytes', r.pos);
  return { ...h, reasons };
}

function readValues(r: ByteReader, runs: number, values: Float64Array, quality: Uint8Array, reason: Uint8Array, start: number, step: number): void {
  const n = values.length;
  let p = start;
  let prev = 0;
  for (let k = 0; k < runs; k++) {
    const q = runQ[k]!;
    const rc = runR[k]!;
    const end = p + runLen[k]!;
    for (; p < end; p++) {
      let v = 0;
      if (q !== N) {
        const at = r.pos;
        prev += r.zigzag();
        v = prev * step;
        if (v > MAX_VALUE || v < -MAX_VALUE) blockCorrupt(`value ${v} outside ±2^50`, at);
      }
      if (p >= 0 && p < n) {
        values[p] = v;
        quality[p] = q;
        reason[p] = rc;
      }
    }
  }
}

export function decodeBlock(bytes: Uint8Array): Required<DayBlock> {
  const h = readBlockHeader(bytes);
  const values = new Float64Array(h.count);
  const quality = new Uint8Array(h.count);
  const reason = new Uint8Array(h.count);
  decodeBlockInto(bytes, values, quality, reason, -h.first);
  return { intervalS: h.intervalS, first: h.first, values, quality, reason };
}
