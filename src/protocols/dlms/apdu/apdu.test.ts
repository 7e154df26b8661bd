/** Hand-written vectors (harness) and the zero-copy path from a GET-Response to the profile walker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRaises, fromHex, runVectors } from '../../_harness/index.ts';
import { d, encodeData } from '../axdr/index.ts';
import { walkProfile } from '../axdr/walk.ts';
import { dataOf, decodeApdu, encodeApdu, offsetIn, skipData, type Apdu } from './index.ts';

const C1 = { invokeId: 1, confirmed: true, highPriority: true };

runVectors<Apdu>('apdu', { decode: decodeApdu, encode: encodeApdu }, [
  { name: 'exception-response service-not-allowed / operation-not-possible', hex: 'D8 01 01', expected: { type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'operation-not-possible' } },
  {
    name: 'exception-response invocation-counter-error carries the counter',
    hex: 'D8 02 06 00000102',
    expected: { type: 'exception-response', stateError: 'service-unknown', serviceError: 'invocation-counter-error', invocationCounter: 258 },
  },
  { name: 'confirmed-service-error initiate / dlms-version-too-low', hex: '0E 01 06 01', expected: { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: 1 } },
  {
    name: 'get-request with entry descriptor',
    hex: 'C0 01 C1 0007 0100630100FF 02 01 02 0204 0600000001 0600000000 120001 120000',
    expected: {
      type: 'get-request', kind: 'normal', invoke: C1, attribute: { classId: 7, logicalName: fromHex('0100630100FF'), attributeId: 2 },
      access: { selector: 2, entry: { fromEntry: 1, toEntry: 0, fromSelectedValue: 1, toSelectedValue: 0 } },
    },
  },
  { name: 'set-response with-list', hex: 'C5 05 C1 02 00 03', expected: { type: 'set-response', kind: 'with-list', invoke: C1, results: ['success', 'read-write-denied'] } },
  { name: 'general-block-transfer is unsupported', hex: 'E0 00', raises: 'DLMS_UNSUPPORTED_APDU', offset: 0 },
  { name: 'unknown tag', hex: '77', raises: 'DLMS_BAD_TAG', offset: 0 },
  { name: 'empty input', hex: '', raises: 'DLMS_TRUNCATED', offset: 0 },
  { name: 'trailing octet after a set-response', hex: 'C5 01 C1 00 FF', raises: 'DLMS_BAD_APDU', offset: 4 },
  { name: 'reserved invoke-id bits', hex: 'C5 01 F1 00', raises: 'DLMS_BAD_APDU', offset: 2 },
  { name: 'unknown data-access-result', hex: 'C5 01 C1 05', raises: 'DLMS_BAD_APDU', offset: 3 },
  { name: 'get-request choice 4', hex: 'C0 04 C1', raises: 'DLMS_BAD_APDU', offset: 1 },
  { name: 'empty with-list', hex: 'C5 05 C1 00', raises: 'DLMS_BAD_APDU', offset: 3 },
  { name: 'range selector with an entry-shaped descriptor', hex: 'C0 01 C1 0007 0100630100FF 02 01 01 0204 0600000001 0600000000 120001 120000', raises: 'DLMS_BAD_APDU' },
  { name: 'AARQ without application-context-name', hex: '6000', raises: 'DLMS_BAD_APDU' },
  { name: 'AARQ mechanism-name without acse-requirements', hex: '6012 A109060760857405080101 8B0760857405080201', raises: 'DLMS_BAD_APDU' },
  { name: 'AARQ components out of order', hex: '600F A6020400 A109060760857405080101', raises: 'DLMS_BAD_APDU', offset: 6 },
  { name: 'AARQ with an unknown application context', hex: '600B A109060760857405080109', raises: 'DLMS_UNSUPPORTED_APDU' },
]);

test('a GET-Response profile buffer is a zero-copy view that walkProfile reads directly', () => {
  const row = (h: number, v: number) => d.structure(d.octets(`07E80101FF${h.toString(16).padStart(2, '0')}000000000000`), d.u32(v));
  const buffer = encodeData(d.array(row(0, 10), row(1, 20), row(2, 30)));
  const bytes = encodeApdu({ type: 'get-response', kind: 'normal', invoke: C1, result: { data: buffer } });
  const r = decodeApdu(bytes);
  assert.ok(r.type === 'get-response' && r.kind === 'normal' && 'data' in r.result);
  const data = r.result.data;
  assert.equal(data.buffer, bytes.buffer, 'no copy');
  assert.equal(offsetIn(bytes, data), 4);
  assert.equal(skipData(bytes, 4), bytes.length);
  const cols = walkProfile(data, ['date-time', 'numeric']);
  assert.equal(cols.rows, 3);
  assert.deepEqual([...cols.columns[1]!], [10, 20, 30]);
  assert.equal(cols.columns[0]![1]! - cols.columns[0]![0]!, 3600);
  assert.equal(dataOf(data), dataOf(data), 'decoded once, memoised');
  assert.equal(dataOf(data).type, 'array');
});

test('encode rejects values the wire cannot carry', () => {
  assertRaises(() => encodeApdu({ type: 'get-request', kind: 'next', invoke: { invokeId: 16, confirmed: true, highPriority: false }, blockNumber: 1 }), 'DLMS_BAD_VALUE');
  assertRaises(() => encodeApdu({ type: 'get-request', kind: 'with-list', invoke: C1, items: [] }), 'DLMS_BAD_VALUE');
  assertRaises(
    () => encodeApdu({ type: 'get-request', kind: 'normal', invoke: C1, attribute: { classId: 1, logicalName: new Uint8Array(5), attributeId: 2 }, access: null }),
    'DLMS_BAD_VALUE',
  );
});
