import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../../model/errors.ts';
import { encodeData } from '../axdr/encode.ts';
import { CLOCK_STATUS, utcToCosemDateTime } from '../axdr/datetime.ts';
import { d } from '../axdr/types.ts';
import { parseCaptureObjects, parseCapturePeriod, parseEntries, parseSortMethod, profileColumnTypes, walkProfileBuffer } from './profile-generic.ts';

const capture = (cls: number, ln: string, attr: number) => d.structure(d.u16(cls), d.octets(ln), d.i8(attr), d.u16(0));
const CAPTURES = d.array(capture(8, '0000010000ff', 2), capture(1, '0000600a01ff', 2), capture(3, '0100010800ff', 2), capture(3, '0100020800ff', 2));

test('capture objects, capture period, sort method, entries', () => {
  const caps = parseCaptureObjects(CAPTURES);
  assert.deepEqual(caps[2], { classId: 3, logicalName: '1-0:1.8.0.255', attributeIndex: 2, dataIndex: 0 });
  assert.deepEqual(profileColumnTypes(caps), ['date-time', 'numeric', 'numeric', 'numeric']);
  assert.equal(parseCapturePeriod(d.u32(900)), 900);
  assert.equal(parseSortMethod(d.enum(2)), 'lifo');
  assert.equal(parseEntries(d.u32(96)), 96);
  const bad = (f: () => unknown): void => assert.throws(f, (e) => hasCode(e, 'DLMS_COSEM_BAD_OBJECT'));
  bad(() => parseCaptureObjects(d.structure()));
  bad(() => parseCaptureObjects(d.array(d.structure(d.u16(3), d.octets('0100'), d.i8(2), d.u16(0)))));
  bad(() => parseCaptureObjects(d.array(d.structure(d.u16(3), d.octets('0100010800ff'), d.i8(0), d.u16(0)))));
  bad(() => parseCapturePeriod(d.u16(900)));
  bad(() => parseSortMethod(d.enum(9)));
});

test('walking a buffer yields epoch seconds and each row’s clock status (date-time or octet-string cells)', () => {
  const caps = parseCaptureObjects(CAPTURES);
  const t = 1_700_000_100;
  const dt = (i: number, status: number) => utcToCosemDateTime(t + i * 900, { deviationMinutes: -60, clockStatus: status });
  const buf = encodeData(d.array(
    d.structure(d.dateTime(dt(0, 0)), d.u8(0), d.u32(1), d.u32(2)),
    d.structure(d.octets(encodeData(d.dateTime(dt(1, CLOCK_STATUS.invalid))).subarray(1)), d.null(), d.u32(3), d.null()),
    d.structure(d.dateTime(dt(2, CLOCK_STATUS.doubtful | CLOCK_STATUS.daylightSaving)), d.u8(0x80), d.i64(5n), d.f64(1.5)),
  ));
  const w = walkProfileBuffer(buf, caps);
  assert.equal(w.rows, 3);
  assert.deepEqual([...w.columns[0]!], [t, t + 900, t + 1800]);
  assert.deepEqual([...w.clockStatus!], [0, CLOCK_STATUS.invalid, CLOCK_STATUS.doubtful | CLOCK_STATUS.daylightSaving]);
  assert.deepEqual([...w.columns[3]!], [2, Number.NaN, 1.5]);
  assert.equal(walkProfileBuffer(encodeData(d.array(d.structure(d.u32(1)))), [caps[2]!]).clockStatus, undefined);
});
