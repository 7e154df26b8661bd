import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S } from '../../model/index.ts';
import { createSite, fillDayContext, newDayContext } from '../day-context.ts';
import { Rng, STREAM } from '../prng.ts';
import { addHeatPumpLoad, addHotWaterRun, cop, createHeatPumpProfile } from './heat-pump.ts';

const site = createSite(9, 'Europe/Amsterdam', 52.09, 5.12);
const hp = createHeatPumpProfile(new Rng(9, 1, 0, STREAM.profile));

function day(date: number): { wh: number; meanC: number; peakW: number } {
  const ctx = fillDayContext(newDayContext(), site, date);
  const out = new Float64Array(96);
  const rng = new Rng();
  addHeatPumpLoad(ctx, hp, rng.reseed(9, 0, date, STREAM.heatPump), out, 0);
  for (let k = 0; k < 3; k++) addHotWaterRun(ctx, k, hp, rng.reseed(9, 0, ctx.dates[k], STREAM.hotWater), out, 0);
  return { wh: out.reduce((a, v) => a + v, 0), meanC: ctx.weather.tempC.reduce((a, v) => a + v, 0) / 96, peakW: Math.max(...out) * 4 };
}

test('COP falls with outside temperature', () => {
  assert.ok(cop(-10) < cop(0) && cop(0) < cop(10));
  assert.ok(cop(-10) > 1.8 && cop(10) < 5);
});

test('heat pumps are winter-heavy and follow the temperature', () => {
  const year = Date.UTC(2026, 0, 1) / 1000 / DAY_S;
  const days = Array.from({ length: 365 }, (_, d) => day(year + d));
  const month = (m: number): number => days.filter((_, d) => new Date((year + d) * DAY_S * 1000).getUTCMonth() === m).reduce((a, x) => a + x.wh, 0);
  assert.ok(month(0) > 4 * month(6), `January ${month(0)} Wh vs July ${month(6)} Wh`);
  const annual = days.reduce((a, x) => a + x.wh, 0) / 1000;
  assert.ok(annual > 1500 && annual < 6000, `${annual.toFixed(0)} kWh a year`);
  // Colder days use more: compare the coldest and mildest fifth of the heating season.
  const heating = days.filter((x) => x.meanC < 12).sort((a, b) => a.meanC - b.meanC);
  const fifth = Math.floor(heating.length / 5);
  const avg = (xs: typeof heating): number => xs.reduce((a, x) => a + x.wh, 0) / xs.length;
  assert.ok(avg(heating.slice(0, fifth)) > 1.5 * avg(heating.slice(-fifth)));
  // Summer leaves only hot water; the compressor never exceeds its rating plus the backup heater.
  assert.ok(days.every((x) => x.peakW <= hp.maxElectricW + hp.backupW + 1800 + 1e-6));
  assert.ok(Math.min(...days.map((x) => x.wh)) > 0.5 * hp.hotWaterWhPerDay);
});
