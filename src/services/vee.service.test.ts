import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, localDateStart, QUALITY, type IntervalSeries } from '../model/index.ts';
import { fleetMeters, IMPORT, tempStore, TOPOLOGY, ZONE, type TempStore } from '../../test/support/sqlite-fleet.ts';
import { VeeService } from './vee.service.ts';

// VEE against the real SQLite store: a meter with two weeks of a daily shape, then a day with a
// spike and a gap. Days in March before the DST change.
const FIRST = localDateStart('2026-03-01', ZONE);
const DAYS = 15;
const TARGET = FIRST + 14 * DAY_S;
let now = TARGET + DAY_S + 3600;
let t: TempStore;
let vee: VeeService;

/** Wh per quarter-hour: low at night, high in the evening, the same every day. */
const shape = (i: number): number => 20 + 10 * Math.round(Math.sin((((i % 96) - 30) / 96) * 2 * Math.PI) * 4 + 4);

function history(meterId: string): IntervalSeries {
  const n = DAYS * 96;
  return {
    meterId, channel: IMPORT, start: FIRST, intervalS: 900,
    values: Float64Array.from({ length: n }, (_, i) => shape(i)), quality: new Uint8Array(n).fill(QUALITY.A),
  };
}

before(async () => {
  t = tempStore(() => now);
  await t.store.migrate();
  await t.store.upsertTopology(TOPOLOGY);
  const meters = fleetMeters(3);
  await t.store.upsertMeters(meters);
  const target = history('E0001');
  const k = 14 * 96;
  target.values[k + 40] = 9000; // a spike
  for (let i = k + 50; i < k + 54; i++) target.quality[i] = QUALITY.N; // an hour missing
  for (let i = k + 90; i < k + 96; i++) target.quality[i] = QUALITY.N; // not read yet
  await t.store.writeSeries([target, history('E0002')], { source: 'test', actor: 'test' });
  vee = new VeeService(t.store, () => now);
});
after(async () => t.close());

test('an ingested day: spike substituted, interior gap estimated, tail left for day close, one new version', async () => {
  const r = await vee.runDay('E0001', '1-0:1.8.0', TARGET + 3600);
  assert.ok(r);
  assert.equal(r.from, TARGET);
  assert.equal(r.to, TARGET + 90 * 900, 'the window ends at the last received interval');
  assert.ok(r.changed >= 5, `changed ${r.changed}`);
  assert.ok(r.written >= 5);
  const s = await t.store.readSeries('E0001', IMPORT, TARGET, TARGET + DAY_S);
  assert.notEqual(s.quality[40], QUALITY.A, 'the spike is substituted');
  assert.ok(s.values[40]! < 9000);
  for (let i = 50; i < 54; i++) assert.ok(s.quality[i] === QUALITY.S || s.quality[i] === QUALITY.E, `gap interval ${i} estimated`);
  for (let i = 90; i < 96; i++) assert.equal(s.quality[i], QUALITY.N, 'the unread tail is not estimated yet');
  const versions = await t.store.readVersions('E0001', IMPORT, TARGET, TARGET + DAY_S);
  assert.ok(versions.length >= 2, 'the original block is kept as a version');
  const at = TARGET + 40 * 900;
  const block = versions.filter((v) => v.day <= at && at < v.day + DAY_S);
  assert.ok(block.length >= 2, 'the block holding the spike has two versions');
  assert.equal(block[0]!.series.values[(at - block[0]!.series.start) / 900], 9000, 'the original keeps the spike');
  const findings = await t.store.listVeeFindings('E0001', IMPORT, TARGET, TARGET + DAY_S);
  assert.ok(findings.some((f) => f.rule === 'spike'), JSON.stringify(findings.map((f) => f.rule)));
  const estimates = await t.store.listVeeEstimates('E0001', IMPORT, TARGET, TARGET + DAY_S);
  assert.ok(estimates.some((e) => e.start === TARGET + 50 * 900 && e.triggers.includes('gap')), JSON.stringify(estimates));
  const ex = await t.store.listExceptions({ meterIds: ['E0001'] }, { limit: 100 });
  assert.ok(ex.items.some((e) => e.rule === 'spike'));
});

