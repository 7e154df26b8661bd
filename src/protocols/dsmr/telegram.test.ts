import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertRaises } from '../_harness/index.ts';
import { isoToEpoch } from '../../model/index.ts';
import { crc16ArcText, crcHex } from './crc.ts';
import { parseTelegram } from './telegram.ts';
import { fixed, formatTelegram, hexText, p1Time } from './writer.ts';

const LINES = [
  '1-3:0.2.8(50)', '0-0:1.0.0(181106140429W)', `0-0:96.1.1(${hexText('E0034006810516416')})`,
  '1-0:1.8.1(003808.351*kWh)', '1-0:2.7.0(00.498*kW)', '1-0:32.7.0(236.0*V)', '1-0:31.7.0(002*A)',
  '1-0:99.97.0(2)(0-0:96.7.19)(101208152415W)(0000000240*s)(101208151004W)(0000000301*s)',
  '0-0:96.13.0(303132)', '0-1:24.1.0(003)', '0-1:24.2.1(181106140010W)(01569.646*m3)',
];
const TELEGRAM = formatTelegram('ISK5\\2M550T-1011', LINES);
const value = (t: ReturnType<typeof parseTelegram>, code: string): unknown => t.objects.find((o) => o.obis === code)?.value;

test('header, CRC, objects with raw text exactly as sent and values in stored units', () => {
  const t = parseTelegram(TELEGRAM);
  assert.deepEqual(t.header, { raw: 'ISK5\\2M550T-1011', manufacturer: 'ISK', baud: '5', identification: '\\2M550T-1011' });
  assert.deepEqual({ present: t.crc.present, valid: t.crc.valid }, { present: true, valid: true });
  assert.equal(t.length, TELEGRAM.length);
  assert.deepEqual(t.objects.map((o) => [o.obis, o.raw]), LINES.map((l) => [l.slice(0, l.indexOf('(')), l.slice(l.indexOf('('))]));
  assert.deepEqual(value(t, '1-0:1.8.1'), { kind: 'number', value: 3_808_351, unit: 'Wh' });
  assert.deepEqual(value(t, '1-0:2.7.0'), { kind: 'number', value: 498, unit: 'W' });
  assert.deepEqual(value(t, '1-0:32.7.0'), { kind: 'number', value: 236_000, unit: 'mV' });
  assert.deepEqual(value(t, '1-0:31.7.0'), { kind: 'number', value: 2_000, unit: 'mA' });
  assert.deepEqual(value(t, '0-1:24.2.1'), { kind: 'reading', at: isoToEpoch('2018-11-06T13:00:10Z'), value: 1_569_646, unit: 'L' });
  assert.deepEqual(value(t, '0-0:96.1.1'), { kind: 'text', value: 'E0034006810516416' });
  assert.deepEqual(value(t, '0-0:96.13.0'), { kind: 'text', value: '012' });
  assert.deepEqual(value(t, '1-3:0.2.8'), { kind: 'text', value: '50' });
  assert.deepEqual(value(t, '1-0:99.97.0'), {
    kind: 'power-failures',
    entries: [{ at: isoToEpoch('2010-12-08T14:24:15Z'), durationS: 240 }, { at: isoToEpoch('2010-12-08T14:10:04Z'), durationS: 301 }],
  });
  assert.equal(t.timestamp, isoToEpoch('2018-11-06T13:04:29Z'));
  assert.equal(t.zone, 'Europe/Amsterdam');
  assert.deepEqual(t.notes, []);
  // A string and its latin1 bytes parse alike.
  assert.deepEqual(parseTelegram(Buffer.from(TELEGRAM, 'latin1')).objects.map((o) => o.raw), t.objects.map((o) => o.raw));
});

test('unit spellings are case-insensitive; unknown units and unitless numbers keep their decimals', () => {
  const t = parseTelegram(formatTelegram('XXX5', ['1-0:1.8.1(000001.5*kwh)', '1-0:3.8.0(00001234.432*kVArh)', '1-0:14.7.0(50.00*Hz)', '1-0:13.7.0(4.556)', '1-0:9.7.0(1.5*foo)', '0-0:96.7.21(00006)', '1-1:31.4.0(-063*A)']));
  assert.deepEqual(value(t, '1-0:1.8.1'), { kind: 'number', value: 1500, unit: 'Wh' });
  assert.deepEqual(value(t, '1-0:3.8.0'), { kind: 'number', value: 1_234_432, unit: 'varh' });
  assert.deepEqual(value(t, '1-0:14.7.0'), { kind: 'number', value: 50_000, unit: 'mHz' });
  assert.deepEqual(value(t, '1-0:13.7.0'), { kind: 'number', value: 4.556, unit: null });
  assert.deepEqual(value(t, '1-0:9.7.0'), { kind: 'number', value: 1.5, unit: 'foo' });
  assert.deepEqual(value(t, '0-0:96.7.21'), { kind: 'number', value: 6, unit: null });
  assert.deepEqual(value(t, '1-1:31.4.0'), { kind: 'number', value: -63_000, unit: 'mA' });
});

