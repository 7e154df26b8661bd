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
