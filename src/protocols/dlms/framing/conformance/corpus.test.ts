/**
 * Conformance against the shared corpus (read at test time, never copied into the repo):
 * dlms-cosem's HDLC and UDP-wrapper unit-test vectors, and athombv/node-dsmr-parser HAN-port
 * push captures with the HDLC header fields their upstream parser asserts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasCode } from '../../../../model/errors.ts';
import { addressValue, decodeHdlcFrame, encodeHdlcFrame, parseLlc, type DecodedHdlcFrame } from '../hdlc.ts';
import { HdlcFrameReader } from '../hdlc-reader.ts';
import { HdlcSegmentAssembler } from '../hdlc-segments.ts';
import { decodeWrapper, encodeWrapper } from '../wrapper.ts';

const CORPUS = fileURLToPath(new URL('../../../../../../shared/corpus/dlms/', import.meta.url));
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

interface Case { id: string; vectors: { name: string; hex: string }[] }
const cases = (file: string): Case[] => (JSON.parse(readFileSync(CORPUS + file, 'utf8')) as { cases: Case[] }).cases;
const vector = (file: string, idEnd: string, name: string): Uint8Array => {
  const c = cases(file).find((x) => x.id.endsWith(idEnd));
  assert.ok(c, `no case ${idEnd} in ${file}`);
  const v = c.vectors.find((x) => x.name === name);
  assert.ok(v, `no vector ${name} in ${idEnd}`);
  return hex(v.hex);
};

const HDLC = 'dlms-cosem__test_hdlc__test_hdlc.vectors.json';
const client = { size: 1, upper: 16 } as const;
const server = { size: 2, upper: 1, lower: 17 } as const;

test('dlms-cosem: format field A01D / A81D → length 29, segmented false / true', () => {
  for (const [name, seg] of [['test_hdlc_frame_format_field_from_bytes', false], ['test_hdlc_frame_format_filed_from_bytes_segmented', true]] as const) {
    const f = vector(HDLC, name, 'in_bytes');
    assert.equal(((f[0]! & 7) << 8) | f[1]!, 29);
    assert.equal((f[0]! & 0x08) !== 0, seg);
    assert.equal(f[0]! >> 4, 0xa);
  }
});

test('dlms-cosem: SNRM, UA, I (request and response) and UI frames decode as upstream constructs them and re-encode byte-exact', () => {
  const check = (id: string, name: string, expect: Partial<DecodedHdlcFrame>): void => {
    const bytes = vector(HDLC, id, name);
    const d = decodeHdlcFrame(bytes);
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(d[k as keyof DecodedHdlcFrame], v, `${id} ${k}`);
    assert.equal(toHex(encodeHdlcFrame(d)), toHex(bytes), id);
  };
  check('TestSnrmFrame::test_parses_correct', 'out_data', { destination: server, source: client, control: { kind: 'SNRM', pf: true } });
  check('TestUAFrame::test_from_bytes', 'in_data', { destination: client, source: server, control: { kind: 'UA', pf: true } });
  check('TestInformationFrame::test_construct', 'total', {
    destination: server, source: client, segmented: false, control: { kind: 'I', ns: 0, nr: 0, pf: true },
    info: vector(HDLC, 'TestInformationFrame::test_construct', 'information_part'),
  });
  check('TestInformationResponseFrame::test_contruct', 'total', {
    destination: client, source: server, segmented: false, control: { kind: 'I', ns: 0, nr: 1, pf: true },
    info: vector(HDLC, 'TestInformationResponseFrame::test_contruct', 'information_part'),
  });
  check('TestInformationResponseFrame::test_rebuild_frame', 'in_data', { control: { kind: 'I', ns: 0, nr: 1, pf: true } });
  check('TestUnnumberedInformationFrame::test_parse', 'data', { control: { kind: 'UI', pf: true }, segmented: false });
});

test('dlms-cosem: the UA information field and the I-frame LLC headers are exposed', () => {
  const ua = decodeHdlcFrame(vector(HDLC, 'TestUAFrame::test_from_bytes', 'in_data'));
  assert.equal(toHex(ua.info), '818012050' + '19A06019A070400000001080400000001');
  const req = decodeHdlcFrame(vector(HDLC, 'TestInformationFrame::test_construct', 'total'));
  assert.equal(parseLlc(req.info).llc, 'command');
  assert.equal(parseLlc(req.info).apdu[0], 0x60); // AARQ
  const res = decodeHdlcFrame(vector(HDLC, 'TestInformationResponseFrame::test_contruct', 'total'));
  assert.equal(parseLlc(res.info).llc, 'response');
  assert.equal(parseLlc(res.info).apdu[0], 0x61); // AARE
});

test('dlms-cosem: control fields 30 (I, N(R)=1, N(S)=0, final) and 13 (UI, final); enclosed-by-flags vector', () => {
  const i = vector(HDLC, 'TestInformationControlField::test_from_bytes', 'in_byte');
  const f = decodeHdlcFrame(encodeHdlcFrame({ segmented: false, destination: server, source: client, control: { kind: 'I', ns: 0, nr: 1, pf: true }, info: hex('E6E600') }));
  assert.equal(i[0], 0x30);
  assert.deepEqual(f.control, { kind: 'I', ns: 0, nr: 1, pf: true });
  assert.equal(vector(HDLC, 'TestUnnumberedInformationControlField::test_parse', 'data')[0], 0x13);
  const enclosed = vector(HDLC, 'test_frame_is_enclosed_by_hdlc_flag', 'data');
  assert.equal(enclosed[0], 0x7e);
  assert.equal(enclosed[enclosed.length - 1], 0x7e);
  assert.throws(() => decodeHdlcFrame(enclosed), (e) => hasCode(e, 'DLMS_HDLC_BAD_FRAME')); // flags alone are not a frame
});

test('dlms-cosem: UDP wrapper header 0001 0001 0001 0046 + 70-byte APDU', () => {
  const file = 'dlms-cosem__test_udp_message.vectors.json';
  for (const id of ['test_udp_message_from_bytes', 'test_upd_message_to_bytes']) {
    const header = vector(file, id, 'udp_header_data');
    const data = vector(file, id, 'dlms_data');
    const udp = Uint8Array.from([...header, ...data]);
    const pdu = decodeWrapper(udp);
    assert.equal(pdu.sourceWPort, 1);
    assert.equal(pdu.destinationWPort, 1);
    assert.equal(pdu.apdu.length, 70);
    assert.deepEqual(pdu.apdu, data);
    assert.equal(toHex(encodeWrapper({ sourceWPort: 1, destinationWPort: 1, apdu: data })), toHex(udp));
  }
});

interface AthomExpected { upstream_expected?: { hdlc?: { headers: { destinationAddress: number; sourceAddress: number; crc: { valid: boolean; value: number } }[]; footers: { crc: { valid: boolean; value: number } }[] } } }
const captures = readdirSync(CORPUS).filter((f) => f.startsWith('athombv__') && f.endsWith('.hex')).sort();

test('athombv corpus is present', () => assert.ok(captures.length >= 10, `found ${captures.length} captures`));

for (const file of captures) {
  const name = file.slice(0, -4);
  const stream = hex(readFileSync(CORPUS + file, 'utf8'));
  const expected = (JSON.parse(readFileSync(CORPUS + name + '.expected.json', 'utf8')) as AthomExpected).upstream_expected?.hdlc;

  test(`athombv ${name}: frames, addresses, HCS/FCS as upstream, byte-exact re-encode, reassembly`, () => {
    const lenient = expected?.footers.some((f) => !f.crc.valid) ?? false;
    const frames: DecodedHdlcFrame[] = [];
    const reader = new HdlcFrameReader(lenient ? { ignoreChecksums: true } : {});
    for (let i = 0; i < stream.length; i += 7) {
      reader.push(stream.subarray(i, i + 7));
      for (let f = reader.next(); f; f = reader.next()) frames.push(f);
    }
    assert.equal(reader.skippedBytes, 0);
    assert.ok(frames.length >= 1);
    if (expected) {
      assert.equal(frames.length, expected.headers.length);
      frames.forEach((f, i) => {
        const h = expected.headers[i]!;
        assert.equal(addressValue(f.destination), h.destinationAddress, `frame ${i} destination`);
        assert.equal(addressValue(f.source), h.sourceAddress, `frame ${i} source`);
        assert.equal(f.hcs, h.crc.value, `frame ${i} HCS`);
        assert.equal(f.fcs, expected.footers[i]!.crc.value, `frame ${i} FCS`);
      });
    }
    const assembler = new HdlcSegmentAssembler();
    const messages = frames.map((f) => assembler.push(f)).filter((m) => m !== undefined);
    assert.equal(messages.length, 1, 'one message per capture');
    const { llc, apdu } = parseLlc(messages[0]!);
    assert.equal(llc, 'response');
    assert.ok(apdu[0] === 0x0f || apdu[0] === 0xdb, `APDU tag 0x${apdu[0]!.toString(16)}`); // data-notification / general-glo-ciphering
    for (const f of frames) {
      const again = encodeHdlcFrame(f);
      if (!lenient) assert.deepEqual(decodeHdlcFrame(again), f);
    }
    if (!lenient) {
      const single = frames.length === 1 ? stream : undefined;
      if (single) assert.equal(toHex(encodeHdlcFrame(frames[0]!)), toHex(single));
    }
  });
}

test('athombv described-list: its wrong FCS (upstream: crc.valid false) is rejected as DLMS_HDLC_BAD_FCS by default', () => {
  const stream = hex(readFileSync(CORPUS + 'athombv__described-list.hex', 'utf8'));
  assert.throws(() => decodeHdlcFrame(stream), (e) => hasCode(e, 'DLMS_HDLC_BAD_FCS') && e.offset === stream.length - 3);
  const reader = new HdlcFrameReader();
  reader.push(stream);
  assert.throws(() => reader.next(), (e) => hasCode(e, 'DLMS_HDLC_BAD_FCS'));
  assert.equal(reader.next(), undefined);
});

test('athombv aidon-example-2: the segmented capture reassembles to the same APDU as the unsegmented one', () => {
  const frames = (file: string): DecodedHdlcFrame[] => {
    const r = new HdlcFrameReader();
    r.push(hex(readFileSync(CORPUS + file, 'utf8')));
    const out: DecodedHdlcFrame[] = [];
    for (let f = r.next(); f; f = r.next()) out.push(f);
    return out;
  };
  const seg = frames('athombv__aidon-example-2-segmented.hex');
  assert.deepEqual(seg.map((f) => f.segmented), [true, true, false]);
  const assembler = new HdlcSegmentAssembler();
  const message = seg.map((f) => assembler.push(f)).find((m) => m !== undefined)!;
  const plain = frames('athombv__aidon-example-2.hex');
  assert.equal(toHex(parseLlc(message).apdu), toHex(parseLlc(plain[0]!.info).apdu));
});

test('corrupting any one byte of a capture is detected (bad HCS, FCS or frame), never a wrong frame', () => {
  const stream = hex(readFileSync(CORPUS + 'athombv__iskra-1.hex', 'utf8'));
  for (let i = 1; i < stream.length - 1; i++) {
    const bad = stream.slice();
    bad[i] ^= 0x01;
    assert.throws(() => decodeHdlcFrame(bad), (e) =>
      hasCode(e, 'DLMS_HDLC_BAD_FCS') || hasCode(e, 'DLMS_HDLC_BAD_HCS') || hasCode(e, 'DLMS_HDLC_BAD_FRAME'), `byte ${i}`);
  }
});
