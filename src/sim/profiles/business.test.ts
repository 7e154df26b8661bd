import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S } from '../../model/index.ts';
import { createSite, fillDayContext, newDayContext } from '../day-context.ts';
import { Rng } from '../prng.ts';
import { addBusinessLoad } from './business.ts';
import type { BusinessProfile } from './types.ts';

const site = createSite(2, 'Europe/Amsterdam', 52.09, 5.12);
// 2026-03-02 is a Monday.
const MONDAY = Date.UTC(2026, 2, 2) / 1000 / DAY_S;

function week(b: BusinessProfile): Float64Array[] {
  const ctx = newDayContext();
  return Array.from({ length: 7 }, (_, d) => {
    const out = new Float64Array(96);
    addBusinessLoad(fillDayContext(ctx, site, MONDAY + d), b, new Rng(2, 0, MONDAY + d, 0), out, 0);
    return out;
  });
}
const total = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);
// UTC 09:00–15:00 is 10:00–16:00 local in winter.
const officeHours = (a: Float64Array): number => total(a.slice(36, 60)) / 24;

test('offices work weekday office hours and idle at the weekend', () => {
  const w = week({ type: 'office', baseW: 2000, peakW: 12000 });
  const weekday = officeHours(w[2]!);
  assert.ok(weekday > 2500 && weekday <= 12000 / 4 * 1.3, `${weekday} Wh per quarter-hour`);
  assert.ok(weekday > 3 * officeHours(w[6]!), 'Sunday');
  assert.ok(weekday > 3 * total(w[2]!.slice(0, 16)) / 16, 'night');
  // Larger than a household: 12 kW peak is ~50× a home's average draw.
  assert.ok(total(w[2]!) > 80_000);
});

test('shops are open on Saturday', () => {
  const w = week({ type: 'shop', baseW: 1500, peakW: 9000 });
  assert.ok(officeHours(w[5]!) > 0.8 * officeHours(w[2]!));
  assert.ok(officeHours(w[5]!) > 1.5 * officeHours(w[6]!), "Sunday afternoon opening only");
});