test('values finer than the stored unit are rounded half away from zero (EasyMeter writes 0.0000001 kWh)', () => {
  const t = parseTelegram(formatTelegram('ESY5', ['1-0:1.8.0*255(00032549.5061662*kWh)', '1-0:21.7.0*255(000557.50*W)', '1-0:22.7.0(-000557.50*W)'], { crc: false }));
  assert.equal(t.objects[0]!.obis, '1-0:1.8.0');
  assert.deepEqual(value(t, '1-0:1.8.0'), { kind: 'number', value: 32_549_506, unit: 'Wh' });
  assert.deepEqual(value(t, '1-0:21.7.0'), { kind: 'number', value: 558, unit: 'W' });
  assert.deepEqual(value(t, '1-0:22.7.0'), { kind: 'number', value: -558, unit: 'W' });
});

test('a telegram without CRC is accepted with crc.present = false; an unpadded CRC (B9F) is read as 0B9F', () => {
  const bare = parseTelegram(formatTelegram('ISk5\\2MT382-1000', ['1-0:1.8.1(12345.678*kWh)'], { crc: false }));
  assert.deepEqual({ present: bare.crc.present, valid: bare.crc.valid, declared: bare.crc.declared }, { present: false, valid: null, declared: null });
  const body = '/NWA-WARMTELINK\r\n\r\n0-0:96.1.1(ADC3100000158491)\r\n!';
  const crc = crc16ArcText(body);
  const short = crc.toString(16).toUpperCase().replace(/^0+/, '');
  const t = parseTelegram(`${body}${short}\r\n`);
  assert.equal(t.crc.valid, true);
  assert.equal(crcHex(t.crc.declared!), crcHex(crc));
});

test('a wrong CRC is reported, or thrown as DSMR_CRC_MISMATCH at the "!" when a valid one is required', () => {
  const bad = TELEGRAM.replace('003808.351', '003808.352');
  const t = parseTelegram(bad);
  assert.equal(t.crc.valid, false);
  assertRaises(() => parseTelegram(bad, { requireValidCrc: true }), 'DSMR_CRC_MISMATCH', bad.indexOf('\n!') + 1);
  assertRaises(() => parseTelegram(bad, { requireValidCrc: true, baseOffset: 1000 }), 'DSMR_CRC_MISMATCH', 1000 + bad.indexOf('\n!') + 1);
});

test('broken telegrams throw typed errors with the byte offset (and line)', () => {
  assertRaises(() => parseTelegram(''), 'DSMR_BAD_HEADER', 0);
  assertRaises(() => parseTelegram('  xyz'), 'DSMR_BAD_HEADER', 2);
  assertRaises(() => parseTelegram('/ISK5'), 'DSMR_BAD_HEADER', 0);
  assertRaises(() => parseTelegram('/IS\r\n\r\n!'), 'DSMR_BAD_HEADER', 0);
  const noParen = '/ISK5\r\n\r\n1-0:1.8.1 123\r\n!\r\n';
  assertRaises(() => parseTelegram(noParen), 'DSMR_BAD_LINE', noParen.indexOf('1-0'));
  const unclosed = '/ISK5\r\n\r\n1-0:1.8.1(123\r\n!\r\n';
  assertRaises(() => parseTelegram(unclosed), 'DSMR_BAD_LINE', unclosed.indexOf('('));
  const trailing = '/ISK5\r\n\r\n1-0:1.8.1(1)x\r\n!\r\n';
  assertRaises(() => parseTelegram(trailing), 'DSMR_BAD_LINE', trailing.indexOf('x'));
  const orphan = '/ISK5\r\n\r\n(00001.001)\r\n!\r\n';
  assertRaises(() => parseTelegram(orphan), 'DSMR_BAD_LINE', orphan.indexOf('('));
  const cut = '/ISK5\r\n\r\n1-0:1.8.1(1*kWh)\r\n/ISK5\r\n\r\n!\r\n';
  assertRaises(() => parseTelegram(cut), 'DSMR_TRUNCATED', cut.lastIndexOf('/'));
  const trailer = '/ISK5\r\n\r\n1-0:1.8.1(1*kWh)\r\n!12XY\r\n';
  assertRaises(() => parseTelegram(trailer), 'DSMR_BAD_TRAILER', trailer.indexOf('!') + 1);
  assertRaises(() => parseTelegram('/ISK5\r\n\r\n!123456\r\n'), 'DSMR_BAD_TRAILER', 10);
  try {
    parseTelegram(noParen);
  } catch (e) {
    assert.equal((e as { line?: number }).line, 3);
  }
});

