/**
 * A-XDR decoder: bytes → DlmsData. Sans-IO and bounded: nesting is limited (DLMS_TOO_DEEP), every
 * length and element count is checked against the octets left before anything is allocated, and a
 * node budget stops compact arrays of zero-size elements from expanding without end.
 */
import { DlmsError } from '../errors.ts';
import { Reader } from './bytes.ts';
import { readDate, readDateTime, readTime } from './datetime.ts';
import {
  FIXED_SIZE,
  INT_TYPES,
  TYPE_BY_TAG,
  type BigIntType,
  type DlmsData,
  type DlmsType,
  type IntType,
  type TypeDescription,
} from './types.ts';

export interface DecodeOptions {
  /** Maximum nesting of arrays/structures/compact arrays (and type descriptions). Default 32. */
  readonly maxDepth?: number;
  /** Maximum number of values produced; default 64 + 8 × input length. */
  readonly maxNodes?: number;
}

interface Ctx {
  readonly r: Reader;
  readonly maxDepth: number;
  nodes: number;
  readonly maxNodes: number;
}

export const DEFAULT_MAX_DEPTH = 32;

/** Decode one tagged value at `offset`; `end` is the offset after it. */
export function decodeData(bytes: Uint8Array, offset = 0, opts: DecodeOptions = {}): { value: DlmsData; end: number } {
  const ctx: Ctx = {
    r: new Reader(bytes, offset),
    maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH,
    nodes: 0,
    maxNodes: opts.maxNodes ?? 64 + 8 * bytes.length,
  };
  const value = decodeTagged(ctx, 0);
  return { value, end: ctx.r.pos };
}

/** Decode exactly one value filling all of `bytes` (DLMS_TRAILING_DATA otherwise). */
export function decodeAll(bytes: Uint8Array, opts: DecodeOptions = {}): DlmsData {
  const { value, end } = decodeData(bytes, 0, opts);
  if (end !== bytes.length) {
    throw new DlmsError('DLMS_TRAILING_DATA', `${bytes.length - end} octet(s) left after the value at offset ${end}`, { offset: end });
  }
  return value;
}

function count(ctx: Ctx, what: string): void {
  if (++ctx.nodes > ctx.maxNodes) {
    throw new DlmsError('DLMS_BAD_LENGTH', `${what} at offset ${ctx.r.pos} exceeds the budget of ${ctx.maxNodes} values`, { offset: ctx.r.pos });
  }
}

function deeper(ctx: Ctx, depth: number, at: number): number {
  if (depth >= ctx.maxDepth) throw new DlmsError('DLMS_TOO_DEEP', `nesting deeper than ${ctx.maxDepth} at offset ${at}`, { offset: at });
  return depth + 1;
}

function typeOfTag(tag: number, at: number): DlmsType {
  const type = TYPE_BY_TAG.get(tag);
  if (type === undefined) throw new DlmsError('DLMS_BAD_TAG', `0x${tag.toString(16).padStart(2, '0')} at offset ${at} is not an A-XDR data type`, { offset: at });
  return type;
}

function decodeTagged(ctx: Ctx, depth: number): DlmsData {
  const at = ctx.r.pos;
  const type = typeOfTag(ctx.r.u8('data tag'), at);
  count(ctx, type);
  switch (type) {
    case 'array':
    case 'structure': {
      const inner = deeper(ctx, depth, at);
      const n = elementCount(ctx, type);
      const value: DlmsData[] = new Array(n);
      for (let i = 0; i < n; i++) value[i] = decodeTagged(ctx, inner);
      return { type, value };
    }
    case 'compact-array':
      return decodeCompact(ctx, deeper(ctx, depth, at));
    default:
      return decodeSimple(ctx, type);
  }
}

/** An element count, each element needing at least one octet. */
function elementCount(ctx: Ctx, what: string): number {
  const at = ctx.r.pos;
  const n = ctx.r.length(`${what} element count`);
  if (n > ctx.r.remaining) {
    throw new DlmsError('DLMS_TRUNCATED', `${what} of ${n} elements at offset ${at} cannot fit in the ${ctx.r.remaining} octet(s) left`, { offset: at });
  }
  return n;
}

