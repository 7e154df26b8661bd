/**
 * The P1 telegram CRC: CRC-16/ARC (polynomial x^16+x^15+x^2+1 reflected = 0xA001, init 0, no final
 * XOR), over every byte from "/" up to and including "!", sent as 4 hex digits MSB first.
 *
 * Slice-by-8: eight 256-entry tables let one step take eight bytes (after two bytes the 16-bit
 * register has shifted out completely, so the other six only look up their own table). Measured
 * about twice as fast as the byte-wise table on a 1 kB telegram, and the CRC is most of a parse.
 */
const T = (() => {
  const t = new Uint16Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const p = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (p >>> 8) ^ t[p & 0xff]!;
    }
  }
  return t;
})();

export function crc16Arc(d: Uint8Array, start = 0, end = d.length): number {
  let crc = 0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    crc = T[1792 + ((crc ^ d[i]!) & 0xff)]! ^ T[1536 + (((crc >>> 8) ^ d[i + 1]!) & 0xff)]! ^ T[1280 + d[i + 2]!]! ^ T[1024 + d[i + 3]!]!
      ^ T[768 + d[i + 4]!]! ^ T[512 + d[i + 5]!]! ^ T[256 + d[i + 6]!]! ^ T[d[i + 7]!]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ T[(crc ^ d[i]!) & 0xff]!;
  return crc;
}

/** The same over a latin1 string (char codes 0..255 are the wire bytes). */
export function crc16ArcText(s: string, start = 0, end = s.length): number {
  let crc = 0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    crc = T[1792 + ((crc ^ s.charCodeAt(i)) & 0xff)]! ^ T[1536 + (((crc >>> 8) ^ s.charCodeAt(i + 1)) & 0xff)]!
      ^ T[1280 + (s.charCodeAt(i + 2) & 0xff)]! ^ T[1024 + (s.charCodeAt(i + 3) & 0xff)]! ^ T[768 + (s.charCodeAt(i + 4) & 0xff)]!
      ^ T[512 + (s.charCodeAt(i + 5) & 0xff)]! ^ T[256 + (s.charCodeAt(i + 6) & 0xff)]! ^ T[s.charCodeAt(i + 7) & 0xff]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ T[(crc ^ s.charCodeAt(i)) & 0xff]!;
  return crc;
}

/** As a telegram writes it: 4 upper-case hex digits. */
export function crcHex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
