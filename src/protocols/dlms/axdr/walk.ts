/**
 * Fast path for load-profile buffers: an array of uniform structures walked straight into columnar
 * typed arrays (one Float64Array per column; date-time columns hold epoch seconds), validating
 * every tag on the way but building no DlmsData objects. null-data cells become NaN.
 */
import { DlmsError } from '../errors.ts';
import { Reader } from './bytes.ts';
import { cosemDateTimeToUtc, daysFromCivil, readDateTime, type ToUtcOptions } from './datetime.ts';
import { TAG, type BigIntType, type FloatType, type IntType } from './types.ts';

/** What a column must hold: a specific numeric type, any numeric type, or a date-time (tag 25 or 12-octet octet-string). */
export type ColumnType = 'date-time' | 'numeric' | IntType | BigIntType | FloatType;

export interface WalkOptions extends ToUtcOptions {
  readonly offset?: number;
  /** Index of a date-time column whose clock status octet (octet 12 of the date-time) to report per row. */
  readonly statusColumn?: number;
}

export interface ProfileColumns {
  readonly rows: number;
  /** One column per ColumnType; the columns (and `clockStatus`) are views into one ArrayBuffer of their own. */
  readonly columns: Float64Array[];
  /** Offset after the array. */
  readonly end: number;
  /** With `statusColumn`: that column's clock status octet per row (0xFF for a null cell). */
  readonly clockStatus?: Uint8Array;
}

/** Numeric tags (the integer, unsigned, enum and float types), by tag. */
const NUMERIC = new Uint8Array(256);
for (const t of [5, 6, 15, 16, 17, 18, 20, 21, 22, 23, 24, 13]) NUMERIC[t] = 1;
const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Column kinds in the per-column plan: a date-time, any numeric type, or one specific tag (≥ 0). */
const DATE = -2;
const ANY_NUMBER = -1;

const mismatch = (msg: string, offset: number): DlmsError => new DlmsError('DLMS_SHAPE_MISMATCH', msg, { offset });
const truncated = (what: string, offset: number): DlmsError =>
  new DlmsError('DLMS_TRUNCATED', `${what} at offset ${offset} is cut short`, { offset });

export function walkProfile(bytes: Uint8Array, columns: readonly ColumnType[], opts: WalkOptions = {}): ProfileColumns {
  const r = new Reader(bytes, opts.offset ?? 0);
  const at = r.pos;
  if (r.u8('array tag') !== TAG.array) throw mismatch(`expected an array at offset ${at}`, at);
  const countAt = r.pos;
  const rows = r.length('array element count');
  const width = columns.length;
  if (rows * (2 + width) > r.remaining) {
    throw new DlmsError('DLMS_TRUNCATED', `${rows} rows of ${width} columns cannot fit in the ${r.remaining} octet(s) left`, { offset: countAt });
  }
  const statusCol = opts.statusColumn ?? -1;
  if (statusCol >= 0 && columns[statusCol] !== 'date-time') {
    throw new DlmsError('DLMS_BAD_VALUE', `status column ${statusCol} is not a date-time column`);
  }
  // One backing store for all columns: allocating an ArrayBuffer costs far more than a view on one.
  const memory = new ArrayBuffer(rows * width * 8 + (statusCol >= 0 ? rows : 0));
  const kind: number[] = [];
  const out: Float64Array[] = [];
  for (let col = 0; col < width; col++) {
    const c = columns[col]!;
    kind.push(c === 'date-time' ? DATE : c === 'numeric' ? ANY_NUMBER : TAG[c]);
    out.push(new Float64Array(memory, col * rows * 8, rows));
  }
  const status = statusCol >= 0 ? new Uint8Array(memory, rows * width * 8, rows).fill(0xff) : undefined;
  const sign = opts.deviationSign === 'inverted' ? -1 : 1;
  const limit = r.end;
  let pos = r.pos;
  for (let row = 0; row < rows; row++) {
    const rowAt = pos;
    if (pos + 2 > limit) throw truncated('row structure header', pos);
    if (bytes[pos] !== TAG.structure) throw mismatch(`row ${row} at offset ${rowAt} is not a structure`, rowAt);
    let n = bytes[pos + 1]!;
    pos += 2;
    if (n >= 0x80) {
      r.pos = pos - 1;
      n = r.length('structure element count');
      pos = r.pos;
    }
    if (n !== width) throw mismatch(`row ${row} at offset ${rowAt} has ${n} elements, expected ${width}`, rowAt);
    for (let col = 0; col < width; col++) {
      const cellAt = pos;
      if (pos >= limit) throw truncated('data tag', pos);
      const tag = bytes[pos++]!;
      if (tag === TAG['null-data']) {
        out[col]![row] = NaN;
        continue;
      }
      const want = kind[col]!;
      if (want === DATE) {
        if (tag === TAG['octet-string']) {
          if (pos >= limit) throw truncated('octet-string length', pos);
          if (bytes[pos++] !== 12) throw mismatch(`row ${row} column ${col} at offset ${cellAt} is not a 12-octet date-time`, cellAt);
        } else if (tag !== TAG['date-time']) {
          throw mismatch(`row ${row} column ${col} at offset ${cellAt}: tag ${tag} is not a date-time`, cellAt);
        }
        if (pos + 12 > limit) throw truncated('date-time', pos);
        out[col]![row] = dateTimeAt(bytes, pos, sign, opts);
        if (col === statusCol) status![row] = bytes[pos + 11]!;
        pos += 12;
        continue;
      }
      if (want === ANY_NUMBER ? NUMERIC[tag] !== 1 : tag !== want) {
        throw mismatch(`row ${row} column ${col} at offset ${cellAt}: tag ${tag} is not ${columns[col]}`, cellAt);
      }
      if (tag === 6) {
        if (pos + 4 > limit) throw truncated('double-long-unsigned', pos);
        out[col]![row] = ((bytes[pos]! << 24) >>> 0) + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
        pos += 4;
      } else {
        r.pos = pos;
        out[col]![row] = numberAt(r, tag);
        pos = r.pos;
      }
    }
  }
  r.pos = pos;
  return status === undefined ? { rows, columns: out, end: pos } : { rows, columns: out, end: pos, clockStatus: status };
}

