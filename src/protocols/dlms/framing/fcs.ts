/**
 * CRC-16/X.25 — the HDLC frame check sequence (FCS) and header check sequence (HCS) of
 * IEC 62056-46 (poly 0x1021 reflected = 0x8408, init 0xFFFF, refin/refout, xorout 0xFFFF).
 * On the wire the 16-bit value is sent least-significant byte first.
 */

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/X.25 of `bytes[start, end)`. */
export function crc16x25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return (crc ^ 0xffff) & 0xffff;
}

/** Writes `crc` little-endian (LSB first, as HDLC transmits it) at `offset`. */
export function writeCrc(out: Uint8Array, offset: number, crc: number): void {
  out[offset] = crc & 0xff;
  out[offset + 1] = (crc >>> 8) & 0xff;
}

/** Reads a little-endian CRC at `offset`. */
export function readCrc(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8);
}
