import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import {
  addressValue, decodeAddress, decodeControl, decodeHdlcFrame, encodeAddress, encodeControl, encodeHdlcFrame,
  parseLlc, withLlc, type HdlcFrame,
} from './hdlc.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const server = { size: 2, upper: 1, lower: 17 } as const;
const client = { size: 1, upper: 16 } as const;

test('SNRM from client 16 to server 1/17 encodes as 7EA00802232193BD647E', () => {
  const snrm: HdlcFrame = { segmented: false, destination: server, source: client, control: { kind: 'SNRM', pf: true }, info: new Uint8Array(0) };
  assert.equal(toHex(encodeHdlcFrame(snrm)), '7EA00802232193BD647E');
  const d = decodeHdlcFrame(hex('7EA00802232193BD647E'));
  assert.deepEqual(d.destination, server);
  assert.deepEqual(d.source, client);
  assert.deepEqual(d.control, { kind: 'SNRM', pf: true });
  assert.equal(d.hcs, undefined);
  assert.equal(d.fcs, 0x64bd);
});

test('control bytes: every U/S/I form round-trips', () => {
  for (const [b, c] of [
    [0x93, { kind: 'SNRM', pf: true }], [0x53, { kind: 'DISC', pf: true }], [0x73, { kind: 'UA', pf: true }],
    [0x1f, { kind: 'DM', pf: true }], [0x97, { kind: 'FRMR', pf: true }], [0x13, { kind: 'UI', pf: true }],
    [0x03, { kind: 'UI', pf: false }], [0x30, { kind: 'I', ns: 0, nr: 1, pf: true }], [0x10, { kind: 'I', ns: 0, nr: 0, pf: true }],
    [0xf1, { kind: 'RR', nr: 7, pf: true }], [0x25, { kind: 'RNR', nr: 1, pf: false }], [0xfe, { kind: 'I', ns: 7, nr: 7, pf: true }],
  ] as const) {
    assert.deepEqual(decodeControl(b), c);
    assert.equal(encodeControl(c), b);
  }
});

test('unsupported control bytes (REJ, SREJ, unknown U) are DLMS_HDLC_BAD_FRAME with the offset', () => {
  for (const b of [0x09, 0x0d, 0x2f, 0xff]) assert.throws(() => decodeControl(b, 5), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME') && e.offset === 5);
});

test('addresses of 1, 2 and 4 bytes', () => {
  assert.equal(toHex(encodeAddress({ size: 1, upper: 16 })), '21');
  assert.equal(toHex(encodeAddress({ size: 2, upper: 1, lower: 17 })), '0223');
  const four = { size: 4, upper: 0x3fff, lower: 0x1234 } as const;
  assert.deepEqual(decodeAddress(encodeAddress(four), 0), four);
  assert.equal(addressValue({ size: 2, upper: 4, lower: 65 }), 577);
  assert.throws(() => decodeAddress(hex('020406'), 0, 3), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME')); // runs out
  assert.throws(() => decodeAddress(hex('020401'), 0), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME')); // 3 bytes
  assert.throws(() => encodeAddress({ size: 1, upper: 0x80 }), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME'));
  assert.throws(() => encodeAddress({ size: 2, upper: 1 }), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME'));
});

test('bad HCS and bad FCS are rejected with their codes and offsets; ignoreChecksums accepts them', () => {
  const good = hex('7EA02C02232110AF9FE6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFFC5E47E');
  const badHcs = good.slice(); badHcs[7] ^= 1;
  assert.throws(() => decodeHdlcFrame(badHcs), (e) => hasCode(e, 'DLMS_HDLC_BAD_HCS') && e.offset === 7);
  const badFcs = good.slice(); badFcs[20] ^= 0x40;
  assert.throws(() => decodeHdlcFrame(badFcs), (e) => hasCode(e, 'DLMS_HDLC_BAD_FCS') && e.offset === good.length - 3);
  assert.equal(decodeHdlcFrame(badFcs, { ignoreChecksums: true }).info[11], good[20]! ^ 0x40);
});

test('malformed frames are DLMS_HDLC_BAD_FRAME', () => {
  for (const h of ['7EA0', '7EA00802232193BD6400', '00A00802232193BD647E', '7EB00802232193BD647E', '7EA00902232193BD647E', '7EA00A022321930000BD647E']) {
    assert.throws(() => decodeHdlcFrame(hex(h)), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME'), h);
  }
});

test('frames longer than the 11-bit length cannot be encoded', () => {
  const f: HdlcFrame = { segmented: false, destination: server, source: client, control: { kind: 'UI', pf: false }, info: new Uint8Array(2040) };
  assert.throws(() => encodeHdlcFrame(f), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
});

test('LLC header is exposed and split, not hidden', () => {
  assert.deepEqual(parseLlc(hex('E6E7000F01')), { llc: 'response', apdu: hex('0F01') });
  assert.deepEqual(parseLlc(hex('E6E600C001')), { llc: 'command', apdu: hex('C001') });
  assert.deepEqual(parseLlc(hex('0F01')), { llc: undefined, apdu: hex('0F01') });
  assert.equal(toHex(withLlc('command', hex('C0'))), 'E6E600C0');
});
