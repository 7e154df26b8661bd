import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S } from '../../model/index.ts';
import { addBlock, ZoneClock } from '../clock.ts';
import { createSite, fillDayContext, newDayContext } from '../day-context.ts';
import { Rng, STREAM } from '../prng.ts';
import { addEvSession } from './ev.ts';
import type { EvProfile } from './types.ts';

const site = createSite(4, 'Europe/Amsterdam', 52.09, 5.12);
const FIRST = Date.UTC(2026, 1, 2) / 1000 / DAY_S;

/** What the engine does for one meter: sessions of the dates d−1, d, d+1 clipped to UTC day d. */
function simulate(ev: EvProfile, days: number): Float64Array {
  const out = new Float64Array(days * 96);
  const ctx = newDayContext();
  const rng = new Rng();
  for (let d = 0; d < days; d++) {
    fillDayContext(ctx, site, FIRST + d);
    for (let k = 0; k < 3; k++) addEvSession(ctx, k, ev, rng.reseed(site.seed, 0, ctx.dates[k], STREAM.ev), out, d * 96);
  }
  return out;
}

test('a block across midnight is split exactly between the two days', () => {
  const day = 20_000 * DAY_S;
  const a = new Float64Array(96);
  const b = new Float64Array(96);
  addBlock(a, 0, day, day + DAY_S - 1000, day + DAY_S + 2600, 7400);
  addBlock(b, 0, day + DAY_S, day + DAY_S - 1000, day + DAY_S + 2600, 7400);
  const total = [...a, ...b].reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(total - 7400 * 1) < 1e-9);
  assert.ok(Math.abs(a[95]! - 7400 * (900 / 3600)) < 1e-9 && Math.abs(b[2]! - 7400 * (800 / 3600)) < 1e-9);
});

test('charging sessions plateau at the charger power and come in the evening', () => {
  const ev: EvProfile = { chargeW: 7400, weekdayChance: 0.5, weekendChance: 0.4, meanSessionWh: 15000, delayed: false };
  const days = 120;
  const out = simulate(ev, days);
  assert.ok(Math.max(...out) <= 7400 / 4 + 1e-9);
  assert.ok(out.filter((v) => Math.abs(v - 1850) < 1e-6).length > 100, 'full-power quarter-hours');
  const clock = new ZoneClock('Europe/Amsterdam');
  let evening = 0;
  let total = 0;
  out.forEach((v, k) => {
    const t = (FIRST + Math.floor(k / 96)) * DAY_S + (k % 96) * 900;
    const h = Math.floor((((t + clock.offsetS(t)) % DAY_S) + DAY_S) % DAY_S / 3600);
    total += v;
    if (h >= 15 || h < 2) evening += v;
  });
  assert.ok(evening > 0.75 * total, `${((evening / total) * 100).toFixed(0)} % in the evening`);
  // Energy is neither lost nor double-counted across midnights: it matches the expectation.
  const expected = ev.meanSessionWh * ((5 * ev.weekdayChance + 2 * ev.weekendChance) / 7) * days;
  assert.ok(Math.abs(total / expected - 1) < 0.15, `${total} vs ${expected}`);
});

test('night-tariff owners charge after midnight, across the UTC day boundary, without losing energy', () => {
  const ev: EvProfile = { chargeW: 3700, weekdayChance: 0.6, weekendChance: 0.6, meanSessionWh: 12000, delayed: true };
  const days = 120;
  const out = simulate(ev, days);
  let night = 0;
  let total = 0;
  out.forEach((v, k) => {
    total += v;
    const utcH = (k % 96) / 4;
    if (utcH >= 21 || utcH < 10) night += v;
  });
  assert.ok(night > 0.95 * total);
  const expected = ev.meanSessionWh * 0.6 * days;
  assert.ok(Math.abs(total / expected - 1) < 0.15, `${total} vs ${expected}`);
});
