import { MeterstackError } from '../../model/index.ts';

/**
 * LEB128 varints and zig-zag varints for block payloads. Deltas of values within ±2^50 reach
 * ±2^51 and their zig-zag 2^52, beyond int32: small numbers take a bitwise path (the common case by
 * far), large ones plain arithmetic, which is exact below 2^53.
 */

const FAST_LIMIT = 0x40000000; // |d| < 2^30 keeps the zig-zag result below 2^31
/** Largest zig-zag code a valid block holds: |delta| ≤ 2^51. */
const MAX_ZIGZAG = 2 ** 52;
/** ceil(53 / 7): a longer varint cannot be a valid code. */
const MAX_VARINT_BYTES = 8;

/** Writes the zig-zag varint of an integer |d| ≤ 2^51 at pos; returns the position after it. */
export function writeZigzag(buf: Uint8Array, pos: number, d: number): number {
  if (d > -FAST_LIMIT && d < FAST_LIMIT) {
    let z = (d << 1) ^ (d >> 31);
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    return pos;
  }
  let z = d >= 0 ? d * 2 : -d * 2 - 1;
  while (z >= 0x80) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** Writes an unsigned varint u < 2^31 (header fields, run lengths). */
export function writeUvarint(buf: Uint8Array, pos: number, u: number): number {
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

function corrupt(why: string, offset: number): never {
  throw new MeterstackError('BLOCK_CORRUPT', `interval block: ${why} at byte ${offset}`, { offset });
}

/** Sequential reader over untrusted bytes: every read is bounds-checked and bounded in length. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) corrupt('unexpected end', this.pos);
    this.pos++;
    return b;
  }

  /** Unsigned varint below 2^28 (4 bytes), enough for any header field or run length. */
  uvarint(): number {
    const at = this.pos;
    let u = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      u |= (b & 0x7f) << shift;
      if (b < 0x80) return u;
    }
    return corrupt('varint too long', at);
  }

  zigzag(): number {
    const buf = this.buf;
    const b0 = buf[this.pos];
    if (b0 !== undefined && b0 < 0x80) {
      this.pos++;
      return (b0 >>> 1) ^ -(b0 & 1);
    }
    return this.zigzagLong();
  }

  private zigzagLong(): number {
    const at = this.pos;
    let z = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.byte();
      z += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (z > MAX_ZIGZAG) corrupt('delta out of range', at);
        if (z < 0x80000000) return (z >>> 1) ^ -(z & 1);
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      scale *= 128;
    }
    return corrupt('varint too long', at);
  }
}

export function blockCorrupt(why: string, offset: number): never {
  return corrupt(why, offset);
}