test('running the same day again changes nothing and opens no exception', async () => {
  const before = (await t.store.listExceptions({}, { limit: 100 })).total;
  const versions = (await t.store.readVersions('E0001', IMPORT, TARGET, TARGET + DAY_S)).length;
  const r = await vee.runDay('E0001', '1-0:1.8.0', TARGET + 3600);
  assert.equal(r!.changed, 0);
  assert.equal(r!.written, 0);
  assert.equal((await t.store.listExceptions({}, { limit: 100 })).total, before);
  assert.equal((await t.store.readVersions('E0001', IMPORT, TARGET, TARGET + DAY_S)).length, versions);
});

test('clean data: no change, no version, no exception', async () => {
  const r = await vee.runDay('E0002', '1-0:1.8.0', TARGET + 3600);
  assert.equal(r!.changed, 0);
  assert.deepEqual((await t.store.listExceptions({ meterIds: ['E0002'] }, { limit: 10 })).items.map((e) => e.message), []);
  assert.deepEqual((await t.store.readVersions('E0002', IMPORT, TARGET, TARGET + DAY_S)).map((v) => v.version), [1, 1], 'two UTC blocks, never re-versioned');
});

test('actual data arriving late replaces an estimate and stays', async () => {
  const late: IntervalSeries = { meterId: 'E0001', channel: IMPORT, start: TARGET + 50 * 900, intervalS: 900, values: Float64Array.of(shape(50)), quality: Uint8Array.of(QUALITY.A) };
  await t.store.writeSeries([late], { source: 'test', actor: 'test' });
  await vee.runDay('E0001', '1-0:1.8.0', TARGET + 3600);
  const s = await t.store.readSeries('E0001', IMPORT, TARGET + 50 * 900, TARGET + 51 * 900);
  assert.deepEqual([s.values[0], s.quality[0]], [shape(50), QUALITY.A]);
});

test('day close substitutes the missing tail; later the estimates become final (F); both resume from the store', async () => {
  now = TARGET + DAY_S + 7 * 3600;
  const c = await vee.closeDays({ meterIds: ['E0001', 'E0002'], firstRun: TARGET });
  assert.equal(c.closed, 1, 'only E0001 had anything to substitute');
  let s = await t.store.readSeries('E0001', IMPORT, TARGET, TARGET + DAY_S);
  for (let i = 90; i < 96; i++) assert.equal(s.quality[i], QUALITY.S, `tail interval ${i} substituted`);
  assert.deepEqual(await vee.closeDays({ meterIds: ['E0001', 'E0002'] }), { closed: 0, finalized: 0 }, 'nothing twice');
  now = TARGET + 4 * DAY_S + 3600;
  const f = await vee.closeDays({ meterIds: ['E0001', 'E0002'] });
  assert.ok(f.finalized >= 6, `finalized ${f.finalized}`);
  s = await t.store.readSeries('E0001', IMPORT, TARGET, TARGET + DAY_S);
  for (let i = 90; i < 96; i++) assert.equal(s.quality[i], QUALITY.F);
  assert.ok(s.reason![90]! > 0, 'a final substitute carries a reason');
});

test('re-validation: new versions only where the outcome changes, a second run changes nothing, an interrupted run resumes', async () => {
  const day = FIRST + 10 * DAY_S;
  const spike: IntervalSeries = { meterId: 'E0002', channel: IMPORT, start: day + 40 * 900, intervalS: 900, values: Float64Array.of(9000), quality: Uint8Array.of(QUALITY.A) };
  await t.store.writeSeries([spike], { source: 'test', actor: 'test' }); // stored without VEE, e.g. before VEE ran
  const req = { from: FIRST + 7 * DAY_S, to: FIRST + 12 * DAY_S, meterIds: ['E0001', 'E0002', 'E0003'] };
  let calls = 0;
  await assert.rejects(vee.revalidate({ ...req, onProgress: () => { if (++calls === 2) throw new Error('interrupted'); } }), /interrupted/);
  const resumed = await vee.revalidate(req);
  assert.deepEqual([resumed.resumed, resumed.done, resumed.meters, resumed.complete], [true, 3, 3, true]);
  assert.equal(resumed.changed, 1, 'only the spiked day of E0002 changed');
  const s = await t.store.readSeries('E0002', IMPORT, day + 40 * 900, day + 41 * 900);
  assert.notEqual(s.quality[0], QUALITY.A);
  const again = await vee.revalidate(req);
  assert.deepEqual([again.resumed, again.changed], [false, 0]);
});
