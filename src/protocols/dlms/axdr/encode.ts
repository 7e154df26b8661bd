/**
 * A-XDR encoder: DlmsData → bytes, shortest length forms. Every value is range-checked against its
 * type (DLMS_BAD_VALUE), compact-array elements against their type description (DLMS_SHAPE_MISMATCH).
 */
import { DlmsError } from '../errors.ts';
import { Writer } from './bytes.ts';
import { DATE_SIZE, DATE_TIME_SIZE, TIME_SIZE, writeDate, writeDateTime, writeTime } from './datetime.ts';
import { DEFAULT_MAX_DEPTH } from './decode.ts';
import { BIGINT_TYPES, INT_TYPES, TAG, type DlmsData, type TypeDescription } from './types.ts';

export function encodeData(value: DlmsData): Uint8Array {
  const w = new Writer();
  encodeTagged(w, value, 0);
  return w.result();
}

const badValue = (msg: string): DlmsError => new DlmsError('DLMS_BAD_VALUE', msg);

function deeper(depth: number): number {
  if (depth >= DEFAULT_MAX_DEPTH) throw new DlmsError('DLMS_TOO_DEEP', `value nests deeper than ${DEFAULT_MAX_DEPTH}`);
  return depth + 1;
}

function encodeTagged(w: Writer, v: DlmsData, depth: number): void {
  const tag = (TAG as Record<string, number>)[v.type];
  if (tag === undefined) throw new DlmsError('DLMS_BAD_TAG', `"${String(v.type)}" is not an A-XDR data type`);
  w.u8(tag);
  switch (v.type) {
    case 'array':
    case 'structure': {
      const inner = deeper(depth);
      w.length(v.value.length);
      for (const e of v.value) encodeTagged(w, e, inner);
      return;
    }
    case 'compact-array': {
      const inner = deeper(depth);
      writeDescription(w, v.description, inner);
      const body = new Writer();
      for (const e of v.value) encodeUntagged(body, v.description, e, inner);
      const bytes = body.result();
      w.length(bytes.length);
      w.bytes(bytes);
      return;
    }
    default:
      encodeContent(w, v);
  }
}

function writeDescription(w: Writer, desc: TypeDescription, depth: number): void {
  const tag = (TAG as Record<string, number>)[desc.type];
  if (tag === undefined || (desc.type as string) === 'compact-array') throw new DlmsError('DLMS_BAD_TAG', `"${String(desc.type)}" cannot describe a compact-array element`);
  w.u8(tag);
  if (desc.type === 'array') {
    if (!Number.isInteger(desc.count) || desc.count < 0 || desc.count > 0xffff) throw badValue(`array description count ${desc.count} is not 0..65535`);
    w.bytes([desc.count >> 8, desc.count & 0xff]);
    writeDescription(w, desc.element, deeper(depth));
  } else if (desc.type === 'structure') {
    w.length(desc.elements.length);
    for (const e of desc.elements) writeDescription(w, e, deeper(depth));
  }
}

function encodeUntagged(w: Writer, desc: TypeDescription, v: DlmsData, depth: number): void {
  if (v.type !== desc.type) throw new DlmsError('DLMS_SHAPE_MISMATCH', `compact-array element is ${v.type}, its description says ${desc.type}`);
  if (desc.type === 'array' && v.type === 'array') {
    if (v.value.length !== desc.count) throw new DlmsError('DLMS_SHAPE_MISMATCH', `array of ${v.value.length} where the description says ${desc.count}`);
    for (const e of v.value) encodeUntagged(w, desc.element, e, deeper(depth));
  } else if (desc.type === 'structure' && v.type === 'structure') {
    if (v.value.length !== desc.elements.length) {
      throw new DlmsError('DLMS_SHAPE_MISMATCH', `structure of ${v.value.length} where the description says ${desc.elements.length}`);
    }
    v.value.forEach((e, i) => encodeUntagged(w, desc.elements[i]!, e, deeper(depth)));
  } else {
    encodeContent(w, v);
  }
}