function decodeSimple(ctx: Ctx, type: Exclude<DlmsType, 'array' | 'structure' | 'compact-array'>): DlmsData {
  const r = ctx.r;
  const at = r.pos;
  const size = FIXED_SIZE[type];
  if (size !== undefined) r.need(size, type);
  switch (type) {
    case 'null-data':
    case 'dont-care':
      return { type };
    case 'boolean':
      return { type, value: r.bytes[r.pos++] !== 0 };
    case 'integer':
    case 'long':
    case 'double-long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long-unsigned':
    case 'enum':
    case 'bcd':
      return { type, value: readInt(r, type) };
    case 'long64':
    case 'long64-unsigned':
      return { type, value: readBigInt(r, type) };
    case 'float32':
      r.pos += 4;
      return { type, value: r.data.getFloat32(at) };
    case 'float64':
      r.pos += 8;
      return { type, value: r.data.getFloat64(at) };
    case 'date-time':
      r.pos += 12;
      return { type, value: readDateTime(r.bytes, at) };
    case 'date':
      r.pos += 5;
      return { type, value: readDate(r.bytes, at) };
    case 'time':
      r.pos += 4;
      return { type, value: readTime(r.bytes, at) };
    case 'bit-string': {
      const bits = r.length('bit-string length');
      const octets = Math.ceil(bits / 8);
      const data = r.take(octets, 'bit-string');
      const value: boolean[] = new Array(bits);
      for (let i = 0; i < bits; i++) value[i] = (data[i >> 3]! & (0x80 >> (i & 7))) !== 0;
      return { type, value };
    }
    case 'octet-string':
      return { type, value: r.take(r.length('octet-string length'), 'octet-string') };
    case 'visible-string':
      return { type, value: latin1(r.take(r.length('visible-string length'), 'visible-string')) };
    case 'utf8-string':
      return { type, value: UTF8.decode(r.take(r.length('utf8-string length'), 'utf8-string')) };
  }
}

const UTF8 = new TextDecoder('utf-8');

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function readInt(r: Reader, type: IntType): number {
  const { size, signed } = INT_TYPES[type];
  const at = r.pos;
  r.pos += size;
  if (size === 1) return signed ? r.data.getInt8(at) : r.data.getUint8(at);
  if (size === 2) return signed ? r.data.getInt16(at) : r.data.getUint16(at);
  return signed ? r.data.getInt32(at) : r.data.getUint32(at);
}

function readBigInt(r: Reader, type: BigIntType): bigint {
  const at = r.pos;
  r.pos += 8;
  return type === 'long64' ? r.data.getBigInt64(at) : r.data.getBigUint64(at);
}

// --- compact-array ------------------------------------------------------------------------------

function decodeCompact(ctx: Ctx, depth: number): DlmsData {
  const description = readDescription(ctx, depth);
  const r = ctx.r;
  const at = r.pos;
  const len = r.length('compact-array contents length');
  r.need(len, 'compact-array contents');
  const end = r.pos + len;
  const value: DlmsData[] = [];
  while (r.pos < end) {
    const start = r.pos;
    const sub = new Reader(r.bytes, r.pos, end);
    const inner: Ctx = { r: sub, maxDepth: ctx.maxDepth, nodes: ctx.nodes, maxNodes: ctx.maxNodes };
    value.push(decodeUntagged(inner, description, depth));
    ctx.nodes = inner.nodes;
    r.pos = sub.pos;
    if (r.pos === start) {
      throw new DlmsError('DLMS_BAD_LENGTH', `compact-array at offset ${at}: elements of zero size cannot fill ${len} octet(s)`, { offset: start });
    }
  }
  return { type: 'compact-array', description, value };
}

function readDescription(ctx: Ctx, depth: number): TypeDescription {
  const r = ctx.r;
  const at = r.pos;
  const type = typeOfTag(r.u8('type description tag'), at);
  count(ctx, 'type description');
  if (type === 'compact-array') {
    throw new DlmsError('DLMS_BAD_TAG', `compact-array cannot describe its own elements (offset ${at})`, { offset: at });
  }
  if (type === 'array') {
    const inner = deeper(ctx, depth, at);
    r.need(2, 'array description count');
    const n = r.data.getUint16(r.pos);
    r.pos += 2;
    return { type, count: n, element: readDescription(ctx, inner) };
  }
  if (type === 'structure') {
    const inner = deeper(ctx, depth, at);
    const n = elementCount(ctx, 'structure description');
    const elements: TypeDescription[] = new Array(n);
    for (let i = 0; i < n; i++) elements[i] = readDescription(ctx, inner);
    return { type, elements };
  }
  return { type };
}

function decodeUntagged(ctx: Ctx, desc: TypeDescription, depth: number): DlmsData {
  count(ctx, desc.type);
  if (desc.type === 'array') {
    const value: DlmsData[] = new Array<DlmsData>();
    for (let i = 0; i < desc.count; i++) value.push(decodeUntagged(ctx, desc.element, depth + 1));
    return { type: 'array', value };
  }
  if (desc.type === 'structure') {
    return { type: 'structure', value: desc.elements.map((e) => decodeUntagged(ctx, e, depth + 1)) };
  }
  return decodeSimple(ctx, desc.type);
}

/** Check that `data` has a tag the caller expects; returns it narrowed. */
export function expectType<T extends DlmsType>(data: DlmsData, type: T, offset?: number): Extract<DlmsData, { type: T }> {
  if (data.type !== type) {
    throw new DlmsError('DLMS_SHAPE_MISMATCH', `expected ${type}, got ${data.type}`, offset === undefined ? {} : { offset });
  }
  return data as Extract<DlmsData, { type: T }>;
}
