import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../../model/errors.ts';
import type { Bus, BusMessage, ConsumeOptions } from '../port.ts';

/**
 * One behavioural contract for every Bus implementation (hono's runTest pattern): the memory bus
 * runs it now, NATS JetStream will run the same file. An implementation that cannot meet a test
 * lists it in `skip` with a reason instead of diverging silently.
 */
export interface BusConformanceTarget {
  readonly name: string;
  create<T>(opts: { capacity: number }): Bus<T> | Promise<Bus<T>>;
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
}

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => { open = r; });
  return { promise, open };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(1);
  }
}

const FAST = { retryDelayMs: 1 } as const;
const noDeadLetter: ConsumeOptions<unknown>['onDeadLetter'] = (b) => {
  throw new Error(`unexpected dead letter of ${b.length} messages`);
};

/** Whether a pending promise settled, without waiting for it. */
function settledFlag(p: Promise<unknown>): { readonly settled: boolean; readonly error: unknown } {
  const s = { settled: false, error: undefined as unknown };
  p.then(() => { s.settled = true; }, (e: unknown) => { s.settled = true; s.error = e; });
  return s;
}

export function runBusConformance(target: BusConformanceTarget): void {
  const skipped = new Map<string, string>();
  for (const s of target.skip ?? []) for (const t of s.tests) skipped.set(t, s.reason);
  const it = (name: string, fn: () => Promise<void>): void => {
    const reason = skipped.get(name);
    test(name, reason === undefined ? {} : { skip: reason }, fn);
  };

  describe(`bus conformance: ${target.name}`, () => {
    it('delivers every message once, in publish order, in batches of at most maxBatch', async () => {
      const bus = await target.create<number>({ capacity: 64 });
      const seen: number[] = [];
      const sizes: number[] = [];
      bus.consume(async (batch) => {
        sizes.push(batch.length);
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 7, onDeadLetter: noDeadLetter });
      for (let i = 0; i < 200; i++) await bus.publish(i);
      await bus.close();
      assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i));
      assert.ok(sizes.every((n) => n >= 1 && n <= 7), `batch sizes ${sizes.join(',')}`);
    });

    it('publish resolves on acceptance, before the message is consumed', async () => {
      const bus = await target.create<string>({ capacity: 4 });
      const g = gate();
      const seen: string[] = [];
      bus.consume(async (batch) => {
        await g.promise;
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 10, onDeadLetter: noDeadLetter });
      await bus.publish('a');
      await bus.publish('b');
      assert.deepEqual(seen, []);
      g.open();
      await bus.close();
      assert.deepEqual(seen, ['a', 'b']);
    });

    it('a slow consumer makes publish wait; depth never exceeds capacity', async () => {
      const capacity = 5;
      const bus = await target.create<number>({ capacity });
      let maxDepth = 0;
      const sample = (): void => { maxDepth = Math.max(maxDepth, bus.stats().depth); };
      const seen: number[] = [];
      bus.consume(async (batch) => {
        sample();
        await tick(2);
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 2, onDeadLetter: noDeadLetter });
      let waited = 0;
      for (let i = 0; i < 40; i++) {
        const p = bus.publish(i);
        const s = settledFlag(p);
        await Promise.resolve();
        if (!s.settled) waited++;
        await p;
        sample();
      }
      await bus.close();
      assert.ok(waited > 0, 'some publish had to wait for the consumer');
      assert.ok(maxDepth <= capacity, `depth reached ${maxDepth} > ${capacity}`);
      assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i));
    });

    it('publishers blocked on a full bus are admitted in call order', async () => {
      const bus = await target.create<number>({ capacity: 2 });
      const g = gate();
      const seen: number[] = [];
      bus.consume(async (batch) => {
        await g.promise;
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 1, onDeadLetter: noDeadLetter });
      await bus.publish(0);
      await bus.publish(1);
      const blocked = [2, 3, 4, 5].map((i) => bus.publish(i));
      const flags = blocked.map(settledFlag);
      await tick(5);
      assert.ok(flags.every((f) => !f.settled), 'full bus holds publishers back');
      assert.equal(bus.stats().waiting, 4);
      assert.ok(bus.stats().depth <= 2);
      g.open();
      await Promise.all(blocked);
      await bus.close();
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
    });

    it('publish rejects with BUS_FULL after its timeout, and that message is never delivered', async () => {
      const bus = await target.create<string>({ capacity: 1 });
      const g = gate();
      const seen: string[] = [];
      bus.consume(async (batch) => {
        await g.promise;
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 1, onDeadLetter: noDeadLetter });
      await bus.publish('kept');
      await assert.rejects(bus.publish('late', { timeoutMs: 10 }), (e: unknown) => hasCode(e, 'BUS_FULL'));
      assert.equal(bus.stats().waiting, 0);
      g.open();
      await bus.publish('after');
      await bus.close();
      assert.deepEqual(seen, ['kept', 'after']);
    });

    it('batches never overlap', async () => {
      const bus = await target.create<number>({ capacity: 16 });
      let active = 0;
      let overlap = false;
      bus.consume(async () => {
        active++;
        if (active > 1) overlap = true;
        await tick(1);
        active--;
      }, { maxBatch: 3, onDeadLetter: noDeadLetter });
      await Promise.all(Array.from({ length: 30 }, (_, i) => bus.publish(i)));
      await bus.close();
      assert.equal(overlap, false);
    });

    it('a failing handler gets the same messages again before later ones (at-least-once)', async () => {
      const bus = await target.create<number>({ capacity: 16 });
      const deliveries: { data: number; deliveries: number }[] = [];
      let failed = false;
      bus.consume(async (batch) => {
        for (const m of batch) deliveries.push({ data: m.data, deliveries: m.deliveries });
        if (!failed && batch.some((m) => m.data === 2)) {
          failed = true;
          throw new Error('transient');
        }
      }, { maxBatch: 1, ...FAST, onDeadLetter: noDeadLetter });
      for (let i = 0; i < 5; i++) await bus.publish(i);
      await bus.close();
      assert.deepEqual(deliveries.map((d) => d.data), [0, 1, 2, 2, 3, 4]);
      assert.deepEqual(deliveries.filter((d) => d.data === 2).map((d) => d.deliveries), [1, 2]);
      assert.equal(bus.stats().redelivered, 1);
    });

    it('messages failing maxDeliver times go to onDeadLetter with the error; later ones flow on', async () => {
      const bus = await target.create<string>({ capacity: 8 });
      const dead: { data: string[]; err: unknown }[] = [];
      const ok: string[] = [];
      let attempts = 0;
      bus.consume(async (batch) => {
        if (batch[0]!.data === 'poison') {
          attempts++;
          throw new Error('cannot handle poison');
        }
        for (const m of batch) ok.push(m.data);
      }, { maxBatch: 1, maxDeliver: 3, ...FAST, onDeadLetter: (b, err) => { dead.push({ data: b.map((m) => m.data), err }); } });
      await bus.publish('poison');
      await bus.publish('fine');
      await bus.close();
      assert.equal(attempts, 3);
      assert.deepEqual(dead.map((d) => d.data), [['poison']]);
      assert.match(String(dead[0]!.err), /cannot handle poison/);
      assert.deepEqual(ok, ['fine']);
      assert.equal(bus.stats().deadLettered, 1);
    });

    it('a throwing onDeadLetter is retried; the messages are never dropped', async () => {
      const bus = await target.create<string>({ capacity: 4 });
      let calls = 0;
      const dead: string[] = [];
      bus.consume(async () => { throw new Error('always'); }, {
        maxBatch: 4, maxDeliver: 1, ...FAST,
        onDeadLetter: (b: readonly BusMessage<string>[]) => {
          calls++;
          if (calls < 3) throw new Error('dead-letter store down');
          dead.push(...b.map((m) => m.data));
        },
      });
      await bus.publish('x');
      await bus.close();
      assert.equal(calls, 3);
      assert.deepEqual(dead, ['x']);
    });

    it('close drains accepted messages, including the batch in flight, before resolving', async () => {
      const bus = await target.create<number>({ capacity: 32 });
      const g = gate();
      const seen: number[] = [];
      bus.consume(async (batch) => {
        await g.promise;
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 4, onDeadLetter: noDeadLetter });
      for (let i = 0; i < 20; i++) await bus.publish(i);
      await until(() => bus.stats().inFlight > 0, 'a batch in flight');
      const closing = settledFlag(bus.close());
      await tick(5);
      assert.equal(closing.settled, false, 'close waits for the in-flight batch');
      g.open();
      await bus.close();
      assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
      assert.equal(bus.stats().depth, 0);
    });

    it('publish after close, and publishers waiting at close, reject with BUS_CLOSED', async () => {
      const bus = await target.create<number>({ capacity: 1 });
      const g = gate();
      const seen: number[] = [];
      bus.consume(async (batch) => {
        await g.promise;
        for (const m of batch) seen.push(m.data);
      }, { maxBatch: 1, onDeadLetter: noDeadLetter });
      await bus.publish(1);
      const waiting = bus.publish(2);
      await tick(1);
      const closing = bus.close();
      await assert.rejects(waiting, (e: unknown) => hasCode(e, 'BUS_CLOSED'));
      await assert.rejects(bus.publish(3), (e: unknown) => hasCode(e, 'BUS_CLOSED'));
      g.open();
      await closing;
      assert.deepEqual(seen, [1]);
    });

    it('close before any consumer resolves once a consumer drained the queue', async () => {
      const bus = await target.create<number>({ capacity: 8 });
      await bus.publish(1);
      await bus.publish(2);
      const closing = settledFlag(bus.close());
      await tick(5);
      assert.equal(closing.settled, false);
      const seen: number[] = [];
      bus.consume(async (batch) => { for (const m of batch) seen.push(m.data); }, { maxBatch: 8, onDeadLetter: noDeadLetter });
      await bus.close();
      assert.deepEqual(seen, [1, 2]);
    });

    it('close of an idle bus resolves at once, with or without a consumer', async () => {
      const a = await target.create<number>({ capacity: 2 });
      await a.close();
      const b = await target.create<number>({ capacity: 2 });
      b.consume(async () => {}, { maxBatch: 1, onDeadLetter: noDeadLetter });
      await b.close();
    });
  });
}
