import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRaises, checkDecoder, fromHex, mutate, mutationArb } from '../../_harness/index.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets, utcToCosemDateTime } from './datetime.ts';
import { decodeAll } from './decode.ts';
import { encodeData } from './encode.ts';
import { d, type DlmsData } from './types.ts';
import { walkProfile, type ColumnType } from './walk.ts';

const COLS: ColumnType[] = ['date-time', 'double-long-unsigned', 'double-long-unsigned', 'double-long-unsigned', 'double-long-unsigned'];

const rowArb = fc.tuple(
  fc.integer({ min: 0, max: 4_000_000_000 }),
  fc.integer({ min: -720, max: 720 }),
  fc.boolean(),
  fc.array(fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: null, freq: 10 }), { minLength: 4, maxLength: 4 }),
).map(([t, dev, asOctets, vals]): DlmsData => {
  const dt = utcToCosemDateTime(t, { deviationMinutes: dev });
  const stamp = asOctets ? d.octets(encodeData(d.dateTime(dt)).subarray(1)) : d.dateTime(dt);
  return d.structure(stamp, ...vals.map((v) => (v === null ? d.null() : d.u32(v))));
});

/** The reference: the tree decoder, then per-cell conversion. */
function viaTree(bytes: Uint8Array): number[][] {
  const tree = decodeAll(bytes);
  assert.equal(tree.type, 'array');
  return (tree.value as DlmsData[]).map((row) =>
    (row as unknown as { value: DlmsData[] }).value.map((cell) => {
      if (cell.type === 'null-data') return NaN;
      if (cell.type === 'date-time') return cosemDateTimeToUtc(cell.value);
      if (cell.type === 'octet-string') return cosemDateTimeToUtc(decodeDateTimeOctets(cell.value));
      return Number((cell as { value: number }).value);
    }),
  );
}

test('property: walker agrees with the tree decoder on random 5-column profiles', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 100 }), (rows) => {
      const bytes = encodeData(d.array(...rows));
      const got = walkProfile(bytes, COLS);
      assert.equal(got.end, bytes.length);
      const ref = viaTree(bytes);
      assert.equal(got.rows, ref.length);
      ref.forEach((r, i) => r.forEach((v, c) => assert.ok(Object.is(got.columns[c]![i], v), `row ${i} col ${c}: ${got.columns[c]![i]} vs ${v}`)));
    }),
    { numRuns: 200 },
  );
});

test('walker: numeric wildcard columns, offsets, fallback zone for unspecified deviation', () => {
  const bytes = fromHex('AA 01 01 02 03 19 07E8010F01 0C000000 8000 00 10 FFFE 18 3FF8000000000000');
  const got = walkProfile(bytes, ['date-time', 'numeric', 'float64'], { offset: 1, fallbackZone: 'Europe/Amsterdam' });
  assert.deepEqual([got.rows, got.end, ...got.columns.map((c) => c[0])], [1, bytes.length, Date.parse('2024-01-15T11:00:00Z') / 1000, -2, 1.5]);
  assertRaises(() => walkProfile(bytes, ['date-time', 'numeric', 'float64'], { offset: 1 }), 'DLMS_DATETIME_UNSPECIFIED');
});

test('walker rejects shape and tag mismatches with offsets', () => {
  assertRaises(() => walkProfile(fromHex('02 00'), COLS), 'DLMS_SHAPE_MISMATCH', 0);
  assertRaises(() => walkProfile(fromHex('01 01 01 00 00 00 00 00 00 00'), ['numeric']), 'DLMS_SHAPE_MISMATCH', 2);
  assertRaises(() => walkProfile(fromHex('01 01 02 02 11 01 11 02'), ['numeric']), 'DLMS_SHAPE_MISMATCH', 2);
  assertRaises(() => walkProfile(fromHex('01 01 02 01 12 0001'), ['double-long-unsigned']), 'DLMS_SHAPE_MISMATCH', 4);
  assertRaises(() => walkProfile(fromHex('01 01 02 01 09 05 0102030405'), ['date-time']), 'DLMS_SHAPE_MISMATCH', 4);
  assertRaises(() => walkProfile(fromHex('01 01 02 01 06 0001'), ['double-long-unsigned']), 'DLMS_TRUNCATED', 5);
  assertRaises(() => walkProfile(fromHex('01 82 FFFF 02'), ['numeric']), 'DLMS_TRUNCATED', 1);
  assertRaises(() => walkProfile(fromHex('01 01 02 01 19 07E80D0F01 0C000000 0000 00'), ['date-time']), 'DLMS_BAD_DATETIME');
});

test('fuzz › walker › mutated profiles only ever throw DLMS_ errors', () => {
  const seed = encodeData(d.array(...fc.sample(rowArb, { numRuns: 3, seed: 7 })));
  fc.assert(
    fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) =>
      checkDecoder({ decode: (b) => walkProfile(b, COLS), prefix: 'DLMS_' }, mutate(seed, ms))),
    { numRuns: 3000 },
  );
});

test('property: statusColumn reports each row’s clock status octet (0xFF for a null cell) in the same pass', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 0xff }), { minLength: 60, maxLength: 60 }), fc.nat(), (rows, statuses, nullAt) => {
      const withStatus = rows.map((row, i) => {
        const cells = (row as unknown as { value: DlmsData[] }).value;
        if (i === nullAt % Math.max(1, rows.length)) return d.structure(d.null(), ...cells.slice(1));
        const stamp = cells[0]!;
        const octets = stamp.type === 'date-time' ? encodeData(stamp).subarray(1) : Uint8Array.from((stamp as { value: Uint8Array }).value);
        octets[11] = statuses[i]!;
        return d.structure(stamp.type === 'date-time' ? d.dateTime(decodeDateTimeOctets(octets)) : d.octets(octets), ...cells.slice(1));
      });
      const bytes = encodeData(d.array(...withStatus));
      const got = walkProfile(bytes, COLS, { statusColumn: 0 });
      const want = withStatus.map((_, i) => (i === nullAt % Math.max(1, rows.length) ? 0xff : statuses[i]!));
      assert.deepEqual([...got.clockStatus!], want);
      assert.equal(walkProfile(bytes, COLS).clockStatus, undefined);
    }),
    { numRuns: 100 },
  );
  assertRaises(() => walkProfile(fromHex('01 00'), COLS, { statusColumn: 1 }), 'DLMS_BAD_VALUE');
});

test('walker columns are independent views: writing one leaves the others alone', () => {
  const bytes = encodeData(d.array(d.structure(d.u32(1), d.u32(2)), d.structure(d.u32(3), d.u32(4))));
  const got = walkProfile(bytes, ['numeric', 'numeric']);
  got.columns[0]!.fill(9);
  assert.deepEqual([...got.columns[1]!], [2, 4]);
  assert.equal(got.columns[0]!.length, 2);
});
