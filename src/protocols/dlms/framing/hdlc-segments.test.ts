import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import type { HdlcFrame } from './hdlc.ts';
import { HdlcSegmentAssembler } from './hdlc-segments.ts';

const a1 = { size: 1, upper: 1 } as const;
const a2 = { size: 1, upper: 2 } as const;
const f = (info: number[], segmented: boolean, source: HdlcFrame['source'] = a2): HdlcFrame =>
  ({ segmented, destination: a1, source, control: { kind: 'I', ns: 0, nr: 0, pf: false }, info: Uint8Array.from(info) });

test('an unsegmented frame passes straight through', () => {
  assert.deepEqual(new HdlcSegmentAssembler().push(f([1, 2], false)), Uint8Array.of(1, 2));
});

test('segments are concatenated until the frame without the segmentation bit', () => {
  const s = new HdlcSegmentAssembler();
  assert.equal(s.push(f([1], true)), undefined);
  assert.equal(s.pending, true);
  assert.equal(s.push({ ...f([], false), control: { kind: 'RR', nr: 1, pf: true } }), undefined); // ignored
  assert.equal(s.push(f([2, 3], true)), undefined);
  assert.deepEqual(s.push(f([4], false)), Uint8Array.of(1, 2, 3, 4));
  assert.equal(s.pending, false);
});

test('a segment from another source is DLMS_HDLC_BAD_SEGMENT and drops what was pending', () => {
  const s = new HdlcSegmentAssembler();
  s.push(f([1], true));
  assert.throws(() => s.push(f([2], false, { size: 1, upper: 3 })), (e) => hasCode(e, 'DLMS_HDLC_BAD_SEGMENT'));
  assert.equal(s.pending, false);
});

test('reassembly beyond maxInfoSize is DLMS_FRAME_TOO_LONG', () => {
  const s = new HdlcSegmentAssembler({ maxInfoSize: 3 });
  s.push(f([1, 2], true));
  assert.throws(() => s.push(f([3, 4], false)), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
});
