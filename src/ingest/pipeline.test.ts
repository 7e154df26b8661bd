import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MeterstackError, hasCode } from '../model/errors.ts';
import { obis } from '../model/obis.ts';
import { QUALITY } from '../model/quality.ts';
import type { IntervalSeries } from '../model/reading.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { createPipeline } from './pipeline.ts';
import { NOW, json, meter, now, openTestStore, wrapIngest } from './pipeline.fixture.ts';

const CH = obis('1-0:1.8.0');
const T = NOW - 7200; // 10:00Z
const one = (end: number, value: number, over: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ meter: 'SIM000001', channel: '1-0:1.8.0', end, intervalS: 900, value, ...over });

test('per-item rejections carry their codes, are stored as rejects, and good items of the same batch are stored', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const readings = [
    one(T + 900, 10),
    one(T + 900, 1, { meter: 'UNKNOWN' }),
    one(T + 960, 1),
    one(T + 1800, -4),
    one(NOW + 3600, 1),
    one(T + 2700, 1.25),
    one(T + 2700, 1, { channel: '1-0:1.8' }),
    'not an item',
    one(T + 900, 11),
    { meter: 'SIM000001', channel: '1-0:1.8.0', start: T + 900, intervalS: 900, values: [20, 30], quality: ['A', 'E'] },
  ];
  const r = await p.submit({ source: 'api', bytes: json({ readings }), actor: 'key-1' });
  assert.deepEqual(r.rejected.map((x) => [x.index, x.code]), [
    [1, 'INGEST_UNKNOWN_METER'], [2, 'INGEST_MISALIGNED'], [3, 'INGEST_NEGATIVE_IMPORT'], [4, 'INGEST_FUTURE'],
    [5, 'INGEST_BAD_VALUE'], [6, 'OBIS_INVALID'], [7, 'INGEST_MALFORMED'], [8, 'INGEST_DUPLICATE_CONFLICT'],
  ]);
  assert.equal(r.accepted, 2);
  assert.equal(r.written, 3);
  const got = await t.store.readSeries('SIM000001', CH, T, T + 3600);
  assert.deepEqual([...got.values], [10, 20, 30, 0]);
  assert.deepEqual([...got.quality], [QUALITY.A, QUALITY.A, QUALITY.E, QUALITY.N]);

  const rejects = await t.store.listRejects({ source: 'api' }, { limit: 50 });
  assert.equal(rejects.total, 8);
  const byPos = new Map(rejects.items.map((x) => [x.position, x]));
  assert.equal(byPos.get(1)!.code, 'INGEST_UNKNOWN_METER');
  assert.equal(byPos.get(1)!.meterId, 'UNKNOWN');
  assert.equal(byPos.get(1)!.receiptSeq, r.receiptSeq);
  assert.deepEqual(JSON.parse(byPos.get(5)!.item), readings[5]);
  assert.equal(byPos.get(7)!.item, '"not an item"');
  await p.close();
  await t.close();
});

test('re-submitting the same message changes nothing; a changed value becomes a new version', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const bytes = json({ readings: [{ meter: 'SIM000002', channel: '1-0:1.8.0', start: T, intervalS: 900, values: [1, 2, 3, 4] }] });
  const first = await p.submit({ source: 'mqtt:dev', bytes });
  assert.deepEqual([first.written, first.unchanged, first.versioned], [4, 0, 0]);
  const again = await p.submit({ source: 'mqtt:dev', bytes });
  assert.deepEqual([again.written, again.unchanged, again.versioned], [0, 4, 0]);
  assert.equal(again.sha256, first.sha256);
  assert.ok(again.receiptSeq > first.receiptSeq, 'every arrival is a receipt, duplicates too');
  const changed = await p.submit({ source: 'mqtt:dev', bytes: json({ readings: [one(T + 900, 5, { meter: 'SIM000002' })] }) });
  assert.deepEqual([changed.written, changed.unchanged, changed.versioned], [0, 0, 1]);
  const versions = await t.store.readVersions('SIM000002', CH, T, T + 3600);
  assert.equal(versions.length, 2);
  await p.close();
  await t.close();
});

