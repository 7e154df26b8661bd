import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspectDlms } from './inspect.ts';
import { hasCode } from '../../model/index.ts';

const corpus = (name: string): Uint8Array => {
  const text = readFileSync(new URL(`../../../../shared/corpus/dlms/${name}`, import.meta.url), 'utf8');
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
};
const at = Date.UTC(2026, 10, 26, 10) / 1000;
type Reading = { channel: string; value: number; unit: string };
const byChannel = (rs: unknown[]): Map<string, Reading> => new Map((rs as Reading[]).map((r) => [r.channel, r]));

test('an HDLC HAN push decodes through every layer to canonical readings (aidon-example-2)', () => {
  const r = inspectDlms(corpus('athombv__aidon-example-2.hex'), { meterId: 'M1', at });
  assert.equal((r.framing as { kind: string }).kind, 'hdlc');
  assert.equal((r.apdu as { type: string }).type, 'data-notification');
  const rs = byChannel(r.readings);
  // athombv__aidon-example-2.expected.json: 230.7 V on L1, 7.5 A on L2, energy import 10049.926 kWh
  assert.deepEqual([rs.get('1-0:32.7.0.255')?.value, rs.get('1-0:32.7.0.255')?.unit], [230_700, 'mV']);
  assert.equal(rs.get('1-0:51.7.0.255')?.value, 7_500);
  assert.equal(rs.get('1-0:1.8.0.255')?.value, 10_049_926);
});

test('segmented frames reassemble to the same readings', () => {
  const a = inspectDlms(corpus('athombv__aidon-example-2.hex'), { at });
  const b = inspectDlms(corpus('athombv__aidon-example-2-segmented.hex'), { at });
  assert.ok(((b.framing as { frames: unknown[] }).frames).length > 1);
  assert.deepEqual(b.readings, a.readings);
});

test('a general-glo-ciphered push decrypts with its keys and says what it is without them', () => {
  const bytes = corpus('athombv__aidon-example-2-encrypted-with-aad.hex');
  const closed = inspectDlms(bytes, { at });
  assert.equal(closed.apdu, null);
  assert.deepEqual([(closed.security as { kind: string }).kind, (closed.security as { invocationCounter: number }).invocationCounter], ['general-glo-ciphering', 0x11223344]);
  assert.match(closed.notes.join(' '), /--ek and --ak/);
  const keys = { ek: Buffer.from('0123456789abcdef0123456789abcdef', 'hex'), ak: Buffer.from('ffeeddccbbaa99887766554433221100', 'hex') };
  const opened = inspectDlms(bytes, { at, keys });
  assert.equal((opened.security as { decrypted: boolean }).decrypted, true);
  assert.deepEqual(opened.readings, inspectDlms(corpus('athombv__aidon-example-2.hex'), { at }).readings);
  const wrong = { ek: keys.ek, ak: Buffer.alloc(16) };
  assert.throws(() => inspectDlms(bytes, { at, keys: wrong }), (e: unknown) => hasCode(e, 'DLMS_SECURITY_BAD_TAG'));
});

test('a bare APDU and a wrapper PDU are recognised', () => {
  const get = Uint8Array.from(Buffer.from('C001C1000301000108 00FF02 00'.replace(/\s/g, ''), 'hex'));
  const bare = inspectDlms(get);
  assert.equal((bare.framing as { kind: string }).kind, 'none');
  const apdu = bare.apdu as { type: string; attribute: { classId: number; logicalName: { obis: string }; attributeId: number } };
  assert.deepEqual([apdu.type, apdu.attribute.classId, apdu.attribute.logicalName.obis, apdu.attribute.attributeId], ['get-request', 3, '1-0:1.8.0.255', 2]);
  const wrapped = inspectDlms(Uint8Array.from([0, 1, 0, 16, 0, 1, 0, get.length, ...get]));
  assert.deepEqual(wrapped.framing, { kind: 'wrapper', version: 1, sourceWPort: 16, destinationWPort: 1, length: get.length });
  assert.deepEqual(wrapped.apdu, bare.apdu);
});

test('broken captures fail with the codec\'s typed error and an offset', () => {
  const bytes = corpus('athombv__aidon-example-2.hex');
  bytes[bytes.length - 3]! ^= 0xff;
  assert.throws(() => inspectDlms(bytes), (e: unknown) => hasCode(e, 'DLMS_HDLC_BAD_FCS') && typeof e.offset === 'number');
  assert.throws(() => inspectDlms(Uint8Array.of(0xc4, 0x01)), (e: unknown) => hasCode(e, 'DLMS_TRUNCATED') || hasCode(e, 'DLMS_BAD_APDU'));
});
