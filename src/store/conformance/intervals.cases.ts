import assert from 'node:assert/strict';
import { MAX_VALUE, QUALITY, obis, type Obis } from '../../model/index.ts';
import { CH, CTX, plain, ramp, rejectsWith, series, t, type Case } from './fixtures.ts';

const DAY = '2026-03-10T00:00:00Z';
const NEXT = '2026-03-11T00:00:00Z';

export const intervalCases: readonly Case[] = [
  ['writeSeries stores a day and readSeries returns it', async (store) => {
    const values = ramp(96);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, values)], CTX), { written: 96, unchanged: 0, versioned: 0 });
    const back = await store.readSeries('m1', CH, t(DAY), t(NEXT));
    assert.equal(back.meterId, 'm1');
    assert.equal(back.channel, CH);
    assert.equal(back.start, t(DAY));
    assert.equal(back.intervalS, 900);
    assert.deepEqual(plain(back), values);
    assert.ok(back.quality.every((q) => q === QUALITY.A));
  }],

  ['idempotency: the same batch twice is unchanged', async (store) => {
    const batch = [series('m1', DAY, ramp(96)), series('m2', DAY, ramp(96, 5), { quality: 'E', reason: Array(96).fill(51) })];
    await store.writeSeries(batch, CTX);
    assert.deepEqual(await store.writeSeries(batch, CTX), { written: 0, unchanged: 192, versioned: 0 });
    assert.equal((await store.readVersions('m1', CH, t(DAY), t(NEXT))).length, 1);
    assert.equal((await store.listAudit({ action: 'interval.version' }, { limit: 10 })).total, 0);
  }],

  ['versioning: a changed value is a new version, the original kept and audited', async (store) => {
    const original = ramp(96);
    await store.writeSeries([series('m1', DAY, original)], CTX);
    const edited = [...original];
    edited[10] = 9999;
    edited[11] = 0;
    const r = await store.writeSeries([series('m1', DAY, edited, { quality: original.map((_, i) => (i === 10 || i === 11 ? 'S' : 'A')) })], { source: 'vee', actor: 'rule:spike', reason: 'spike replaced' });
    assert.deepEqual(r, { written: 0, unchanged: 94, versioned: 2 });
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(NEXT))), edited);
    const versions = await store.readVersions('m1', CH, t(DAY), t(NEXT));
    assert.deepEqual(versions.map((v) => [v.day, v.version]), [[t(DAY), 1], [t(DAY), 2]]);
    assert.deepEqual(plain(versions[0]!.series), original);
    assert.deepEqual(plain(versions[1]!.series), edited);
    assert.ok(versions[0]!.recordedAt <= versions[1]!.recordedAt);
    const audit = await store.listAudit({ action: 'interval.version' }, { limit: 10 });
    assert.equal(audit.total, 1);
    const e = audit.items[0]!;
    assert.equal(e.actor, 'rule:spike');
    assert.equal(e.object, `meter/m1/${CH}/2026-03-10`);
    assert.deepEqual({ ...e.details }, { oldVersion: 1, newVersion: 2, changed: 2, filled: 0, source: 'vee', reason: 'spike replaced' });
    assert.deepEqual(await store.verifyAudit(), { ok: true, entries: 1 });
  }],

  ['a quality or reason change alone is a new version', async (store) => {
    await store.writeSeries([series('m1', DAY, [1, 2, 3])], CTX);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [1, 2, 3], { quality: ['A', 'F', 'A'] })], CTX), { written: 0, unchanged: 2, versioned: 1 });
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [1, 2, 3], { quality: ['A', 'F', 'A'], reason: [0, 0, 79] })], CTX), { written: 0, unchanged: 2, versioned: 1 });
    const back = await store.readSeries('m1', CH, t(DAY), t(DAY) + 2700);
    assert.deepEqual([...back.quality], [QUALITY.A, QUALITY.F, QUALITY.A]);
    assert.deepEqual([...(back.reason ?? [])], [0, 0, 79]);
    assert.deepEqual((await store.readVersions('m1', CH, t(DAY), t(NEXT))).map((v) => v.version), [1, 2, 3]);
  }],

  ['N never overwrites a stored value', async (store) => {
    await store.writeSeries([series('m1', DAY, [10, 20, 30, 40])], CTX);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [null, null, 31, null])], CTX), { written: 0, unchanged: 0, versioned: 1 });
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(DAY) + 3600)), [10, 20, 31, 40]);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [null, null, null, null])], CTX), { written: 0, unchanged: 0, versioned: 0 });
  }],

  ['a missing interval is filled in place, without a new version', async (store) => {
    await store.writeSeries([series('m1', DAY, [10, null, 30, null])], CTX);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [10, 20, 30, 40])], CTX), { written: 2, unchanged: 2, versioned: 0 });
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(DAY) + 3600)), [10, 20, 30, 40]);
    assert.deepEqual((await store.readVersions('m1', CH, t(DAY), t(NEXT))).map((v) => v.version), [1]);
    assert.deepEqual(await store.writeSeries([series('m1', DAY, [11, null, null, null, 50])], CTX), { written: 1, unchanged: 0, versioned: 1 });
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(DAY) + 4500)), [11, 20, 30, 40, 50]);
  }],

  ['a multi-day series is split into UTC days', async (store) => {
    const start = t('2026-03-09T18:00:00Z');
    const values = ramp(96 * 2 + 30);
    assert.equal((await store.writeSeries([series('m1', start, values)], CTX)).written, values.length);
    const versions = await store.readVersions('m1', CH, start, start + values.length * 900);
    assert.deepEqual(versions.map((v) => v.day), [t('2026-03-09T00:00:00Z'), t(DAY), t(NEXT), t('2026-03-12T00:00:00Z')]);
    assert.ok(versions.every((v) => v.series.values.length === 96 && v.series.start === v.day));
    assert.deepEqual(plain(await store.readSeries('m1', CH, start, start + values.length * 900)), values);
  }],

  ['readSeries gives N where nothing is stored, on any grid range', async (store) => {
    await store.writeSeries([series('m1', '2026-03-10T22:00:00Z', [1, 2, 3, 4, 5, 6, 7, 8])], CTX);
    const from = t('2026-03-10T21:30:00Z');
    const back = await store.readSeries('m1', CH, from, from + 12 * 900);
    assert.deepEqual(plain(back), [null, null, 1, 2, 3, 4, 5, 6, 7, 8, null, null]);
    assert.deepEqual(plain(await store.readSeries('m1', CH, t('2026-03-10T23:45:00Z'), t('2026-03-11T00:15:00Z'))), [8, null]);
    assert.deepEqual(plain(await store.readSeries('m1', CH, from, from)), []);
    assert.deepEqual(plain(await store.readSeries('nobody', CH, from, from + 1800)), [null, null]);
    await rejectsWith(store.readSeries('m1', CH, from + 60, from + 1800), 'SERIES_INVALID');
  }],

  ['channels are created on demand with unit and reading type', async (store) => {
    await store.writeSeries([series('m1', DAY, [1]), series('m1', DAY, [2], { channel: '1-0:2.8.0', intervalS: 300 })], CTX);
    const chans = await store.listChannels('m1');
    assert.deepEqual(chans.map((c) => [c.obis, c.unit, c.intervalS]).sort(), [[CH, 'Wh', 900], [obis('1-0:2.8.0'), 'Wh', 300]]);
    assert.equal(chans.find((c) => c.obis === CH)!.readingType, '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0');
    assert.deepEqual(plain(await store.readSeries('m1', obis('1-0:2.8.0'), t(DAY), t(DAY) + 600)), [2, null]);
  }],

  ['any spelling of an OBIS code names the same channel', async (store) => {
    const short = { ...series('m1', DAY, [1, 2]), channel: '1-0:1.8.0' as Obis };
    const dotted = { ...series('m1', DAY, [1, 2, 3]), channel: '1.0.1.8.0.255' as Obis };
    await store.writeSeries([short], CTX);
    assert.deepEqual(await store.writeSeries([dotted], CTX), { written: 1, unchanged: 2, versioned: 0 });
    assert.deepEqual(plain(await store.readSeries('m1', '1-0:1.8.0' as Obis, t(DAY), t(DAY) + 2700)), [1, 2, 3]);
    assert.deepEqual((await store.listChannels('m1')).map((c) => c.obis), [CH]);
  }],

  ['a series on another interval length than its channel is STORE_CONFLICT', async (store) => {
    await store.writeSeries([series('m1', DAY, [1, 2])], CTX);
    await rejectsWith(store.writeSeries([series('m1', DAY, [1, 2], { intervalS: 300 })], CTX), 'STORE_CONFLICT');
  }],

  ['atomicity: a batch with one conflicting series stores nothing', async (store) => {
    await store.writeSeries([series('m1', DAY, [1, 2])], CTX);
    const batch = [series('m2', DAY, ramp(96)), series('m1', DAY, [5, 6, 7]), series('m1', NEXT, [1], { intervalS: 300 })];
    await rejectsWith(store.writeSeries(batch, CTX), 'STORE_CONFLICT');
    assert.deepEqual(plain(await store.readSeries('m2', CH, t(DAY), t(DAY) + 1800)), [null, null]);
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(DAY) + 2700)), [1, 2, null]);
    assert.deepEqual(await store.listChannels('m2'), []);
    assert.equal((await store.listAudit({}, { limit: 10 })).total, 0);
    // The same writes without the bad series go through: nothing half-done is left in the way.
    assert.deepEqual(await store.writeSeries(batch.slice(0, 2), CTX), { written: 97, unchanged: 0, versioned: 2 });
  }],

  ['invalid series are refused before anything is stored', async (store) => {
    const bad = { ...series('m1', DAY, [1, 2]), values: Float64Array.of(1, 0.5) };
    await rejectsWith(store.writeSeries([series('m2', DAY, [1]), bad], CTX), 'SERIES_INVALID');
    assert.deepEqual(plain(await store.readSeries('m2', CH, t(DAY), t(DAY) + 900)), [null]);
  }],

  ['values up to ±2^50 and negatives round-trip exactly', async (store) => {
    const values = [MAX_VALUE, -MAX_VALUE, 0, -1, 2 ** 31, -(2 ** 31) - 1, MAX_VALUE - 1, 7];
    await store.writeSeries([series('m1', DAY, values)], CTX);
    assert.deepEqual(plain(await store.readSeries('m1', CH, t(DAY), t(DAY) + values.length * 900)), values);
  }],

  ['streaming: one interval per call builds the day like one bulk write', async (store) => {
    const meters = ['s1', 's2', 's3', 's4', 's5'];
    const expected = new Map(meters.map((m, k) => [m, ramp(96, k * 10)]));
    let written = 0;
    for (let i = 0; i < 96; i++) {
      const batch = meters.map((m) => series(m, t(DAY) + i * 900, [expected.get(m)![i]!]));
      const r = await store.writeSeries(batch, CTX);
      written += r.written;
      if (i % 10 === 0) assert.deepEqual(await store.writeSeries(batch, CTX), { written: 0, unchanged: meters.length, versioned: 0 });
    }
    assert.equal(written, 96 * meters.length);
    for (const m of meters) assert.deepEqual(plain(await store.readSeries(m, CH, t(DAY), t(NEXT))), expected.get(m));
    assert.deepEqual((await store.readVersions('s3', CH, t(DAY), t(NEXT))).map((v) => v.version), [1]);
  }],
];