test('the receipt chain grows by one per message, holds the SHA-256 of the bytes, and verifies', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const messages = [0, 1, 2].map((k) => json({ readings: [one(T + 900 * (k + 1), k)] }));
  const results = await Promise.all(messages.map((bytes) => p.submit({ source: 'api', bytes })));
  const notJson = new TextEncoder().encode('{"readings": [');
  const broken = await p.submit({ source: 'api', bytes: notJson });
  assert.deepEqual(broken.rejected.map((x) => [x.index, x.code]), [[-1, 'INGEST_MALFORMED']]);
  const receipts = await t.store.listReceipts({ limit: 10 });
  assert.equal(receipts.total, 4);
  assert.deepEqual(receipts.items.map((r) => r.sha256), [...messages, notJson].map((b) => createHash('sha256').update(b).digest('hex')));
  assert.deepEqual(results.map((r) => r.receiptSeq), receipts.items.slice(0, 3).map((r) => r.seq));
  assert.equal(receipts.items[0]!.bytes, messages[0]!.length);
  assert.deepEqual(await t.store.verifyReceipts(), { ok: true, entries: 4 });
  const stored = await t.store.listRejects({ code: 'INGEST_MALFORMED' }, { limit: 5 });
  assert.equal(stored.items[0]!.position, -1);
  assert.equal(stored.items[0]!.receiptSeq, broken.receiptSeq);
  await p.close();
  await t.close();
});

test('a meter registered after the pipeline started is found on the next message', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const item = one(T + 900, 1, { meter: 'NEW000001' });
  const before = await p.submit({ source: 'api', bytes: json({ readings: [item] }) });
  assert.equal(before.rejected[0]!.code, 'INGEST_UNKNOWN_METER');
  await t.store.upsertMeters([meter('NEW000001')]);
  await new Promise((r) => setTimeout(r, 1_050)); // past the brief memory of misses
  const after = await p.submit({ source: 'api', bytes: json({ readings: [item] }) });
  assert.deepEqual(after.rejected, []);
  assert.equal(after.written, 1);
  await p.close();
  await t.close();
});

test('submitDecoded stores day blocks exactly and hashes their content', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const day = NOW - (NOW % 86_400) - 86_400;
  const values = Float64Array.from({ length: 96 }, (_, i) => (i * 37) % 500);
  const series: IntervalSeries = { meterId: 'SIM000003', channel: CH, start: day, intervalS: 900, values, quality: new Uint8Array(96) };
  const r = await p.submitDecoded({ source: 'sim', series: [series, { ...series, meterId: 'GHOST' }] });
  assert.equal(r.accepted, 1);
  assert.deepEqual(r.rejected.map((x) => [x.index, x.code]), [[1, 'INGEST_UNKNOWN_METER']]);
  assert.equal(r.written, 96);
  assert.match(r.sha256, /^[0-9a-f]{64}$/);
  const got = await t.store.readSeries('SIM000003', CH, day, day + 86_400);
  assert.deepEqual([...got.values], [...values]);
  const again = await p.submitDecoded({ source: 'sim', series: [series] });
  assert.equal(again.unchanged, 96);
  await p.close();
  await t.close();
});

test('a store failure rejects every submit of the group with INGEST_STORE_FAILED, and the pipeline goes on', async () => {
  const t = await openTestStore(openSqliteStore);
  let failing = true;
  const store = wrapIngest(t.store, (_units, real) => (failing ? Promise.reject(new Error('disk I/O error')) : real()));
  const p = createPipeline({ store, now });
  const submits = [1, 2, 3].map((k) => p.submit({ source: 'api', bytes: json({ readings: [one(T + 900 * k, k)] }) }));
  const settled = await Promise.allSettled(submits);
  for (const s of settled) {
    assert.equal(s.status, 'rejected');
    assert.ok(hasCode((s as PromiseRejectedResult).reason, 'INGEST_STORE_FAILED'));
    assert.match(String((s as PromiseRejectedResult).reason.message), /disk I\/O error/);
  }
  assert.equal((await t.store.listReceipts({ limit: 5 })).total, 0, 'nothing half-stored');
  failing = false;
  const ok = await p.submit({ source: 'api', bytes: json({ readings: [one(T + 900, 1)] }) });
  assert.equal(ok.written, 1);
  await p.close();
  await t.close();
});

test('a failure the store blames on one message fails only that message', async () => {
  const t = await openTestStore(openSqliteStore);
  const store = wrapIngest(t.store, (units, real) => (units.some((u) => u.series.some((s) => s.values[0] === 666))
    ? Promise.reject(new MeterstackError('STORE_CONFLICT', 'poison'))
    : real()));
  const p = createPipeline({ store, now });
  const submits = [1, 666, 3].map((v, k) => p.submit({ source: 'api', bytes: json({ readings: [one(T + 900 * (k + 1), v)] }) }));
  const [a, b, c] = await Promise.allSettled(submits);
  assert.equal(a!.status, 'fulfilled');
  assert.equal(c!.status, 'fulfilled');
  assert.ok(b!.status === 'rejected' && hasCode(b.reason, 'INGEST_STORE_FAILED'));
  assert.ok(hasCode((b as PromiseRejectedResult).reason.cause, 'STORE_CONFLICT'));
  await p.close();
  await t.close();
});

