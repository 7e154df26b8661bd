import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDlmsError } from '../errors.ts';
import { decodeHdlcFrame, encodeHdlcFrame, type HdlcAddress, type HdlcControl, type HdlcFrame } from './hdlc.ts';
import { HdlcFrameReader } from './hdlc-reader.ts';
import { decodeWrapper, encodeWrapper, WrapperReader, type WrapperPdu } from './wrapper.ts';

const seq = fc.integer({ min: 0, max: 7 });
const address: fc.Arbitrary<HdlcAddress> = fc.oneof(
  fc.record({ size: fc.constant(1 as const), upper: fc.integer({ min: 0, max: 0x7f }) }),
  fc.record({ size: fc.constant(2 as const), upper: fc.integer({ min: 0, max: 0x7f }), lower: fc.integer({ min: 0, max: 0x7f }) }),
  fc.record({ size: fc.constant(4 as const), upper: fc.integer({ min: 0, max: 0x3fff }), lower: fc.integer({ min: 0, max: 0x3fff }) }),
);
const control: fc.Arbitrary<HdlcControl> = fc.oneof(
  fc.record({ kind: fc.constant('I' as const), ns: seq, nr: seq, pf: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('RR' as const, 'RNR' as const), nr: seq, pf: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('SNRM' as const, 'DISC' as const, 'UA' as const, 'DM' as const, 'FRMR' as const, 'UI' as const), pf: fc.boolean() }),
);
/** Info fields up to what the 11-bit length leaves (2047 − 15 bytes of overhead at most). */
const frame = (maxInfo: number): fc.Arbitrary<HdlcFrame> =>
  fc.record({ segmented: fc.boolean(), destination: address, source: address, control, info: fc.uint8Array({ maxLength: maxInfo }) });

/** Splits bytes into chunks at random cut points. */
const chunked = (bytes: Uint8Array, cuts: number[]): Uint8Array[] => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) { out.push(bytes.subarray(prev, p)); prev = p; }
  return out;
};
const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const x of parts) { out.set(x, p); p += x.length; }
  return out;
};
const strip = ({ segmented, destination, source, control: c, info }: HdlcFrame): HdlcFrame => ({ segmented, destination, source, control: c, info });

test('HDLC encode → decode round-trips random frames (info 0..2032 bytes)', () => {
  fc.assert(fc.property(frame(2032), (f) => {
    const d = decodeHdlcFrame(encodeHdlcFrame(f));
    assert.deepEqual(strip(d), structuredClone(f));
    assert.equal((d.hcs === undefined), f.info.length === 0);
  }), { numRuns: 300 });
});

test('HdlcFrameReader returns exactly the N frames of a stream cut into random chunks (own or shared flags)', () => {
  fc.assert(fc.property(fc.array(frame(300), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), fc.boolean(), (frames, cuts, share) => {
    const encoded = frames.map((f, i) => (share && i > 0 ? encodeHdlcFrame(f).subarray(1) : encodeHdlcFrame(f)));
    const r = new HdlcFrameReader();
    const got: HdlcFrame[] = [];
    for (const chunk of chunked(concat(encoded), cuts)) {
      r.push(chunk);
      for (let f = r.next(); f; f = r.next()) got.push(strip(f));
    }
    assert.deepEqual(got, structuredClone(frames));
    assert.equal(r.skippedBytes, 0);
  }), { numRuns: 200 });
});

test('garbage (no flag, no A-type format byte) between frames is skipped and every frame still arrives', () => {
  const noise = fc.uint8Array({ maxLength: 30 }).map((b) => b.map((x) => (x === 0x7e || x >> 4 === 0xa ? 0x55 : x)));
  fc.assert(fc.property(fc.array(fc.tuple(noise, frame(100)), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (items, cuts) => {
    const r = new HdlcFrameReader();
    const got: HdlcFrame[] = [];
    for (const chunk of chunked(concat(items.flatMap(([g, f]) => [g, encodeHdlcFrame(f)])), cuts)) {
      r.push(chunk);
      for (let f = r.next(); f; f = r.next()) got.push(strip(f));
    }
    assert.equal(got.length, items.length);
    assert.equal(r.skippedBytes, items.reduce((n, [g]) => n + g.length, 0));
  }), { numRuns: 200 });
});

const typedOnly = (run: () => void): void => {
  try { run(); } catch (e) { assert.ok(isDlmsError(e), `untyped error: ${String(e)}`); }
};

test('fuzz: random and mutated bytes never throw anything but DlmsError and never hang', () => {
  const mutated = fc.tuple(frame(64), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
    .map(([f, muts]) => { const b = encodeHdlcFrame(f).slice(); for (const [i, v] of muts) b[i % b.length] = v; return b; });
  const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated, fc.uint8Array({ maxLength: 60 }).map((b) => b.map((x) => (x % 3 === 0 ? 0x7e : x))));
  fc.assert(fc.property(fc.array(input, { maxLength: 5 }), (chunks) => {
    typedOnly(() => decodeHdlcFrame(concat(chunks)));
    typedOnly(() => decodeWrapper(concat(chunks)));
    const hr = new HdlcFrameReader({ maxFrameSize: 128 });
    const wr = new WrapperReader({ maxLength: 128 });
    let steps = 0;
    for (const c of chunks) {
      hr.push(c);
      wr.push(c);
      for (let more = true; more; steps++) {
        assert.ok(steps < 10_000, 'reader loops');
        try { more = hr.next() !== undefined; } catch (e) { assert.ok(isDlmsError(e)); more = true; }
      }
      typedOnly(() => { for (let pdu = wr.next(); pdu; pdu = wr.next()) steps++; });
    }
  }), { numRuns: 500 });
});

const pdu: fc.Arbitrary<WrapperPdu> = fc.record({
  sourceWPort: fc.integer({ min: 0, max: 0xffff }), destinationWPort: fc.integer({ min: 0, max: 0xffff }), apdu: fc.uint8Array({ maxLength: 2048 }),
});

test('wrapper encode → decode round-trips, and WrapperReader returns the N PDUs of a chunked stream', () => {
  fc.assert(fc.property(fc.array(pdu, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (pdus, cuts) => {
    for (const p of pdus) assert.deepEqual(decodeWrapper(encodeWrapper(p)), structuredClone(p));
    const r = new WrapperReader();
    const got: WrapperPdu[] = [];
    for (const chunk of chunked(concat(pdus.map(encodeWrapper)), cuts)) {
      r.push(chunk);
      for (let p = r.next(); p; p = r.next()) got.push(p);
    }
    assert.deepEqual(got, structuredClone(pdus));
    assert.equal(r.buffered, 0);
  }), { numRuns: 200 });
});
