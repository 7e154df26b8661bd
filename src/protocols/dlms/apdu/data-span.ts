/**
 * Embedded COSEM Data in APDUs is kept as the raw A-XDR octets (a zero-copy view into the decoded
 * input), so a caller can hand a large profile buffer straight to `walkProfile` without building a
 * tree first. `skipData` finds where one value ends, checking tags, lengths and nesting but
 * allocating nothing; `dataOf` decodes the value lazily (memoised per view).
 */
import { DlmsError } from '../errors.ts';
import { DEFAULT_MAX_DEPTH, decodeAll, type DlmsData } from '../axdr/index.ts';
import { ApduReader, hex2 } from './cursor.ts';

/** Content size of the fixed-size A-XDR types, by tag; -1 for the others. A table, not a Map:
 * skipping a 96-row profile buffer looks up ~500 tags per APDU. */
const FIXED = new Int8Array(256).fill(-1);
for (const [tag, size] of [
  [0, 0], [255, 0], [3, 1], [5, 4], [6, 4], [13, 1], [15, 1], [16, 2], [17, 1], [18, 2],
  [20, 8], [21, 8], [22, 1], [23, 4], [24, 8], [25, 12], [26, 5], [27, 4],
] as const) FIXED[tag] = size;
/** Length-prefixed octet-oriented types: octet-string, visible-string, utf8-string. */
const OCTET_TYPES = new Set([9, 10, 12]);

function tooDeep(at: number): DlmsError {
  return new DlmsError('DLMS_TOO_DEEP', `nesting deeper than ${DEFAULT_MAX_DEPTH} at offset ${at}`, { offset: at });
}

function badTag(tag: number, at: number): DlmsError {
  return new DlmsError('DLMS_BAD_TAG', `${hex2(tag)} at offset ${at} is not an A-XDR data type`, { offset: at });
}

function skipDescription(r: ApduReader, depth: number): void {
  const at = r.pos;
  if (depth > DEFAULT_MAX_DEPTH) throw tooDeep(at);
  const tag = r.u8('type description tag');
  if (tag === 1) {
    r.u16('compact array element count');
    skipDescription(r, depth + 1);
  } else if (tag === 2) {
    const n = r.count('structure description element count');
    for (let i = 0; i < n; i++) skipDescription(r, depth + 1);
  } else if (FIXED[tag]! < 0 && !OCTET_TYPES.has(tag) && tag !== 4) {
    throw badTag(tag, at);
  }
}

function skipValue(r: ApduReader, depth: number): void {
  const at = r.pos;
  if (depth > DEFAULT_MAX_DEPTH) throw tooDeep(at);
  const tag = r.u8('data tag');
  const fixed = FIXED[tag]!;
  if (fixed >= 0) {
    if (r.pos + fixed > r.end) r.need(fixed, `${hex2(tag)} value`);
    r.pos += fixed;
  } else if (tag === 1 || tag === 2) {
    const n = r.count(tag === 1 ? 'array element count' : 'structure element count');
    for (let i = 0; i < n; i++) skipValue(r, depth + 1);
  } else if (OCTET_TYPES.has(tag)) {
    r.view(r.length('string length'), 'string');
  } else if (tag === 4) {
    r.view(Math.ceil(r.length('bit-string length') / 8), 'bit-string');
  } else if (tag === 19) {
    skipDescription(r, depth + 1);
    r.view(r.length('compact array contents length'), 'compact array contents');
  } else {
    throw badTag(tag, at);
  }
}

/** Offset just after the one A-XDR value that starts at `offset`. */
export function skipData(bytes: Uint8Array, offset = 0, end = bytes.length): number {
  const r = new ApduReader(bytes, offset, end);
  skipValue(r, 0);
  return r.pos;
}

/** Reads one Data value's octets as a view into the input (checked with `skipData`). */
export function readDataView(r: ApduReader): Uint8Array {
  const start = r.pos;
  r.pos = skipData(r.bytes, start, r.end);
  return r.bytes.subarray(start, r.pos);
}

const decoded = new WeakMap<Uint8Array, DlmsData>();

/** The decoded value of embedded Data octets; decoded on first use and remembered. */
export function dataOf(raw: Uint8Array): DlmsData {
  let v = decoded.get(raw);
  if (v === undefined) {
    v = decodeAll(raw);
    decoded.set(raw, v);
  }
  return v;
}

/** Where a view returned by a decoder starts inside the input it was decoded from. */
export function offsetIn(input: Uint8Array, view: Uint8Array): number {
  const at = view.byteOffset - input.byteOffset;
  if (view.buffer !== input.buffer || at < 0 || at + view.length > input.length) {
    throw new DlmsError('DLMS_BAD_VALUE', 'the view does not lie inside the given input');
  }
  return at;
}
