import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/errors.ts';
import { obis } from '../model/obis.ts';
import { QUALITY } from '../model/quality.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import { createPipeline } from './pipeline.ts';
import { NOW, gate, json, now, openTestStore, wrapIngest } from './pipeline.fixture.ts';

/** Backpressure, acknowledgement order and shutdown, against the real SQLite store. */

const T = NOW - 86_400;
const msg = (k: number): { source: string; bytes: Uint8Array } =>
  ({ source: 'mqtt:m', bytes: json({ readings: [{ meter: 'SIM000001', channel: '1-0:1.8.0', end: T + 900 * (k + 1), intervalS: 900, value: k }] }) });

function flag(p: Promise<unknown>): { settled: boolean } {
  const f = { settled: false };
  p.then(() => { f.settled = true; }, () => { f.settled = true; });
  return f;
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a submit resolves only after its transaction committed, and the data is then readable', async () => {
  const t = await openTestStore(openSqliteStore);
  const g = gate();
  const store = wrapIngest(t.store, async (_u, real) => { await g.promise; return real(); });
  const p = createPipeline({ store, now });
  const pending = p.submit(msg(0));
  const f = flag(pending);
  await tick(20);
  assert.equal(f.settled, false, 'no acknowledgement before the commit');
  g.open();
  const r = await pending;
  assert.equal(r.written, 1);
  const stored = await t.store.readSeries('SIM000001', obis('1-0:1.8.0'), T, T + 900);
  assert.deepEqual([...stored.values], [0]);
  await p.close();
  await t.close();
});

test('a full queue makes submit wait; the queue never holds more than maxQueue', async () => {
  const t = await openTestStore(openSqliteStore);
  const g = gate();
  let maxQueued = 0;
  const store = wrapIngest(t.store, async (_u, real) => { await g.promise; return real(); });
  const p = createPipeline({ store, now, maxQueue: 4, maxBatch: 2 });
  const submits = Array.from({ length: 12 }, (_, k) => p.submit(msg(k)));
  const flags = submits.map(flag);
  for (let i = 0; i < 5; i++) {
    await tick(2);
    maxQueued = Math.max(maxQueued, p.stats().queued);
  }
  assert.equal(p.stats().queued, 4);
  assert.ok(flags.every((f) => !f.settled));
  g.open();
  const results = await Promise.all(submits);
  assert.ok(maxQueued <= 4);
  assert.ok(results.every((r) => r.written === 1));
  await p.close();
  await t.close();
});

test('a submit that waits longer than maxWaitMs fails with INGEST_BACKPRESSURE and is not stored', async () => {
  const t = await openTestStore(openSqliteStore);
  const g = gate();
  const store = wrapIngest(t.store, async (_u, real) => { await g.promise; return real(); });
  const p = createPipeline({ store, now, maxQueue: 1, maxBatch: 1, maxWaitMs: 20 });
  const first = p.submit(msg(0));
  await tick(2);
  const second = p.submit(msg(1)); // the stalled store holds the first, so the queue stays full
  await assert.rejects(second, (e: unknown) => hasCode(e, 'INGEST_BACKPRESSURE'));
  g.open();
  await first;
  await p.close();
  const stored = await t.store.readSeries('SIM000001', obis('1-0:1.8.0'), T, T + 1800);
  assert.deepEqual([...stored.values], [0, 0]);
  assert.equal(stored.quality[1], QUALITY.N, 'the refused message left nothing');
  assert.equal((await t.store.listReceipts({ limit: 5 })).total, 1);
  await t.close();
});

test('acknowledgements come in submit order with increasing receipt numbers', async () => {
  const t = await openTestStore(openSqliteStore);
  const p = createPipeline({ store: t.store, now, maxQueue: 16, maxBatch: 5 });
  const order: number[] = [];
  const seqs: number[] = [];
  await Promise.all(Array.from({ length: 60 }, (_, k) => p.submit(msg(k)).then((r) => { order.push(k); seqs.push(r.receiptSeq); })));
  assert.deepEqual(order, Array.from({ length: 60 }, (_, k) => k));
  assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!));
  await p.close();
  await t.close();
});

test('close finishes queued messages; later submits and submits still waiting get INGEST_CLOSED', async () => {
  const t = await openTestStore(openSqliteStore);
  const g = gate();
  const store = wrapIngest(t.store, async (_u, real) => { await g.promise; return real(); });
  const p = createPipeline({ store, now, maxQueue: 2, maxBatch: 1 });
  const accepted = [p.submit(msg(0)), p.submit(msg(1))];
  const waiting = p.submit(msg(2));
  await tick(2);
  const closing = p.close();
  await assert.rejects(waiting, (e: unknown) => hasCode(e, 'INGEST_CLOSED'));
  await assert.rejects(p.submit(msg(3)), (e: unknown) => hasCode(e, 'INGEST_CLOSED'));
  await assert.rejects(p.submitDecoded({ source: 'sim', series: [] }), (e: unknown) => hasCode(e, 'INGEST_CLOSED'));
  const f = flag(closing);
  await tick(10);
  assert.equal(f.settled, false, 'close waits for the queued messages');
  g.open();
  await closing;
  const results = await Promise.all(accepted);
  assert.deepEqual(results.map((r) => r.written), [1, 1]);
  assert.equal(p.stats().queued, 0);
  await p.close();
  await t.close();
});
