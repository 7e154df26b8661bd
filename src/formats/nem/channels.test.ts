import { test } from 'node:test';
import assert from 'node:assert/strict';
import { obisDefinition } from '../../model/index.ts';
import { type Mapped, nem12Channel, nem13Channel } from './channels.ts';

const obisOf = (m: Mapped): string => ('why' in m ? `error: ${m.why}` : m.obis);

test('NEM12 master streams map to customer-side OBIS; the suffix number goes into value group B', () => {
  assert.equal(obisOf(nem12Channel('E1', 'kWh')), '1-0:1.8.0.255', 'E1 consumption (market export) = +A import');
  assert.equal(obisOf(nem12Channel('E2', 'kWh')), '1-2:1.8.0.255', 'E2 controlled load: its own channel');
  assert.equal(obisOf(nem12Channel('B1', 'kWh')), '1-0:2.8.0.255', 'B1 generation (market import) = -A export');
  assert.equal(obisOf(nem12Channel('B2', 'KWH')), '1-2:2.8.0.255');
  assert.equal(obisOf(nem12Channel('Q1', 'kVArh')), '1-0:3.8.0.255');
  assert.equal(obisOf(nem12Channel('K1', 'VARH')), '1-0:4.8.0.255');
  assert.equal(obisOf(nem12Channel('V1', '')), '1-0:32.7.0.255', 'V with no UOM: volts');
  assert.equal(obisOf(nem12Channel('V2', 'A')), '1-2:31.7.0.255');
});

test('units scale to the stored unit', () => {
  const exp = (m: Mapped): number => ('why' in m ? NaN : m.exp);
  assert.equal(exp(nem12Channel('E1', 'Wh')), 0);
  assert.equal(exp(nem12Channel('E1', 'kWh')), 3);
  assert.equal(exp(nem12Channel('E1', 'mwh')), 6);
  assert.equal(exp(nem12Channel('V1', 'kV')), 6);
  const e1 = nem12Channel('E1', 'kWh');
  assert.ok(!('why' in e1) && e1.unit === 'Wh');
});

test('E1 and E2 (and every other pair of suffixes) never collide', () => {
  const seen = new Map<string, string>();
  for (const letter of ['E', 'B', 'Q', 'K']) {
    for (let d = 1; d <= 9; d++) {
      const m = nem12Channel(`${letter}${d}`, letter === 'Q' || letter === 'K' ? 'kVArh' : 'kWh');
      assert.ok(!('why' in m));
      assert.equal(seen.get(m.obis), undefined, `${letter}${d} collides with ${seen.get(m.obis)}`);
      seen.set(m.obis, `${letter}${d}`);
      assert.ok(obisDefinition(m.obis), `${m.obis} has a definition`);
    }
  }
});

test('unmapped, unsupported and malformed suffixes and units say why', () => {
  const c = (s: string, u: string) => nem12Channel(s, u) as { why: string; unsupported: boolean };
  assert.deepEqual([c('A1', 'kWh').unsupported, /average import/.test(c('A1', 'kWh').why)], [true, true]);
  assert.equal(c('T1', 'kVAh').unsupported, true);
  assert.equal(c('E1', 'kW').unsupported, true, 'demand has no stored unit');
  assert.equal(c('E1', 'furlongs').unsupported, false);
  assert.match(c('E1', 'kVArh').why, /active energy but its unit of measure is kVArh/);
  assert.equal(c('X1', 'kWh').unsupported, false);
  assert.equal(c('E', 'kWh').unsupported, false);
  assert.equal(c('EA', 'kWh').unsupported, true);
  assert.equal(c('E1', '').unsupported, false, 'only V streams may leave the unit empty');
});

test('NEM13: direction E (from the market) is consumption, I generation; the register suffix is B', () => {
  assert.equal(obisOf(nem13Channel('11', 'E', 'kWh')), '1-11:1.8.0.255');
  assert.equal(obisOf(nem13Channel('41', 'E', 'KWH')), '1-41:1.8.0.255');
  assert.equal(obisOf(nem13Channel('12', 'I', 'kWh')), '1-12:2.8.0.255');
  assert.equal(obisOf(nem13Channel('13', 'E', 'kVArh')), '1-13:3.8.0.255');
  assert.match(obisOf(nem13Channel('11', 'X', 'kWh')), /direction indicator "X"/);
  assert.match(obisOf(nem13Channel('1', 'E', 'kWh')), /not two digits/);
  assert.match(obisOf(nem13Channel('11', 'E', 'V')), /not an energy register/);
  const d = obisDefinition('1-41:1.8.0')!;
  assert.equal(d.unit, 'Wh');
  assert.equal(d.direction, 'import');
});
