import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertRaises } from '../_harness/index.ts';
import { isoToEpoch, obis, OBIS_TABLE, readingTypeCode } from '../../model/index.ts';
import { parseTelegram } from './telegram.ts';
import { POWER_DOWN, POWER_UP, toCanonical } from './to-canonical.ts';
import { formatTelegram } from './writer.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/dsmr/', import.meta.url));
const capture = (f: string) => parseTelegram(readFileSync(CORPUS + f));
const reading = (c: ReturnType<typeof toCanonical>, code: string) => c.registers.find((r) => r.channel === obis(code));

test('DSMR 5: the meter from 0-0:96.1.1, registers at the telegram time, gas at its own capture time', () => {
  const c = toCanonical(capture('athombv__dsmr-5.0-isk-1.txt'));
  const at = isoToEpoch('2018-11-06T13:04:29Z');
  assert.deepEqual(c.meter, { id: 'E0034006810516416', kind: 'electricity', vendor: 'ISK', model: '\\2M550T-1011', firmware: 'P1 50', protocol: 'dsmr-p1', timeZone: 'Europe/Amsterdam', status: 'active' });
  assert.deepEqual(reading(c, '1-0:1.8.1'), { meterId: 'E0034006810516416', channel: obis('1-0:1.8.1'), at, value: 3_808_351 });
  assert.equal(reading(c, '1-0:2.8.2')?.value, 2_876_514);
  assert.equal(reading(c, '1-0:2.7.0')?.value, 498);
  assert.equal(reading(c, '1-0:52.7.0')?.value, 232_600);
  assert.equal(reading(c, '1-0:22.7.0')?.value, 676);
  assert.deepEqual(reading(c, '0-1:24.2.1'), { meterId: 'E0034006810516416', channel: obis('0-1:24.2.1'), at: isoToEpoch('2018-11-06T13:00:10Z'), value: 1_569_646 });
  // Counters and identifiers are not readings; every reading has a channel the model knows.
  assert.equal(reading(c, '0-0:96.7.21'), undefined);
  for (const r of c.registers) assert.ok(OBIS_TABLE.has(r.channel), r.channel);
  assert.deepEqual(c.channels.map((ch) => ch.obis).sort(), [...new Set(c.registers.map((r) => r.channel))].sort());
  const gas = c.channels.find((ch) => ch.obis === obis('0-1:24.2.1'))!;
  assert.deepEqual(gas, { meterId: 'E0034006810516416', obis: obis('0-1:24.2.1'), unit: 'L', intervalS: 0, readingType: readingTypeCode(OBIS_TABLE.get(obis('0-1:24.2.1'))!, 0) });
});

test('the power-failure log becomes power-down and power-up events; impossible starts are skipped with a note', () => {
  const c = toCanonical(capture('athombv__dsmr-5.0-isk-1.txt'));
  const end = isoToEpoch('2018-05-29T11:56:30Z');
  const details = { source: '1-0:99.97.0', durationS: 2451 };
  assert.deepEqual(c.events, [
    { meterId: 'E0034006810516416', at: end - 2451, code: POWER_DOWN.code, cimType: POWER_DOWN.cimType, details },
    { meterId: 'E0034006810516416', at: end, code: POWER_UP.code, cimType: POWER_UP.cimType, details },
  ]);
  const kfm = toCanonical(capture('athombv__dsmr-4.2-kfm-1.txt'));
  assert.deepEqual(kfm.events.map((e) => e.code), [POWER_UP.code]);
  assert.match(kfm.notes.join(), /1 power-failure log entry has no valid start or end time/);
});

test('e-MUCS: gas on 0-n:24.2.3 stays there, a water meter (device type 7) goes to 8-n:1.0.0', () => {
  const c = toCanonical(capture('ndokter__be_fluvius_v171.txt'));
  assert.equal(c.meter.timeZone, 'Europe/Brussels');
  assert.equal(c.meter.protocol, 'dsmr-p1 (e-MUCS)');
  assert.deepEqual(reading(c, '0-1:24.2.3'), { meterId: '1SAG3101021605', channel: obis('0-1:24.2.3'), at: isoToEpoch('2020-05-12T11:45:58Z'), value: 112_384 });
  assert.deepEqual(reading(c, '8-2:1.0.0'), { meterId: '1SAG3101021605', channel: obis('8-2:1.0.0'), at: isoToEpoch('2020-05-12T11:45:58Z'), value: 872_234 });
  assert.equal(reading(c, '0-2:24.2.1'), undefined);
});

test('placeholders (no valid time, no unit, heat in GJ) give no reading; the caller\'s meter id wins', () => {
  const two = toCanonical(capture('ndokter__dsmr50_iskra_am550_two_mbus.txt'), { meterId: 'MY-METER' });
  assert.equal(two.meter.id, 'MY-METER');
  assert.equal(reading(two, '0-1:24.2.1'), undefined, '(700101010000W)(00000000) has no unit');
  assert.equal(reading(two, '0-2:24.2.1')?.value, 246_138);
  const lux = toCanonical(capture('athombv__dsmr-luxembourgh-spec-example.txt'));
  assert.equal(lux.meter.id, 'SAG1030790002574', 'from 0-0:42.0.0 when 0-0:96.1.1 is absent');
  assert.deepEqual(lux.registers.filter((r) => r.channel.startsWith('0-')).map((r) => r.channel), [obis('0-1:24.2.1'), obis('0-4:24.2.1')]);
  const heat = toCanonical(capture('ndokter__dsmr50_warmtelink_unpadded_crc.txt'));
  assert.deepEqual(heat.registers, []);
});

test('DSMR 2.2/3.0 telegrams have no date-time: readings at the receive time, or only the gas without one', () => {
  const t = capture('ndokter__dsmr22_iskra_mt382.txt');
  const bare = toCanonical(t);
  assert.deepEqual(bare.registers.map((r) => r.channel), [obis('0-1:24.2.1')]);
  assert.match(bare.notes.join(), /no date-time/);
  const received = toCanonical(t, { receivedAt: 1_800_000_000 });
  assert.equal(reading(received, '1-0:1.8.1')?.at, 1_800_000_000);
  assert.equal(reading(received, '0-1:24.2.1')?.at, isoToEpoch('2016-11-07T18:00:00Z'));
});

test('a telegram without any equipment id needs one from the caller: DSMR_NO_METER_ID', () => {
  const t = parseTelegram(formatTelegram('KAM5', ['0-0:1.0.0(250101000000W)', '1-0:1.8.0(00000123.321*kWh)']));
  assertRaises(() => toCanonical(t), 'DSMR_NO_METER_ID');
  assert.equal(toCanonical(t, { meterId: 'K1' }).registers.length, 1);
});

test('a measurement channel in B (Sagemcom XT211 writes 1-1:1.8.1) is a reading on that channel, as the model defines it', () => {
  const c = toCanonical(capture('athombv__sagemcom-xt211.txt'), { meterId: 'XT211', receivedAt: 1_800_000_000 });
  assert.deepEqual(reading(c, '1-1:1.8.1'), { meterId: 'XT211', channel: obis('1-1:1.8.1'), at: 1_800_000_000, value: 1_595_070 });
  assert.equal(c.channels.find((ch) => ch.obis === obis('1-1:1.8.1'))?.unit, 'Wh');
});
