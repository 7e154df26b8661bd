import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVectors, assertRaises, fromHex, type Vector } from '../../_harness/index.ts';
import { decodeAll, decodeData } from './decode.ts';
import { encodeData } from './encode.ts';
import { d, type DlmsData } from './types.ts';
import { decodeLength, encodeLength } from './bytes.ts';

const codec = { decode: (b: Uint8Array) => decodeAll(b), encode: encodeData };
const dt = { year: 2018, month: 2, day: 12, dayOfWeek: 1, hour: 0, minute: 0, second: 0, hundredths: 0, deviation: -60, clockStatus: 0 };

const VECTORS: Vector<DlmsData>[] = [
  { name: 'null-data', hex: '00', expected: d.null() },
  { name: 'dont-care', hex: 'FF', expected: { type: 'dont-care' } },
  { name: 'boolean true', hex: '03 01', expected: d.boolean(true) },
  { name: 'boolean non-canonical 0x5A', hex: '03 5A', expected: d.boolean(true), generate: false },
  { name: 'bit-string 10 bits', hex: '04 0A B540', expected: d.bits('1011010101') },
  { name: 'double-long -2', hex: '05 FFFFFFFE', expected: d.i32(-2) },
  { name: 'double-long-unsigned max', hex: '06 FFFFFFFF', expected: d.u32(4294967295) },
  { name: 'octet-string logical name', hex: '09 06 0100010800FF', expected: d.octets('0100010800FF') },
  { name: 'visible-string', hex: '0A 03 414243', expected: d.visible('ABC') },
  { name: 'utf8-string', hex: '0C 03 E282AC', expected: d.utf8('€') },
  { name: 'bcd', hex: '0D 42', expected: { type: 'bcd', value: 0x42 } },
  { name: 'integer -128', hex: '0F 80', expected: d.i8(-128) },
  { name: 'long -32768', hex: '10 8000', expected: d.i16(-32768) },
  { name: 'unsigned 255', hex: '11 FF', expected: d.u8(255) },
  { name: 'long-unsigned 0x1234', hex: '12 1234', expected: d.u16(0x1234) },
  { name: 'long64 min', hex: '14 8000000000000000', expected: d.i64(-(2n ** 63n)) },
  { name: 'long64-unsigned max', hex: '15 FFFFFFFFFFFFFFFF', expected: d.u64(2n ** 64n - 1n) },
  { name: 'enum 30 (Wh)', hex: '16 1E', expected: d.enum(30) },
  { name: 'float32 1.5', hex: '17 3FC00000', expected: d.f32(1.5) },
  { name: 'float64 -0.1', hex: '18 BFB999999999999A', expected: d.f64(-0.1) },
  { name: 'date-time', hex: '19 07E2020C01000000 00 FFC4 00', expected: d.dateTime(dt) },
  {
    name: 'date with markers',
    hex: '1A FFFF FE FE FF',
    expected: d.date({ year: null, month: 'dst-begin', day: 'last', dayOfWeek: null }),
  },
  { name: 'time unspecified hundredths', hex: '1B 173B3BFF', expected: d.time({ hour: 23, minute: 59, second: 59, hundredths: null }) },
  { name: 'empty array', hex: '01 00', expected: d.array() },
  {
    name: 'structure {logical name, scaler-unit}',
    hex: '02 02 09 06 0100010800FF 02 02 0F FD 16 1E',
    expected: d.structure(d.octets('0100010800FF'), d.structure(d.i8(-3), d.enum(30))),
  },
  { name: 'octet-string with 0x81 length', hex: '09 81 80' + '00'.repeat(128), expected: d.octets(new Uint8Array(128)) },
  { name: 'octet-string, non-minimal length 0x81 0x02', hex: '09 81 02 AABB', expected: d.octets('AABB'), generate: false },
  {
    name: 'compact-array of long-unsigned',
    hex: '13 12 06 0001 0002 0003',
    expected: d.compact({ type: 'long-unsigned' }, d.u16(1), d.u16(2), d.u16(3)),
  },
  {
    name: 'compact-array of structure{octet-string, double-long-unsigned}',
    hex: '13 02 02 09 06  0E 02 0102 00000005  02 0304 00000006',
    expected: d.compact(
      { type: 'structure', elements: [{ type: 'octet-string' }, { type: 'double-long-unsigned' }] },
      d.structure(d.octets('0102'), d.u32(5)),
      d.structure(d.octets('0304'), d.u32(6)),
    ),
  },
  {
    name: 'compact-array of array[2] of unsigned',
    hex: '13 01 0002 11 04 0102 0304',
    expected: d.compact({ type: 'array', count: 2, element: { type: 'unsigned' } }, d.array(d.u8(1), d.u8(2)), d.array(d.u8(3), d.u8(4))),
  },
  // Rejections, with offsets.
  { name: 'unknown tag 0x07', hex: '07', raises: 'DLMS_BAD_TAG', offset: 0 },
  { name: 'delta tag 0x1C', hex: '02 01 1C 00', raises: 'DLMS_BAD_TAG', offset: 2 },
  { name: 'truncated double-long-unsigned', hex: '06 0000', raises: 'DLMS_TRUNCATED', offset: 1 },
  { name: 'truncated octet-string', hex: '09 05 0102', raises: 'DLMS_TRUNCATED', offset: 2 },
  { name: 'array count larger than input', hex: '01 82 FFFF 00', raises: 'DLMS_TRUNCATED', offset: 1 },
  { name: 'length prefix 0x85', hex: '09 85 0000000001 00', raises: 'DLMS_BAD_LENGTH', offset: 1 },
  { name: 'empty input', hex: '', raises: 'DLMS_TRUNCATED', offset: 0 },
  { name: 'trailing octet', hex: '11 01 00', raises: 'DLMS_TRAILING_DATA', offset: 2 },
  { name: 'date-time month 13', hex: '19 07E20D0C01000000 00 FFC4 00', raises: 'DLMS_BAD_DATETIME', offset: 3 },
  { name: 'date-time deviation 721', hex: '19 07E2020C01000000 00 02D1 00', raises: 'DLMS_BAD_DATETIME', offset: 10 },
  { name: 'compact-array of null-data cannot fill contents', hex: '13 00 02 0000', raises: 'DLMS_BAD_LENGTH', offset: 3 },
  { name: 'compact-array describing compact-array', hex: '13 13 00', raises: 'DLMS_BAD_TAG', offset: 1 },
  { name: 'nesting 40 deep', hex: '0101'.repeat(40) + '00', raises: 'DLMS_TOO_DEEP' },
];

