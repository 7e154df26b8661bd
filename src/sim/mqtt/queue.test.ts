import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isMeterstackError } from '../../model/index.ts';
import { DiskQueue, MemoryQueue, type OutboundQueue, type QueuedMessage } from './queue.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (m: QueuedMessage) => `${m.topic}=${new TextDecoder().decode(m.payload)}`;
const all = (q: OutboundQueue) => q.after(0, 1e9).map(text);

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-queue-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('oldest first; a message leaves only when acknowledged', () => {
  const q = new MemoryQueue();
  q.push('t', bytes('a'));
  q.push('t', bytes('b'));
  q.push('t', bytes('c'));
  const [a, b] = q.after(0, 2);
  assert.deepEqual([a, b].map((m) => text(m!)), ['t=a', 't=b']);
  assert.deepEqual(q.after(b!.seq, 5).map(text), ['t=c'], 'after() continues behind what is in flight');
  q.ack(b!.seq);
  assert.deepEqual(all(q), ['t=a', 't=c']);
  q.ack(a!.seq);
  q.ack(a!.seq);
  assert.equal(q.size, 1);
});

test('drop-oldest keeps the newest within both limits and counts the dropped', () => {
  const q = new MemoryQueue({ maxMessages: 3, maxBytes: 1000, overflow: 'drop-oldest' });
  for (const s of ['1', '2', '3', '4', '5']) q.push('t', bytes(s));
  assert.deepEqual(all(q), ['t=3', 't=4', 't=5']);
  assert.equal(q.dropped, 2);
  const small = new MemoryQueue({ maxMessages: 100, maxBytes: 10, overflow: 'drop-oldest' });
  for (const s of ['aaa', 'bbb', 'ccc']) small.push('t', bytes(s));
  assert.deepEqual(all(small), ['t=bbb', 't=ccc']);
  assert.ok(small.bytes <= 10);
});

test('reject-new refuses with MQTT_QUEUE_FULL and keeps what it has', () => {
  const q = new MemoryQueue({ maxMessages: 2, maxBytes: 1000, overflow: 'reject-new' });
  q.push('t', bytes('1'));
  q.push('t', bytes('2'));
  assert.throws(() => q.push('t', bytes('3')), (e: unknown) => isMeterstackError(e) && e.code === 'MQTT_QUEUE_FULL');
  assert.deepEqual(all(q), ['t=1', 't=2']);
});

test('a disk queue survives a reopen with exactly its unacknowledged messages', () => withDir((dir) => {
  const path = join(dir, 'q.log');
  const q = new DiskQueue(path);
  for (let i = 0; i < 10; i++) q.push(`m/${i}`, bytes(`v${i}`));
  for (const m of q.after(0, 4)) q.ack(m.seq);
  q.close();
  const again = new DiskQueue(path);
  assert.deepEqual(all(again), [4, 5, 6, 7, 8, 9].map((i) => `m/${i}=v${i}`));
  again.push('m/10', bytes('v10'));
  assert.ok(again.after(0, 100).every((m, k, a) => k === 0 || m.seq > a[k - 1]!.seq), 'seq keeps growing after a reopen');
  again.close();
  assert.deepEqual(all(new DiskQueue(path)).at(-1), 'm/10=v10');
}));

test('a torn last record (crash mid-write) is cut off; the records before it survive', () => withDir((dir) => {
  const path = join(dir, 'q.log');
  const q = new DiskQueue(path);
  q.push('t', bytes('kept'));
  q.push('t', bytes('torn'));
  q.close();
  truncateSync(path, statSync(path).size - 3);
  const again = new DiskQueue(path);
  assert.deepEqual(all(again), ['t=kept']);
  assert.ok(again.truncatedBytes > 0);
  again.close();
  appendFileSync(path, Buffer.from([1, 2, 3]));
  assert.deepEqual(all(new DiskQueue(path)), ['t=kept'], 'garbage at the end is cut off too');
}));

test('the log is compacted once acknowledged records dominate, and stays correct', () => withDir((dir) => {
  const path = join(dir, 'q.log');
  const q = new DiskQueue(path);
  const payload = new Uint8Array(1000).fill(7);
  for (let i = 0; i < 3000; i++) {
    q.push('t', payload);
    if (i >= 2) q.ack(q.after(0, 1)[0]!.seq);
  }
  assert.ok(statSync(path).size < 1.2 * 1024 * 1024, `log is ${statSync(path).size} bytes`);
  assert.equal(q.size, 2);
  q.close();
  assert.equal(new DiskQueue(path).size, 2);
}));

test('property: memory and disk queues (reopened at random points) agree with a model queue', () => {
  type Op = { kind: 'push'; v: number } | { kind: 'ack'; k: number } | { kind: 'reopen' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), v: fc.nat(999) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), k: fc.nat(6) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (ops, max) => withDir((dir) => {
    const limits = { maxMessages: max, maxBytes: 1e6, overflow: 'drop-oldest' as const };
    const path = join(dir, 'q.log');
    let disk = new DiskQueue(path, limits);
    const mem = new MemoryQueue(limits);
    let model: string[] = [];
    for (const o of ops) {
      if (o.kind === 'push') {
        disk.push('t', bytes(String(o.v)));
        mem.push('t', bytes(String(o.v)));
        model.push(`t=${o.v}`);
        if (model.length > max) model = model.slice(model.length - max);
      } else if (o.kind === 'ack') {
        const pick = (q: OutboundQueue) => q.after(0, 1e9)[o.k];
        const d = pick(disk);
        const m = pick(mem);
        if (d) disk.ack(d.seq);
        if (m) mem.ack(m.seq);
        if (o.k < model.length) model.splice(o.k, 1);
      } else {
        disk.close();
        disk = new DiskQueue(path, limits);
      }
      assert.deepEqual(all(mem), model);
      assert.deepEqual(all(disk), model);
    }
    disk.close();
  })), { numRuns: 150 });
});
