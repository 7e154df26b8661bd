/**
 * Byte plumbing for the APDU codecs: a bounds-checked reader whose every failure is a DlmsError
 * carrying the byte offset (DLMS_TRUNCATED when octets run out, DLMS_BAD_APDU for a bad field),
 * and a chunked writer that appends big payloads (raw data blocks) without copying them octet by octet.
 */
import { DlmsError } from '../errors.ts';
import { encodeLength, Reader } from '../axdr/bytes.ts';

export function bad(message: string, offset: number): DlmsError {
  return new DlmsError('DLMS_BAD_APDU', message, { offset });
}

export const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

/** The A-XDR reader (bounds checks, lengths, DLMS_TRUNCATED with offsets) plus what APDUs need. */
export class ApduReader extends Reader {
  i8(what: string): number {
    const b = this.u8(what);
    return b >= 0x80 ? b - 0x100 : b;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** A view (no copy) of the next `n` octets. */
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length (or element count) that must fit, at `minEach` octets per unit, in what is left. */
  count(what: string, minEach = 1): number {
    const at = this.pos;
    const n = this.length(what);
    if (n * minEach > this.remaining) {
      throw new DlmsError('DLMS_TRUNCATED', `${what} ${n} at offset ${at} cannot fit in the ${this.remaining} octet(s) left`, { offset: at });
    }
    return n;
  }

  /** A-XDR BOOLEAN: exactly 0x00 or 0x01. */
  bool(what: string): boolean {
    const at = this.pos;
    const b = this.u8(what);
    if (b > 1) throw bad(`${what} ${hex2(b)} at offset ${at} is not a boolean (0x00/0x01)`, at);
    return b === 1;
  }

  /** A-XDR OPTIONAL / CHOICE presence octet: 0x00 absent, 0x01 present. */
  present(what: string): boolean {
    return this.bool(`${what} presence flag`);
  }

  /** One octet that must be one of `allowed`. */
  choice<T extends number>(what: string, allowed: readonly T[]): T {
    const at = this.pos;
    const b = this.u8(what);
    if (!(allowed as readonly number[]).includes(b)) throw bad(`${what} ${hex2(b)} at offset ${at} is not one of ${allowed.join(', ')}`, at);
    return b as T;
  }

  /** A length-prefixed octet string (copied). */
  octets(what: string): Uint8Array {
    const n = this.count(`${what} length`);
    return this.take(n, what);
  }

  expectEnd(what: string): void {
    if (this.pos !== this.end) throw bad(`${this.end - this.pos} octet(s) left after the ${what} at offset ${this.pos}`, this.pos);
  }
}

function checkUint(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new DlmsError('DLMS_BAD_VALUE', `${what} ${String(v)} is not an integer 0..${max}`);
  return v;
}

export class ApduWriter {
  private readonly chunks: Uint8Array[] = [];
  private cur: number[] = [];
  private size = 0;

  u8(v: number, what = 'octet'): this {
    this.cur.push(checkUint(v, 0xff, what));
    return this;
  }

  i8(v: number, what = 'Integer8'): this {
    if (!Number.isInteger(v) || v < -128 || v > 127) throw new DlmsError('DLMS_BAD_VALUE', `${what} ${String(v)} is not an integer -128..127`);
    this.cur.push(v & 0xff);
    return this;
  }

  u16(v: number, what = 'Unsigned16'): this {
    checkUint(v, 0xffff, what);
    this.cur.push(v >> 8, v & 0xff);
    return this;
  }

  u32(v: number, what = 'Unsigned32'): this {
    checkUint(v, 0xffffffff, what);
    this.cur.push(Math.floor(v / 0x1000000), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  bool(v: boolean): this {
    this.cur.push(v ? 1 : 0);
    return this;
  }

  length(n: number, what = 'length'): this {
    checkUint(n, 0xffffffff, what);
    this.cur.push(...encodeLength(n));
    return this;
  }

  bytes(b: Uint8Array): this {
    if (b.length < 64) {
      for (const x of b) this.cur.push(x);
      return this;
    }
    this.flush();
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  /** A length-prefixed octet string. */
  octets(b: Uint8Array, what = 'octet string'): this {
    return this.length(b.length, `${what} length`).bytes(b);
  }

  private flush(): void {
    if (this.cur.length === 0) return;
    this.chunks.push(Uint8Array.from(this.cur));
    this.size += this.cur.length;
    this.cur = [];
  }

  result(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return Uint8Array.from(this.chunks[0]!);
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Checks that an OBIS logical name is exactly 6 octets. */
export function checkLogicalName(ln: Uint8Array, what = 'logical name'): Uint8Array {
  if (ln.length !== 6) throw new DlmsError('DLMS_BAD_VALUE', `${what} has ${ln.length} octet(s), not 6`);
  return ln;
}