test('a damaged line in a telegram whose CRC is wrong is reported as the CRC mismatch it is', () => {
  const body = '/ISK5\r\n\r\n1-0:1.8.1(1*kWh\r\n!';
  assertRaises(() => parseTelegram(`${body}0000\r\n`), 'DSMR_CRC_MISMATCH');
  assertRaises(() => parseTelegram(`${body}${crcHex(crc16ArcText(body))}\r\n`), 'DSMR_BAD_LINE');
});

test('bytes after the end line are ignored with a note; a telegram without "!" is read to the end', () => {
  const t = parseTelegram(`${TELEGRAM}  25818685\r\nDE0000\r\n`);
  assert.equal(t.crc.valid, true);
  assert.equal(t.length, TELEGRAM.length);
  assert.match(t.notes.join(), /bytes after the telegram's end line were ignored/);
  const open = parseTelegram('/ISk5\\2MT382-1003\r\n\r\n1-0:1.8.1(39837.604*kWh)\r\n');
  assert.equal(open.crc.present, false);
  assert.equal(open.objects.length, 1);
  assert.match(open.notes.join(), /no "!" end line/);
});

test('codes that are not OBIS (spec typos) are kept as written with their value unread', () => {
  const t = parseTelegram(formatTelegram('ISK5', ['1-0:99:97.0(2)(0:96.7.19)', '1-0:31.7.0.255(001*A)']));
  assert.equal(t.objects[0]!.obis, '1-0:99:97.0');
  assert.equal(t.objects[0]!.code, null);
  assert.equal(t.objects[1]!.obis, '1-0:31.7.0');
  assert.equal(t.objects[1]!.code, '1-0:31.7.0.255');
  assert.match(t.notes.join(), /"1-0:99:97\.0" is not an OBIS code/);
});

test('e-MUCS (Fluvius) telegrams are read in Europe/Brussels unless a zone is given', () => {
  const lines = ['0-0:96.1.4(50217)', '0-0:1.0.0(200512135409S)'];
  assert.equal(parseTelegram(formatTelegram('FLU5\\253769484_A', lines)).zone, 'Europe/Brussels');
  assert.equal(parseTelegram(formatTelegram('XYZ5', lines)).flavor, 'e-MUCS');
  const t = parseTelegram(formatTelegram('FLU5\\253769484_A', lines), { zone: 'Europe/London' });
  assert.equal(t.zone, 'Europe/London');
  assert.equal(t.timestamp, isoToEpoch('2020-05-12T12:54:09Z'));
  assertRaises(() => parseTelegram(TELEGRAM, { zone: 'Mars/Olympus' }), 'ZONE_INVALID');
});

test('property: any telegram the writer makes parses back to its values, CRC valid', () => {
  const reg = fc.integer({ min: 0, max: 999_999_999 });
  fc.assert(fc.property(reg, reg, fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
    (imp, exp, power, volt, t) => {
      const text = formatTelegram('ISK5\\2M550T-1011', [
        `0-0:1.0.0(${p1Time(t, 'Europe/Amsterdam')})`, `1-0:1.8.1(${fixed(imp, 9, 3)}*kWh)`, `1-0:2.8.2(${fixed(exp, 9, 3)}*kWh)`,
        `1-0:1.7.0(${fixed(power, 5, 3)}*kW)`, `1-0:32.7.0(${fixed(volt, 4, 1)}*V)`,
      ]);
      const p = parseTelegram(text, { requireValidCrc: true });
      assert.equal(p.timestamp, t);
      assert.deepEqual(p.objects.slice(1).map((o) => o.value.kind === 'number' ? o.value.value : null), [imp, exp, power, volt * 100]);
    }), { numRuns: 300 });
});
