import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/errors.ts';
import { createMemoryBus } from './memory.ts';

const noDeadLetter = (): never => { throw new Error('unexpected dead letter'); };

test('capacity and maxBatch must be positive integers', () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => createMemoryBus({ capacity }), (e: unknown) => hasCode(e, 'CONFIG_INVALID'));
  }
  const bus = createMemoryBus<number>({ capacity: 1 });
  assert.throws(() => bus.consume(async () => {}, { maxBatch: 0, onDeadLetter: noDeadLetter }), (e: unknown) => hasCode(e, 'CONFIG_INVALID'));
});

test('a second consumer is a wiring mistake', () => {
  const bus = createMemoryBus<number>({ capacity: 1 });
  bus.consume(async () => {}, { maxBatch: 1, onDeadLetter: noDeadLetter });
  assert.throws(() => bus.consume(async () => {}, { maxBatch: 1, onDeadLetter: noDeadLetter }), (e: unknown) => hasCode(e, 'CONFIG_INVALID'));
});

test('a flood of concurrent publishers stays within capacity and keeps call order', async () => {
  const bus = createMemoryBus<number>({ capacity: 16 });
  const seen: number[] = [];
  let maxDepth = 0;
  bus.consume(async (batch) => {
    maxDepth = Math.max(maxDepth, bus.stats().depth);
    await new Promise((r) => setImmediate(r));
    for (const m of batch) seen.push(m.data);
  }, { maxBatch: 5, onDeadLetter: noDeadLetter });
  const n = 20_000;
  const all = Array.from({ length: n }, (_, i) => bus.publish(i));
  assert.equal(bus.stats().depth, 16);
  assert.equal(bus.stats().waiting, n - 16);
  await Promise.all(all);
  await bus.close();
  assert.ok(maxDepth <= 16);
  assert.equal(seen.length, n);
  assert.ok(seen.every((v, i) => v === i));
});

test('seq numbers follow publish order and survive redelivery', async () => {
  const bus = createMemoryBus<string>({ capacity: 4 });
  const seqs: number[] = [];
  let fail = true;
  bus.consume(async (batch) => {
    seqs.push(...batch.map((m) => m.seq));
    if (fail) { fail = false; throw new Error('once'); }
  }, { maxBatch: 4, retryDelayMs: 1, onDeadLetter: noDeadLetter });
  await bus.publish('a');
  await bus.close();
  assert.deepEqual(seqs, [1, 1]);
});

test('messages published in separate callbacks of one event-loop turn share a batch', async () => {
  const bus = createMemoryBus<number>({ capacity: 100 });
  const sizes: number[] = [];
  bus.consume(async (batch) => { sizes.push(batch.length); }, { maxBatch: 100, onDeadLetter: noDeadLetter });
  await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((done) => setImmediate(() => { void bus.publish(i).then(done); }))));
  await bus.close();
  assert.equal(sizes.reduce((a, b) => a + b, 0), 50);
  assert.ok(sizes.length <= 2, `batches ${sizes.join(',')}`);
});

test('each waiting publisher times out on its own deadline, whatever its place in the queue', async () => {
  const bus = createMemoryBus<string>({ capacity: 1 });
  await bus.publish('held');
  const t0 = Date.now();
  const long = bus.publish('long', { timeoutMs: 200 });
  const short = bus.publish('short', { timeoutMs: 20 });
  const forever = bus.publish('forever');
  await assert.rejects(short, (e: unknown) => hasCode(e, 'BUS_FULL'));
  assert.ok(Date.now() - t0 < 150, 'the short deadline did not wait for the long one');
  await assert.rejects(long, (e: unknown) => hasCode(e, 'BUS_FULL'));
  assert.equal(bus.stats().waiting, 1);
  const seen: string[] = [];
  bus.consume(async (b) => { seen.push(...b.map((m) => m.data)); }, { maxBatch: 4, onDeadLetter: noDeadLetter });
  await forever;
  await bus.close();
  assert.deepEqual(seen, ['held', 'forever']);
});

test('no timer outlives the waiting publishers', async () => {
  const bus = createMemoryBus<number>({ capacity: 1 });
  await bus.publish(0);
  const waiting = bus.publish(1, { timeoutMs: 60_000 });
  const handles = (): number => (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = handles();
  bus.consume(async () => {}, { maxBatch: 1, onDeadLetter: noDeadLetter });
  await waiting;
  assert.equal(handles(), before - 1);
  await bus.close();
});
