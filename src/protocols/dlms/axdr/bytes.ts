/**
 * Byte plumbing shared by the A-XDR decoder, encoder and walker: a bounds-checked cursor, the
 * BER-style length form and hex helpers. Every failure is a DlmsError carrying the byte offset.
 */
import { DlmsError } from '../errors.ts';

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new DlmsError('DLMS_BAD_VALUE', `"${hex.slice(0, 40)}" is not an even-length hex string`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/** A read cursor over one input buffer; `need` throws DLMS_TRUNCATED with the offset. */
export class Reader {
  readonly bytes: Uint8Array;
  readonly data: DataView;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new DlmsError('DLMS_TRUNCATED', `${what} needs ${n} octet(s) at offset ${this.pos}, ${Math.max(0, this.end - this.pos)} left`, {
        offset: this.pos,
      });
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A-XDR length: < 0x80 is the length itself, 0x81..0x84 announce 1..4 big-endian length octets. */
  length(what: string): number {
    const at = this.pos;
    const first = this.u8(what);
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) {
      throw new DlmsError('DLMS_BAD_LENGTH', `${what}: length prefix 0x${first.toString(16)} at offset ${at} is not 0x00..0x84`, { offset: at });
    }
    this.need(n, what);
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + this.bytes[this.pos++]!;
    return len;
  }
}

/** Length octets for `len` in the shortest form. */
export function encodeLength(len: number): number[] {
  if (!Number.isInteger(len) || len < 0 || len > 0xffffffff) {
    throw new DlmsError('DLMS_BAD_LENGTH', `length ${len} is not an integer 0..2^32-1`);
  }
  if (len < 0x80) return [len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/** Decode one A-XDR length at `offset`; returns the length and the offset after it. */
export function decodeLength(bytes: Uint8Array, offset = 0): { length: number; end: number } {
  const r = new Reader(bytes, offset);
  const length = r.length('length');
  return { length, end: r.pos };
}

/** A growable output buffer for the encoder. */
export class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bytes(b: ArrayLike<number>): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  length(len: number): void {
    this.bytes(encodeLength(len));
  }

  /** Reserve `n` octets and let `fill` write them through a DataView at the given position. */
  fixed(n: number, fill: (view: DataView, at: number) => void): void {
    this.ensure(n);
    fill(this.view, this.pos);
    this.pos += n;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
