// "Compared with similar homes", privacy-safe: the mean of homes with the same profile, given only
// when at least SIMILAR_MIN_HOMES of them contribute, never a single home's figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { localDateStart, QUALITY, type Channel, type IntervalSeries, type Meter } from '../model/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { ACTIVE_IMPORT } from './load.service.ts';
import { contributingHomes, evenSample, PortalService, profileOf, SIMILAR_MIN_HOMES, similarMeans } from './portal.service.ts';

const ZONE = 'Europe/Amsterdam';
const DAY = '2026-05-12';
const START = localDateStart(DAY, ZONE);
const N = 96;

const meter = (id: string, premise: string, tags: string[]): Meter => ({ id, kind: 'electricity', status: 'active', timeZone: ZONE, tags, premise });
const channel = (meterId: string): Channel => ({ meterId, obis: ACTIVE_IMPORT, unit: 'Wh', intervalS: 900, readingType: 'x' });
/** `wh` per quarter-hour all day; `missing` quarter-hours from the start left out. */
function day(meterId: string, wh: number, missing = 0): IntervalSeries {
  const quality = new Uint8Array(N).fill(QUALITY.A);
  const values = new Float64Array(N).fill(wh);
  for (let i = 0; i < missing; i++) { quality[i] = QUALITY.N; values[i] = 0; }
  return { meterId, channel: ACTIVE_IMPORT, start: START, intervalS: 900, values, quality };
}

/**
 * The customer (P0, household + pv, 500 Wh a quarter-hour), `peers` other household + pv homes
 * (home k uses 10·k Wh), and homes of other profiles that must never count (1,000 Wh).
 */
async function setup(peers: number, opts: { gappy?: number } = {}) {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  const meters: Meter[] = [meter('M0', 'P0', ['pv', 'household'])];
  const series: IntervalSeries[] = [day('M0', 500)];
  for (let k = 1; k <= peers; k++) {
    meters.push(meter(`M${k}`, `P${k}`, ['household', 'pv']));
    series.push(day(`M${k}`, 10 * k, k <= (opts.gappy ?? 0) ? 48 : 0));
  }
  for (const [i, tags] of [['household'], ['household', 'pv', 'ev'], ['business', 'pv']].entries()) {
    for (let j = 0; j < 12; j++) {
      meters.push(meter(`X${i}${j}`, `Q${i}${j}`, tags));
      series.push(day(`X${i}${j}`, 1000));
    }
  }
  await store.upsertMeters(meters);
  await store.upsertChannels(meters.map((m) => channel(m.id)));
  await store.writeSeries(series, { source: 'test', actor: 'test' });
  const portal = new PortalService(store, () => START + 3 * 86_400);
  return { store, portal, customer: { keyId: 'u', role: 'customer', label: 'Home 0', user: 'h0', premise: 'P0' } };
}

test('profile, sample and k-anonymity rules', () => {
  assert.deepEqual(profileOf(['pv', 'household', 'pv']), ['household', 'pv']);
  assert.deepEqual(profileOf(undefined), []);
  assert.deepEqual(evenSample([1, 2, 3], 5), [1, 2, 3]);
  assert.deepEqual(evenSample([...Array(10).keys()], 5), [0, 2, 4, 6, 8]);
  const homes = new Map([['A', ['a1', 'a2']], ['B', ['b']], ['C', ['c']]]);
  assert.deepEqual(contributingHomes(homes, new Map([['a1', 96], ['a2', 90], ['b', 96], ['c', 50]])), ['A', 'B'], 'a home with a gap is left out');
  assert.deepEqual(contributingHomes(homes, new Map()), []);
  assert.deepEqual(similarMeans([1000, 2005], SIMILAR_MIN_HOMES - 1), [null, null]);
  assert.deepEqual(similarMeans([1000, 2054], SIMILAR_MIN_HOMES), [100, 210], 'means rounded to 10 Wh');
  fc.assert(fc.property(fc.array(fc.nat(1e9), { maxLength: 30 }), fc.nat(40), (sums, homes) => {
    const means = similarMeans(sums, homes);
    assert.equal(means.length, sums.length);
    if (homes < SIMILAR_MIN_HOMES) assert.ok(means.every((m) => m === null), 'nothing below the minimum');
    else means.forEach((m, i) => assert.ok(Math.abs(m! - sums[i]! / homes) <= 5));
  }));
});

test('usage: the mean of homes with exactly the same profile, without the customer\'s own home', async () => {
  const { portal, customer } = await setup(12);
  const u = await portal.usage(customer, { period: 'week', date: DAY });
  assert.deepEqual(u.similar, { profile: ['household', 'pv'], homes: 12, contributing: 12, minimum: SIMILAR_MIN_HOMES, total: 96 * 65 });
  // Homes 1..12 use 10·k Wh a quarter-hour: the mean is 65 Wh, 6,240 Wh a day; the customer (500) and other profiles (1,000) are not in it.
  const tuesday = u.buckets.find((b) => b.label === DAY)!;
  assert.equal(tuesday.total, 96 * 500);
  assert.equal(tuesday.similar, 96 * 65);
  assert.ok(u.buckets.filter((b) => b.label !== DAY).every((b) => b.similar === null), 'no data on the other days: no mean');

  const d = await portal.usage(customer, { period: 'day', date: DAY });
  assert.equal(d.buckets.length, 24);
  assert.ok(d.buckets.every((b) => b.similar === 4 * 65), JSON.stringify(d.buckets.map((b) => b.similar)));
  assert.equal(d.similar.total, 24 * 4 * 65);
});

test('usage: fewer than the minimum homes contributing gives no similar-homes figures at all', async () => {
  const few = await setup(SIMILAR_MIN_HOMES - 1);
  for (const period of ['day', 'week', 'month', 'year'] as const) {
    const u = await few.portal.usage(few.customer, { period, date: DAY });
    assert.equal(u.similar.contributing, SIMILAR_MIN_HOMES - 1);
    assert.equal(u.similar.total, null, period);
    assert.ok(u.buckets.every((b) => b.similar === null), period);
  }
  // Twelve homes of the profile, but three have half a day missing: nine contribute, which is too few.
  const gappy = await setup(12, { gappy: 3 });
  const u = await gappy.portal.usage(gappy.customer, { period: 'week', date: DAY });
  assert.deepEqual([u.similar.homes, u.similar.contributing, u.similar.total], [12, 9, null]);
  assert.ok(u.buckets.every((b) => b.similar === null));
});

test('usage: an operator\'s customer view of any home gets the same privacy-safe comparison', async () => {
  const { portal } = await setup(10);
  const u = await portal.usage({ keyId: 'k', role: 'operator', label: 'ops' }, { premise: 'P0', period: 'week', date: DAY });
  assert.equal(u.similar.contributing, 10);
  assert.equal(u.buckets.find((b) => b.label === DAY)!.similar, 96 * 55);
});