runVectors('axdr', codec, VECTORS);

test('decodeData reports the end offset and starts anywhere', () => {
  const bytes = fromHex('AA 11 05 12 0102');
  assert.deepEqual(decodeData(bytes, 1), { value: d.u8(5), end: 3 });
  assert.deepEqual(decodeData(bytes, 3), { value: d.u16(0x0102), end: 6 });
});

test('A-XDR length forms (upstream test_get_axdr_length vectors)', () => {
  assert.deepEqual(decodeLength(fromHex('820F0F')), { length: 0x0f0f, end: 3 });
  assert.deepEqual(decodeLength(fromHex('09')), { length: 9, end: 1 });
  assert.deepEqual(decodeLength(fromHex('84 01000000')), { length: 0x1000000, end: 5 });
  for (const n of [0, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000, 0xffffffff]) {
    const enc = Uint8Array.from(encodeLength(n));
    assert.deepEqual(decodeLength(enc), { length: n, end: enc.length });
  }
  assert.deepEqual(encodeLength(0x80), [0x81, 0x80]);
  assert.deepEqual(encodeLength(0x1234), [0x82, 0x12, 0x34]);
  assertRaises(() => encodeLength(-1), 'DLMS_BAD_LENGTH');
  assertRaises(() => decodeLength(fromHex('82 01')), 'DLMS_TRUNCATED', 1);
});

test('encode range-checks every integer type', () => {
  const cases: [DlmsData, boolean][] = [
    [d.i8(128), false], [d.i8(-129), false], [d.u8(256), false], [d.u8(-1), false], [d.u8(1.5), false],
    [d.i16(32768), false], [d.u16(65536), false], [d.i32(2 ** 31), false], [d.u32(2 ** 32), false],
    [d.enum(256), false], [{ type: 'bcd', value: 300 }, false], [d.u8(Number.NaN), false],
    [d.i64(2n ** 63n), false], [d.u64(-1n), false], [d.u64(2n ** 64n), false],
    [{ type: 'long64', value: 1 } as unknown as DlmsData, false],
    [d.i8(-128), true], [d.u32(0), true], [d.u64(0n), true],
  ];
  for (const [v, ok] of cases) {
    if (ok) encodeData(v);
    else assertRaises(() => encodeData(v), 'DLMS_BAD_VALUE');
  }
  assertRaises(() => encodeData(d.visible('€')), 'DLMS_BAD_VALUE');
});

test('encode checks compact-array elements against the description', () => {
  assertRaises(() => encodeData(d.compact({ type: 'unsigned' }, d.u16(1))), 'DLMS_SHAPE_MISMATCH');
  assertRaises(() => encodeData(d.compact({ type: 'array', count: 2, element: { type: 'unsigned' } }, d.array(d.u8(1)))), 'DLMS_SHAPE_MISMATCH');
  assertRaises(() => encodeData(d.compact({ type: 'structure', elements: [{ type: 'unsigned' }] }, d.structure())), 'DLMS_SHAPE_MISMATCH');
});

test('encode refuses values nested beyond the depth limit', () => {
  let v: DlmsData = d.null();
  for (let i = 0; i < 40; i++) v = d.array(v);
  assertRaises(() => encodeData(v), 'DLMS_TOO_DEEP');
});

test('a zero-size element budget stops huge compact arrays of nested empty arrays', () => {
  // array[65535] of array[65535] of null-data in 0 content octets would be 4e9 values; then 1 octet.
  assertRaises(() => decodeAll(fromHex('13 01 FFFF 01 FFFF 00 01 00')), 'DLMS_BAD_LENGTH');
});
