import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertRaises } from '../_harness/index.ts';
import { inspectDsmr } from './inspect.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/dsmr/', import.meta.url));
const file = (f: string): Uint8Array => Uint8Array.from(readFileSync(CORPUS + f));
type R = Record<string, any>;

test('the decode contract: header, crc {present, valid}, objects {obis, raw, value, unit}, readings', () => {
  const [r] = inspectDsmr(file('athombv__dsmr-2.2-kfm-1.txt'), { at: 1_800_000_000 }) as R[];
  assert.deepEqual(r!.crc, { present: false, valid: null, declared: null, computed: '333D' });
  assert.deepEqual(r!.objects.find((o: R) => o.obis === '1-0:1.8.1'), { obis: '1-0:1.8.1', raw: '(00185.000*kWh)', value: 185000, unit: 'Wh', name: 'Energy delivered to client, tariff 1' });
  assert.deepEqual(r!.readings.find((x: R) => x.channel === '1-0:1.8.1.255'), { meterId: '205C4D246333034353537383234323121', channel: '1-0:1.8.1.255', at: '2027-01-15T08:00:00Z', value: 185000, unit: 'Wh', quality: 'A' });
});

test('an encrypted frame kept as hex text needs its key; with it, the telegram inside is decoded', () => {
  const hex = file('athombv__lux-smarty-encrypted-without-aad.hex');
  assertRaises(() => inspectDsmr(hex), 'DSMR_KEY_REQUIRED', 0);
  const [r] = inspectDsmr(hex, { key: Buffer.from('0123456789abcdef0123456789abcdef', 'hex') }) as R[];
  assert.equal(r!.encryption.invocationCounter, 0x11223344);
  assert.equal(r!.header.manufacturer, 'Lux');
  assertRaises(() => inspectDsmr(hex, { key: Buffer.alloc(16) }), 'DSMR_DECRYPT_FAILED');
});

test('a bad CRC is shown with a note; no telegram at all is DSMR_BAD_HEADER', () => {
  const [r] = inspectDsmr(file('athombv__dsmr-5.0-spec-example.txt')) as R[];
  assert.equal(r!.crc.valid, false);
  assert.match(r!.notes.join(), /CRC mismatch \(DSMR_CRC_MISMATCH\): declared EF2F, computed E47C/);
  assertRaises(() => inspectDsmr(Buffer.from('hello')), 'DSMR_BAD_HEADER');
});
