import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { decodeWrapper, encodeWrapper, WrapperReader } from './wrapper.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

test('encode and decode a wrapper PDU', () => {
  const bytes = encodeWrapper({ sourceWPort: 0x10, destinationWPort: 1, apdu: hex('C001C100080000010000FF0200') });
  assert.equal(toHex(bytes), '000100100001000DC001C100080000010000FF0200');
  assert.deepEqual(decodeWrapper(bytes), { sourceWPort: 0x10, destinationWPort: 1, apdu: hex('C001C100080000010000FF0200') });
});

test('version other than 1 is DLMS_WRAPPER_BAD_VERSION, length mismatch DLMS_WRAPPER_BAD_LENGTH', () => {
  assert.throws(() => decodeWrapper(hex('0002001000010001C0')), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_VERSION') && e.offset === 0);
  assert.throws(() => decodeWrapper(hex('0001001000010002C0')), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_LENGTH') && e.offset === 6);
  assert.throws(() => decodeWrapper(hex('0001001000010000C0')), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_LENGTH'));
  assert.throws(() => decodeWrapper(hex('00010010')), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_LENGTH'));
  assert.throws(() => encodeWrapper({ sourceWPort: 1, destinationWPort: 1, apdu: new Uint8Array(0x10000) }), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
});

test('the reader resumes on partial headers and bodies and splits several PDUs per chunk', () => {
  const a = encodeWrapper({ sourceWPort: 1, destinationWPort: 16, apdu: hex('0102030405') });
  const b = encodeWrapper({ sourceWPort: 1, destinationWPort: 16, apdu: new Uint8Array(0) });
  const stream = Uint8Array.from([...a, ...b, ...a]);
  const r = new WrapperReader();
  const got: string[] = [];
  const cuts = [0, 3, 9, 13, 14, 30, stream.length];
  for (let i = 1; i < cuts.length; i++) {
    r.push(stream.subarray(cuts[i - 1]!, cuts[i]!));
    for (let pdu = r.next(); pdu; pdu = r.next()) got.push(toHex(pdu.apdu));
  }
  assert.deepEqual(got, ['0102030405', '', '0102030405']);
  assert.equal(r.buffered, 0);
});

test('a length over maxLength is DLMS_FRAME_TOO_LONG from the header alone, and the reader stays failed', () => {
  const r = new WrapperReader({ maxLength: 4 });
  r.push(hex('0001000100100005'));
  assert.throws(() => r.next(), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG') && e.offset === 6);
  r.push(encodeWrapper({ sourceWPort: 1, destinationWPort: 1, apdu: hex('01') }));
  assert.throws(() => r.next(), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
});

test('a bad version mid-stream carries the stream offset', () => {
  const r = new WrapperReader();
  r.push(encodeWrapper({ sourceWPort: 1, destinationWPort: 1, apdu: hex('AA') }));
  r.push(hex('0000000100010000'));
  assert.equal(toHex(r.next()!.apdu), 'AA');
  assert.throws(() => r.next(), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_VERSION') && e.offset === 9);
});
