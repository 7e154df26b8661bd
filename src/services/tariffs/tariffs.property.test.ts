import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { localDateStart, QUALITY } from '../../model/index.ts';
import { buildGrid, nextDate } from './calendar.ts';
import { priceBill } from './charges.ts';
import { determinants } from './determinants.ts';
import { parseTariff } from './tariff.model.ts';

const ZONES = ['Europe/Amsterdam', 'Europe/London', 'America/New_York', 'Australia/Sydney'];
const hhmm = (q: number): string => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`;

/** A random TOU tariff: up to 4 periods, rules on random days and quarter-hour windows, a catch-all last. */
const tariffArb = fc.record({
  periods: fc.integer({ min: 1, max: 4 }),
  rules: fc.array(fc.record({ from: fc.integer({ min: 0, max: 95 }), to: fc.integer({ min: 1, max: 96 }), days: fc.subarray(['weekday', 'weekend', 'holiday', 'mon', 'sat'] as const, { minLength: 1 }), p: fc.nat() }), { maxLength: 5 }),
  rates: fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 4, maxLength: 4 }),
  timeBasis: fc.constantFrom('local', 'standard'),
}).map(({ periods, rules, rates, timeBasis }) => {
  const ids = Array.from({ length: periods }, (_, i) => `p${i}`);
  return parseTariff({
    id: 'prop', name: 'prop', currency: 'EUR', effectiveFrom: '2020-01-01', holidays: 'NL', timeBasis,
    periods: ids.map((id) => ({ id })),
    schedule: [...rules.map((r) => ({ days: r.days, from: hhmm(r.from), to: r.to === 96 ? '24:00' : hhmm(r.to), period: ids[r.p % periods] })), { period: ids[periods - 1] }],
    // Rates in whole cents per kWh with values in whole kWh: every amount is exact, so sums must match to the cent.
    charges: [{ type: 'energy', name: 'Energy', rates: Object.fromEntries(ids.map((id, i) => [id, (rates[i]! / 100).toFixed(2)])) }, { type: 'standing', name: 'Standing', perDay: '0.25' }],
  });
});

const startArb = fc.integer({ min: 0, max: 3 * 365 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

function addDays(date: string, n: number): string {
  let d = date;
  for (let i = 0; i < n; i++) d = nextDate(d);
  return d;
}

test('property: energy over the TOU periods sums to the energy of the period, intervals to the grid', () => {
  fc.assert(fc.property(tariffArb, fc.constantFrom(...ZONES), startArb, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (tariff, zone, start, days, seed) => {
    const from = localDateStart(start, zone);
    const to = localDateStart(addDays(start, days), zone);
    const grid = buildGrid([{ version: 1, tariff }], zone, from, to);
    const values = new Float64Array(grid.n);
    const quality = new Uint8Array(grid.n);
    let x = seed, total = 0;
    for (let i = 0; i < grid.n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      values[i] = x % 4000;
      quality[i] = x % 53 === 0 ? QUALITY.N : x % 17 === 0 ? QUALITY.E : QUALITY.A;
      if (quality[i] !== QUALITY.N) total += values[i]!;
    }
    const det = determinants(grid, { values, quality });
    const sum = det.import.wh.reduce((a, b) => a + b, 0);
    const counted = det.import.intervals.reduce((a, b) => a + b, 0) + det.import.missing.reduce((a, b) => a + b, 0);
    assert.equal(sum, total);
    assert.equal(counted, grid.n);
    assert.equal(grid.days.length, days);
    assert.equal(grid.days.reduce((a, d) => a + d.intervals, 0), grid.n);
  }), { numRuns: 60 });
});

test('property: splitting a bill period in two gives the same total as one bill (linear tariff)', () => {
  fc.assert(fc.property(tariffArb, fc.constantFrom(...ZONES), startArb, fc.integer({ min: 2, max: 35 }), fc.integer({ min: 0, max: 2 ** 31 }), (tariff, zone, start, days, seed) => {
    const cut = 1 + (seed % (days - 1));
    const whole = [start, addDays(start, days)] as const;
    const price = (a: string, b: string): { total: number; kwh: number } => {
      const from = localDateStart(a, zone);
      const to = localDateStart(b, zone);
      const grid = buildGrid([{ version: 1, tariff }], zone, from, to);
      const values = new Float64Array(grid.n);
      const offset = (from - localDateStart(start, zone)) / 900;
      for (let i = 0; i < grid.n; i++) values[i] = (((seed + (offset + i) * 7919) >>> 0) % 5) * 1000;
      const imp = { values, quality: new Uint8Array(grid.n) };
      const lines = priceBill(grid, determinants(grid, imp), { imp, prices: new Map(), capacityHistory: new Map(), capacityExempt: false });
      return { total: lines.reduce((s, l) => s + l.amount, 0), kwh: values.reduce((s, v) => s + v, 0) / 1000 };
    };
    const one = price(whole[0], whole[1]);
    const a = price(start, addDays(start, cut));
    const b = price(addDays(start, cut), whole[1]);
    assert.equal(a.kwh + b.kwh, one.kwh);
    assert.equal(a.total + b.total, one.total);
  }), { numRuns: 40 });
});
