import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc16Arc, crc16ArcText, crcHex } from './crc.ts';

/** The textbook bit-at-a-time CRC-16/ARC, to check the slice-by-8 tables against. */
function reference(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

test('DOMAIN.md §3 / Appendix A vectors: "123456789" → BB3D, the hello-world telegram → 25B5', () => {
  assert.equal(crc16ArcText('123456789'), 0xbb3d);
  assert.equal(crc16Arc(Buffer.from('123456789')), 0xbb3d);
  assert.equal(crc16ArcText('/TST512345\r\n\r\nHello, world!\r\n!'), 0x25b5);
  assert.equal(crcHex(0x0b9f), '0B9F');
});

test('slice-by-8 equals the bitwise CRC for any bytes and any start/end, on bytes and on latin1 text', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(), (bytes, a, b) => {
    const start = bytes.length ? a % bytes.length : 0;
    const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
    const want = reference(bytes.subarray(start, end));
    assert.equal(crc16Arc(bytes, start, end), want);
    assert.equal(crc16ArcText(Buffer.from(bytes).toString('latin1'), start, end), want);
  }), { numRuns: 500 });
});
