import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S } from '../../model/index.ts';
import { dayTypeOf, ZoneClock } from '../clock.ts';
import { createFleet } from '../fleet.ts';
import { FleetSimulator } from '../simulator.ts';
import { OBIS_IMPORT } from '../channels.ts';

// One simulated year of 80 meters; the plain households (no PV, EV or heat pump) are under test.
const YEAR0 = Date.UTC(2025, 0, 1) / 1000;
const fleet = createFleet({ seed: 5, meters: 80 });
const plain = fleet.profiles.filter((p) => p.kind === 'household' && !p.pv && !p.ev && !p.heatPump);
const plainIdx = new Map(plain.map((p, k) => [p.meterId, k]));
const clock = new ZoneClock(fleet.zone);

const annual = new Float64Array(plain.length);
const maxInterval = new Float64Array(plain.length);
// Mean Wh per local hour, by weekday/weekend; daily energy by month.
const hourly = { weekday: new Float64Array(24), weekend: new Float64Array(24) };
const hourlyN = { weekday: new Float64Array(24), weekend: new Float64Array(24) };
const monthly = new Float64Array(12);

const localQ = new Int32Array(96);
const localDate = new Int32Array(96);
const sim = new FleetSimulator(fleet);
for (const out of sim.days(YEAR0, 365)) {
  clock.fillDay(out.series[0]!.start / DAY_S, localQ, localDate);
  for (const s of out.series) {
    const k = plainIdx.get(s.meterId);
    if (k === undefined || s.channel !== OBIS_IMPORT) continue;
    const month = new Date(s.start * 1000).getUTCMonth();
    for (let i = 0; i < 96; i++) {
      const v = s.values[i]!;
      annual[k] += v;
      monthly[month] += v;
      if (v > maxInterval[k]) maxInterval[k] = v;
      const kind = dayTypeOf(localDate[i]!) === 0 ? 'weekday' : 'weekend';
      const h = localQ[i]! >> 2;
      hourly[kind][h] += v;
      hourlyN[kind][h]++;
    }
  }
}
const mean = (kind: 'weekday' | 'weekend', hours: number[]): number => hours.reduce((a, h) => a + hourly[kind][h]! / hourlyN[kind][h]!, 0) / hours.length;

test('a plain household uses 2,500–4,500 kWh a year', () => {
  assert.ok(plain.length >= 30, `${plain.length} plain households`);
  plain.forEach((p, k) => {
    const kwh = annual[k]! / 1000;
    assert.ok(kwh >= 2500 && kwh <= 4500, `${p.meterId}: ${kwh.toFixed(0)} kWh`);
    // The calibration lands each household on its own target, give or take the weather and the dice.
    assert.ok(Math.abs(kwh / p.household!.annualKwh - 1) < 0.06, `${p.meterId}: ${kwh.toFixed(0)} vs target ${p.household!.annualKwh}`);
  });
});

test('daily shape: night base, morning and evening peaks; weekends differ', () => {
  const night = mean('weekday', [2, 3, 4]);
  const morning = mean('weekday', [7]);
  const daytime = mean('weekday', [10, 11, 14]);
  const evening = mean('weekday', [18, 19, 20]);
  assert.ok(evening > 2.5 * night, `evening ${evening} vs night ${night}`);
  assert.ok(morning > 1.2 * daytime, `morning ${morning} vs daytime ${daytime}`);
  assert.ok(evening > morning);
  assert.ok(mean('weekend', [10, 11, 12]) > 1.3 * mean('weekday', [10, 11, 12]), 'people are home at weekend noons');
  assert.ok(mean('weekend', [7]) < mean('weekday', [7]), 'and get up later');
});

test('seasonal shape: winter months use more than summer months', () => {
  const perDay = (m: number, days: number): number => monthly[m]! / days;
  assert.ok(perDay(0, 31) > 1.25 * perDay(6, 31), `January ${perDay(0, 31)} vs July ${perDay(6, 31)}`);
  assert.ok(perDay(11, 31) > perDay(8, 30));
});

test('appliances make spikes well above the base load', () => {
  plain.forEach((p, k) => {
    const meanInterval = annual[k]! / (365 * 96);
    assert.ok(maxInterval[k]! > 5 * meanInterval, `${p.meterId}: max ${maxInterval[k]} vs mean ${meanInterval.toFixed(0)} Wh`);
  });
});
