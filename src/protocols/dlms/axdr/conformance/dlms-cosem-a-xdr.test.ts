// Conformance against pwitab/dlms-cosem tests/test_a_xdr.py (MIT commit dc41293), read from the
// shared corpus at test time. Each test mirrors the upstream case's `asserts`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertRaises, fromHex, toHex } from '../../../_harness/index.ts';
import { decodeLength } from '../bytes.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets } from '../datetime.ts';
import { decodeAll, decodeData } from '../decode.ts';
import { encodeData } from '../encode.ts';
import type { DlmsData } from '../types.ts';
import { walkProfile } from '../walk.ts';

interface Case { id: string; vectors: { name: string; hex: string }[]; asserts: string[] }
const corpus = JSON.parse(
  readFileSync(new URL('../../../../../../shared/corpus/dlms/dlms-cosem__test_a_xdr.vectors.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const byName = (suffix: string): Case => {
  const c = corpus.cases.find((x) => x.id.endsWith(suffix));
  assert.ok(c, `corpus case ${suffix} missing`);
  return c;
};
const elems = (v: DlmsData): readonly DlmsData[] => {
  assert.ok(v.type === 'array' || v.type === 'structure', `expected a container, got ${v.type}`);
  return v.value;
};

test('corpus: every upstream A-XDR case is covered here', () => {
  assert.deepEqual(corpus.cases.map((c) => c.id.split('::').pop()).sort(), [
    'test_decode_array_and_structure', 'test_decode_long', 'test_get_axdr_length', 'test_gsm_diagnistics_cell_info', 'test_lte_monitoring_quality_of_service',
  ]);
});

test('test_decode_array_and_structure: 24 × {octet-string, int, int}, byte-exact re-encode, walker agrees', () => {
  const bytes = fromHex(byName('test_decode_array_and_structure').vectors[0]!.hex);
  assert.equal(bytes.length, 555); // len(data) == 555
  assert.equal(bytes[0], 0x00); // Choice: data (not data-access-result)
  const result = decodeAll(bytes.subarray(1));
  const rows = elems(result);
  assert.equal(rows.length, 24); // len(result) == 24
  for (const row of rows) {
    const [stamp, a, b] = elems(row);
    assert.equal(elems(row).length, 3); // len(result[0]) == 3
    assert.equal(stamp!.type, 'octet-string'); // bytearray
    assert.equal(a!.type, 'unsigned'); // int
    assert.equal(b!.type, 'double-long-unsigned'); // int
  }
  assert.equal(toHex(encodeData(result)), toHex(bytes.subarray(1)));
  const first = elems(rows[0]!);
  const dt = decodeDateTimeOctets((first[0] as { value: Uint8Array }).value);
  assert.deepEqual([dt.year, dt.month, dt.day, dt.hour, dt.deviation], [2018, 2, 12, 0, null]);
  assert.deepEqual([first[1], first[2]], [{ type: 'unsigned', value: 0 }, { type: 'double-long-unsigned', value: 100000 }]);
  const walked = walkProfile(bytes, ['date-time', 'unsigned', 'double-long-unsigned'], { offset: 1, fallbackZone: 'Europe/Stockholm' });
  assert.equal(walked.rows, 24);
  assert.equal(walked.end, bytes.length);
  assert.equal(walked.columns[0]![0], Date.parse('2018-02-11T23:00:00Z') / 1000);
  assert.equal(walked.columns[0]![23]! - walked.columns[0]![0]!, 23 * 3600);
  rows.forEach((row, i) => assert.equal(walked.columns[2]![i], (elems(row)[2] as { value: number }).value));
});

test('test_lte_monitoring_quality_of_service: structure of 5, byte-exact', () => {
  const bytes = fromHex(byName('test_lte_monitoring_quality_of_service').vectors[0]!.hex);
  const result = decodeAll(bytes);
  assert.equal(elems(result).length, 5); // 5 == len(result)
  assert.deepEqual(elems(result).map((e) => [e.type, (e as { value: number }).value]), [
    ['long-unsigned', 720], ['long-unsigned', 3240], ['unsigned', 18], ['unsigned', 30], ['integer', -64],
  ]);
  assert.equal(toHex(encodeData(result)), toHex(bytes));
});

test('test_gsm_diagnistics_cell_info: structure of 7, first two 0, byte-exact', () => {
  const bytes = fromHex(byName('test_gsm_diagnistics_cell_info').vectors[0]!.hex);
  const result = decodeAll(bytes);
  const e = elems(result);
  assert.equal(e.length, 7); // 7 == len(result)
  assert.deepEqual(e[0], { type: 'double-long-unsigned', value: 0 }); // result[0] == 0
  assert.deepEqual(e[1], { type: 'long-unsigned', value: 0 }); // result[1] == 0
  assert.equal(toHex(encodeData(result)), toHex(bytes));
});

test('test_get_axdr_length: 820F0F → 0x0F0F and 09 → 9, consuming all octets', () => {
  const c = byName('test_get_axdr_length');
  assert.deepEqual(decodeLength(fromHex(c.vectors[0]!.hex)), { length: 0x0f0f, end: 3 });
  assert.deepEqual(decodeLength(fromHex(c.vectors[2]!.hex)), { length: 9, end: 1 });
});

test('test_decode_long: the raw-data block of a GetResponseWithBlock (block 1) holds the start of a 1440-entry profile', () => {
  const bytes = fromHex(byName('test_decode_long').vectors[0]!.hex);
  // C4 get-response, 02 with-datablock, C1 invoke-id/priority, 00 last-block=false, block-number, 00 raw-data.
  assert.deepEqual([...bytes.subarray(0, 4)], [0xc4, 0x02, 0xc1, 0x00]);
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4), 1); // apdu.block_number == 1
  assert.equal(bytes[8], 0x00);
  const { length, end } = decodeLength(bytes, 9);
  assert.equal(length, 0x049e);
  const raw = bytes.subarray(end, end + length);
  // A block boundary cuts the array: the tree decoder says so with a typed error.
  assertRaises(() => decodeAll(raw), 'DLMS_TRUNCATED', 1);
  assert.equal(raw[0], 0x01);
  const count = decodeLength(raw, 1);
  assert.equal(count.length, 1440);
  let pos = count.end;
  const entries: DlmsData[] = [];
  for (;;) {
    try {
      const { value, end: next } = decodeData(raw, pos);
      entries.push(value);
      pos = next;
    } catch (err) {
      assert.equal((err as { code?: string }).code, 'DLMS_TRUNCATED');
      break;
    }
  }
  assert.ok(entries.length > 50 && entries.length < 1440);
  for (const e of entries) assert.equal(elems(e).length, 4);
  const first = elems(entries[0]!);
  assert.equal(first[0]!.type, 'octet-string');
  const stamp = decodeDateTimeOctets((first[0] as { value: Uint8Array }).value);
  assert.equal(cosemDateTimeToUtc(stamp), Date.parse('2019-12-16T07:00:00Z') / 1000);
  assert.ok(entries.slice(1).every((e) => elems(e)[0]!.type === 'null-data'));
  assert.deepEqual(first.slice(1), [
    { type: 'unsigned', value: 6 }, { type: 'double-long-unsigned', value: 0x5ed }, { type: 'double-long-unsigned', value: 0x654 },
  ]);
});
