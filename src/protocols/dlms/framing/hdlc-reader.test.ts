import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { HdlcFrameReader } from './hdlc-reader.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const SNRM = '7EA00802232193BD647E';
const I = '7EA02C02232110AF9FE6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFFC5E47E';

function readAll(r: HdlcFrameReader): { frames: number; errors: string[] } {
  const out = { frames: 0, errors: [] as string[] };
  for (let guard = 0; guard < 10_000; guard++) {
    try {
      if (r.next() === undefined) return out;
      out.frames++;
    } catch (e) {
      assert.ok(hasCode(e, 'DLMS_HDLC_BAD_FRAME') || hasCode(e, 'DLMS_HDLC_BAD_FCS') || hasCode(e, 'DLMS_HDLC_BAD_HCS') || hasCode(e, 'DLMS_FRAME_TOO_LONG'));
      out.errors.push(e.code);
    }
  }
  throw new Error('reader did not settle');
}

test('a frame fed one byte at a time comes out once, at its last byte', () => {
  const r = new HdlcFrameReader();
  const bytes = hex(I);
  for (let i = 0; i < bytes.length - 1; i++) { r.push(bytes.subarray(i, i + 1)); assert.equal(r.next(), undefined); }
  r.push(bytes.subarray(bytes.length - 1));
  assert.equal(r.next()?.control.kind, 'I');
  assert.equal(r.next(), undefined);
});

test('several frames in one chunk, with own flags and with a shared flag', () => {
  const r = new HdlcFrameReader();
  r.push(hex(SNRM + I + SNRM.slice(2) + '7E7E7E' + I.slice(2)));
  assert.deepEqual(readAll(r), { frames: 4, errors: [] });
  assert.equal(r.skippedBytes, 0);
});

test('garbage before and between frames is skipped and counted, not an error', () => {
  const r = new HdlcFrameReader();
  r.push(hex('0102030405' + SNRM + '1112131415161718' + I + '99'));
  assert.deepEqual(readAll(r), { frames: 2, errors: [] });
  assert.equal(r.skippedBytes, 5 + 8 + 1);
  assert.equal(r.buffered, 0);
});

test('a capture that starts mid-frame resyncs on the next frame', () => {
  const r = new HdlcFrameReader();
  r.push(hex(I.slice(20) + I));
  const res = readAll(r);
  assert.equal(res.frames, 1);
});

test('a bad FCS is thrown with its stream offset, the frame is skipped and the next one still comes', () => {
  const bad = hex(I);
  bad[30] ^= 0xff;
  const r = new HdlcFrameReader();
  r.push(hex(SNRM));
  r.push(bad);
  r.push(hex(SNRM));
  assert.equal(r.next()?.control.kind, 'SNRM');
  assert.throws(() => r.next(), (e) => hasCode(e, 'DLMS_HDLC_BAD_FCS') && e.offset === 10 + bad.length - 3);
  assert.equal(r.next()?.control.kind, 'SNRM');
  assert.equal(r.next(), undefined);
});

test('a missing closing flag is DLMS_HDLC_BAD_FRAME and the reader resyncs', () => {
  const r = new HdlcFrameReader();
  r.push(hex('7EA0080223219300' + SNRM));
  assert.deepEqual(readAll(r), { frames: 1, errors: ['DLMS_HDLC_BAD_FRAME'] });
});

test('frames over maxFrameSize are DLMS_FRAME_TOO_LONG as soon as the format field is seen', () => {
  const r = new HdlcFrameReader({ maxFrameSize: 20 });
  r.push(hex('7EA02C02'));
  assert.throws(() => r.next(), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG') && e.offset === 0);
  r.push(hex(SNRM));
  assert.equal(readAll(r).frames, 1);
});

test('a chunk of only noise is dropped, so the buffer does not grow', () => {
  const r = new HdlcFrameReader();
  for (let i = 0; i < 100; i++) { r.push(new Uint8Array(1000).fill(0x55)); assert.equal(r.next(), undefined); }
  assert.equal(r.buffered, 0);
  assert.equal(r.skippedBytes, 100_000);
});
