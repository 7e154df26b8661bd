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
/** Length-prefixed octet-oriented types: octet-string, visible-string, utf8-string (1), by tag. */
const OCTET = new Uint8Array(256);
OCTET[9] = OCTET[10] = OCTET[12] = 1;
/** Most tag and length octets a uniform-array template may compare per element. */
const MAX_TEMPLATE = 64;

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
  } else if (FIXED[tag]! < 0 && OCTET[tag] === 0 && tag !== 4) {
    throw badTag(tag, at);
  }
}

/** Moves past `n` octets of content, without making a view of them. */
function skipOctets(r: ApduReader, n: number, what: string): void {
  if (r.end - r.pos < n) r.need(n, what);
  r.pos += n;
}

function skipValue(r: ApduReader, depth: number): void {
  const at = r.pos;
  if (depth > DEFAULT_MAX_DEPTH) throw tooDeep(at);
  const tag = r.u8('data tag');
  const fixed = FIXED[tag]!;
  if (fixed >= 0) {
    skipOctets(r, fixed, `${hex2(tag)} value`);
  } else if (tag === 1) {
    skipElements(r, r.count('array element count'), depth + 1);
  } else if (tag === 2) {
    const n = r.count('structure element count');
    for (let i = 0; i < n; i++) skipValue(r, depth + 1);
  } else if (OCTET[tag] === 1) {
    skipOctets(r, r.length('string length'), 'string');
  } else if (tag === 4) {
    skipOctets(r, Math.ceil(r.length('bit-string length') / 8), 'bit-string');
  } else if (tag === 19) {
    skipDescription(r, depth + 1);
    skipOctets(r, r.length('compact array contents length'), 'compact array contents');
  } else {
    throw badTag(tag, at);
  }
}

/**
 * The `n` elements of an array. The first is checked in full; its tag and length octets then
 * form a template: a later element whose octets at those places are the same has the same shape
 * and the same size, so it is valid and skipped in one step (a load-profile row costs a handful
 * of comparisons). Any other element is checked in full, so the result and the errors are those
 * of checking every element.
 */
function skipElements(r: ApduReader, n: number, depth: number): void {
  if (n === 0) return;
  const first = r.pos;
  skipValue(r, depth);
  if (n === 1) return;
  const stride = r.pos - first;
  const heads = template(r.bytes, first, r.pos);
  const b = r.bytes;
  for (let i = 1; i < n; i++) {
    const at = r.pos;
    if (heads !== null && at + stride <= r.end) {
      let same = true;
      for (let k = 0; k < heads.length; k++) {
        const o = heads[k]!;
        if (b[at + o] !== b[first + o]) {
          same = false;
          break;
        }
      }
      if (same) {
        r.pos = at + stride;
        continue;
      }
    }
    skipValue(r, depth);
  }
}

/**
 * Offsets (from `start`) of every tag and length octet of the already checked value at
 * [start, end); null when the value holds a compact array or needs more than MAX_TEMPLATE of them.
 */
function template(b: Uint8Array, start: number, end: number): number[] | null {
  const heads: number[] = [];
  return templateAt(b, start, start, heads) === end ? heads : null;
}

function templateAt(b: Uint8Array, start: number, pos: number, heads: number[]): number {
  if (heads.length >= MAX_TEMPLATE) return -1;
  heads.push(pos - start);
  const tag = b[pos++]!;
  const fixed = FIXED[tag]!;
  if (fixed >= 0) return pos + fixed;
  if (tag === 19) return -1;
  let len = b[pos]!;
  heads.push(pos++ - start);
  if (len >= 0x80) {
    const k = len & 0x7f;
    len = 0;
    for (let i = 0; i < k; i++) {
      len = len * 256 + b[pos]!;
      heads.push(pos++ - start);
    }
  }
  if (tag === 1 || tag === 2) {
    for (let i = 0; i < len && pos >= 0; i++) pos = templateAt(b, start, pos, heads);
    return pos;
  }
  return pos + (tag === 4 ? Math.ceil(len / 8) : len);
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