test('many small messages share one transaction, each answered with its own counts', async () => {
  const t = await openTestStore(openSqliteStore);
  let calls = 0;
  const store = wrapIngest(t.store, (_u, real) => { calls++; return real(); });
  const p = createPipeline({ store, now, maxBatch: 64 });
  const results = await Promise.all(Array.from({ length: 128 }, (_, k) =>
    p.submit({ source: 'mqtt:x', bytes: json({ readings: [one(T - 2 * 86_400 + 900 * (k + 1), k)] }) })));
  assert.ok(calls <= 4, `${calls} store transactions for 128 messages`);
  assert.ok(results.every((r) => r.written === 1 && r.accepted === 1));
  const s = p.stats();
  assert.deepEqual(s, { queued: 0, messages: 128, readings: 128, rejected: 0 });
  await p.close();
  await t.close();
});

test('the VEE hook sees each message\'s series before the store', async () => {
  const t = await openTestStore(openSqliteStore);
  const seen: string[] = [];
  const estimateAll = (series: readonly IntervalSeries[], ctx: { source: string }): IntervalSeries[] => {
    seen.push(ctx.source);
    return series.map((s) => ({ ...s, quality: new Uint8Array(s.values.length).fill(QUALITY.E) }));
  };
  const p = createPipeline({ store: t.store, now, stages: [estimateAll] });
  await p.submit({ source: 'file:x.json', bytes: json({ readings: [one(T + 900, 5)] }) });
  const got = await t.store.readSeries('SIM000001', CH, T, T + 900);
  assert.deepEqual([...got.quality], [QUALITY.E]);
  assert.deepEqual(seen, ['file:x.json']);
  await p.close();
  await t.close();
});

test('malformed submissions are refused before they are queued', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  await assert.rejects(p.submit({ source: 'api', bytes: 'text' as unknown as Uint8Array }), (e: unknown) => hasCode(e, 'INGEST_MALFORMED'));
  await assert.rejects(p.submitDecoded({ source: 'sim', series: null as unknown as [] }), (e: unknown) => hasCode(e, 'INGEST_MALFORMED'));
  await p.close();
  await t.close();
});

test('the example in docs/ingest-format.md gives the answer the document describes', async () => {
  const doc = readFileSync(new URL('../../docs/ingest-format.md', import.meta.url), 'utf8');
  const example = /## Example\s+```json\n([\s\S]*?)```/.exec(doc)![1]!;
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now });
  const r = await p.submit({ source: 'api', bytes: new TextEncoder().encode(example) });
  assert.equal(r.accepted, 3);
  assert.deepEqual(r.rejected.map((x) => [x.index, x.code]), [[3, 'INGEST_MISALIGNED'], [4, 'INGEST_NEGATIVE_IMPORT']]);
  await p.close();
  await t.close();
});

test('an interval length other than the channel\'s is an item rejection, not a failed transaction', async () => {
  const t = await openTestStore(openSqliteStore);
  await t.store.upsertChannels([{ meterId: 'SIM000002', obis: CH, unit: 'Wh', intervalS: 900, readingType: '' }]);
  const p = createPipeline({ store: t.store, now });
  const [a, b, c] = await Promise.all([
    p.submit({ source: 'api', bytes: json({ readings: [one(T + 900, 1, { meter: 'SIM000002', intervalS: 300 })] }) }),
    p.submit({ source: 'api', bytes: json({ readings: [one(T + 900, 2, { intervalS: 300 }), one(T + 900, 3, { meter: 'SIM000003' })] }) }),
    p.submit({ source: 'api', bytes: json({ readings: [one(T + 900, 4)] }) }),
  ]);
  assert.deepEqual(a!.rejected.map((x) => x.code), ['INGEST_MISALIGNED']);
  assert.deepEqual([b!.rejected, b!.written], [[], 2], 'a new channel takes the first length it is sent');
  assert.deepEqual(c!.rejected.map((x) => x.code), ['INGEST_MISALIGNED']);
  await p.close();
  await t.close();
});