function encodeContent(w: Writer, v: DlmsData): void {
  switch (v.type) {
    case 'null-data':
    case 'dont-care':
      return;
    case 'boolean':
    {
      const b: unknown = v.value;
      if (typeof b !== 'boolean') throw badValue(`boolean value ${String(b)} is not true/false`);
      w.u8(b ? 1 : 0);
      return;
    }
    case 'integer':
    case 'long':
    case 'double-long':
    case 'unsigned':
    case 'long-unsigned':
    case 'double-long-unsigned':
    case 'enum':
    case 'bcd': {
      const { size, signed, min, max } = INT_TYPES[v.type];
      const n: unknown = v.value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw badValue(`${v.type} value ${String(n)} is not an integer ${min}..${max}`);
      w.fixed(size, (dv, at) => {
        if (size === 1) signed ? dv.setInt8(at, n) : dv.setUint8(at, n);
        else if (size === 2) signed ? dv.setInt16(at, n) : dv.setUint16(at, n);
        else signed ? dv.setInt32(at, n) : dv.setUint32(at, n);
      });
      return;
    }
    case 'long64':
    case 'long64-unsigned': {
      const { min, max } = BIGINT_TYPES[v.type];
      const n: unknown = v.value;
      if (typeof n !== 'bigint' || n < min || n > max) throw badValue(`${v.type} value ${String(n)} is not a bigint ${min}..${max}`);
      const signed = v.type === 'long64';
      w.fixed(8, (dv, at) => (signed ? dv.setBigInt64(at, n) : dv.setBigUint64(at, n)));
      return;
    }
    case 'float32':
    case 'float64':
      {
        const n: unknown = v.value;
        if (typeof n !== 'number') throw badValue(`${v.type} value ${String(n)} is not a number`);
        const f32 = v.type === 'float32';
        w.fixed(f32 ? 4 : 8, (dv, at) => (f32 ? dv.setFloat32(at, n) : dv.setFloat64(at, n)));
      }
      return;
    case 'date-time':
      writeInto(w, DATE_TIME_SIZE, (out) => writeDateTime(v.value, out, 0));
      return;
    case 'date':
      writeInto(w, DATE_SIZE, (out) => writeDate(v.value, out, 0));
      return;
    case 'time':
      writeInto(w, TIME_SIZE, (out) => writeTime(v.value, out, 0));
      return;
    case 'bit-string': {
      const bits = v.value;
      const out = new Uint8Array(Math.ceil(bits.length / 8));
      bits.forEach((b, i) => {
        if (b) out[i >> 3]! |= 0x80 >> (i & 7);
      });
      w.length(bits.length);
      w.bytes(out);
      return;
    }
    case 'octet-string':
      if (!(v.value instanceof Uint8Array)) throw badValue('octet-string value is not a Uint8Array');
      w.length(v.value.length);
      w.bytes(v.value);
      return;
    case 'visible-string': {
      const out = new Uint8Array(v.value.length);
      for (let i = 0; i < v.value.length; i++) {
        const c = v.value.charCodeAt(i);
        if (c > 0xff) throw badValue(`visible-string character U+${c.toString(16)} at ${i} is not one octet`);
        out[i] = c;
      }
      w.length(out.length);
      w.bytes(out);
      return;
    }
    case 'utf8-string': {
      const out = new TextEncoder().encode(v.value);
      w.length(out.length);
      w.bytes(out);
      return;
    }
    case 'array':
    case 'structure':
    case 'compact-array':
      throw new DlmsError('DLMS_SHAPE_MISMATCH', `${v.type} has no simple content`);
  }
}

function writeInto(w: Writer, size: number, fill: (out: Uint8Array) => void): void {
  const out = new Uint8Array(size);
  fill(out);
  w.bytes(out);
}