function numberAt(r: Reader, tag: number): number {
  const v = r.data;
  const at = r.pos;
  switch (tag) {
    case 6: r.need(4, 'double-long-unsigned'); r.pos += 4; return v.getUint32(at);
    case 5: r.need(4, 'double-long'); r.pos += 4; return v.getInt32(at);
    case 18: r.need(2, 'long-unsigned'); r.pos += 2; return v.getUint16(at);
    case 16: r.need(2, 'long'); r.pos += 2; return v.getInt16(at);
    case 17: case 22: case 13: r.need(1, 'unsigned'); r.pos += 1; return v.getUint8(at);
    case 15: r.need(1, 'integer'); r.pos += 1; return v.getInt8(at);
    case 20: r.need(8, 'long64'); r.pos += 8; return Number(v.getBigInt64(at));
    case 21: r.need(8, 'long64-unsigned'); r.pos += 8; return Number(v.getBigUint64(at));
    case 23: r.need(4, 'float32'); r.pos += 4; return v.getFloat32(at);
    default: r.need(8, 'float64'); r.pos += 8; return v.getFloat64(at);
  }
}

/** Inline conversion for fully specified date-times; anything else takes the validating slow path. */
function dateTimeAt(b: Uint8Array, at: number, sign: number, opts: ToUtcOptions): number {
  const year = (b[at]! << 8) | b[at + 1]!;
  const month = b[at + 2]!;
  const day = b[at + 3]!;
  const hour = b[at + 5]!;
  const minute = b[at + 6]!;
  const second = b[at + 7]!;
  const hs = b[at + 8]!;
  const devRaw = (b[at + 9]! << 8) | b[at + 10]!;
  const dev = devRaw >= 0x8000 ? devRaw - 0x10000 : devRaw;
  const dow = b[at + 4]!;
  const fast =
    year !== 0xffff && month >= 1 && month <= 12 && day >= 1 && day <= MONTH_DAYS[month]! && (month !== 2 || day < 29 || isLeap(year)) &&
    (dow === 0xff || (dow >= 1 && dow <= 7)) && hour <= 23 && minute <= 59 && (second <= 59 || second === 0xff) &&
    (hs <= 99 || hs === 0xff) && dev >= -720 && dev <= 720;
  if (!fast) return cosemDateTimeToUtc(readDateTime(b, at), opts);
  const naive = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + (second === 0xff ? 0 : second);
  return naive + sign * dev * 60 + (hs === 0xff ? 0 : hs / 100);
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
