import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc16x25, readCrc, writeCrc } from './fcs.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

test('CRC-16/X.25 check value of "123456789" is 0x906E', () => {
  assert.equal(crc16x25(ascii('123456789')), 0x906e);
});

test('CRC of the empty input is 0x0000', () => {
  assert.equal(crc16x25(new Uint8Array(0)), 0x0000);
});

test('the HCS and FCS of a real SNRM frame (dlms-cosem) verify', () => {
  // 7E A0 08 02 23 21 93 BD 64 7E — no information field, so only an FCS (BD 64, LSB first).
  const frame = hex('7EA00802232193BD647E');
  assert.equal(crc16x25(frame, 1, 7), readCrc(frame, 7));
  assert.equal(crc16x25(frame, 1, 7), 0x64bd);
});

test('range arguments equal slicing', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(64), fc.nat(64), (b, x, y) => {
      const s = Math.min(x, y, b.length);
      const e = Math.min(Math.max(x, y), b.length);
      assert.equal(crc16x25(b, s, e), crc16x25(b.slice(s, e)));
    }),
  );
});

test('appending the CRC LSB-first gives the constant X.25 residue', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const out = new Uint8Array(b.length + 2);
      out.set(b);
      writeCrc(out, b.length, crc16x25(b));
      assert.equal(readCrc(out, b.length), crc16x25(b));
      assert.equal(crc16x25(out) ^ 0xffff, 0xf0b8);
    }),
  );
});
