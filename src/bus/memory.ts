import { MeterstackError } from '../model/errors.ts';
import { Fifo } from './fifo.ts';
import type { BatchHandler, Bus, BusStats, ConsumeOptions, PublishOptions } from './port.ts';

export interface MemoryBusOptions {
  /** Most messages held at once, queued plus in flight. */
  readonly capacity: number;
}

interface Entry<T> {
  readonly seq: number;
  readonly data: T;
  deliveries: number;
}

interface Waiter<T> {
  readonly data: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  /** Date.now() after which the publish gives up; Infinity without a timeout. */
  readonly deadline: number;
  readonly timeoutMs: number;
  done: boolean;
}

const RESOLVED: Promise<void> = Promise.resolve();
const MAX_RETRY_DELAY_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * In-process bounded bus. Messages sit in a fixed ring until their batch is acknowledged, so
 * memory is bounded by `capacity` however slow the consumer is; publishers beyond it wait in a
 * FIFO, which also keeps publish order equal to call order.
 */
export function createMemoryBus<T>(opts: MemoryBusOptions): Bus<T> {
  const capacity = opts.capacity;
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new MeterstackError('CONFIG_INVALID', `bus capacity must be a positive integer, got ${String(capacity)}`);
  }
  const ring: (Entry<T> | undefined)[] = new Array(capacity);
  let head = 0;
  let size = 0;
  let inFlight = 0;
  let nextSeq = 1;
  const waiters = new Fifo<Waiter<T>>();
  let waiting = 0;
  let closed = false;
  let consumer: { handler: BatchHandler<T>; opts: ConsumeOptions<T> } | undefined;
  let wake: (() => void) | undefined;
  let resolveDrained: (() => void) | undefined;
  const drained = new Promise<void>((r) => { resolveDrained = r; });
  const counts = { delivered: 0, redelivered: 0, deadLettered: 0 };
  // One timer for all waiting publishers, armed at the earliest deadline: a timer per waiting
  // publish costs more than the publish itself when producers run ahead of the consumer.
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;
  let sweepAt = Infinity;

  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const enqueue = (data: T): void => {
    ring[(head + size) % capacity] = { seq: nextSeq++, data, deliveries: 0 };
    size++;
    notify();
  };

  const admitWaiters = (): void => {
    while (size < capacity && waiting > 0) {
      const w = waiters.shift()!;
      if (w.done) continue;
      w.done = true;
      waiting--;
      enqueue(w.data);
      w.resolve();
    }
    if (waiting === 0 && sweepTimer !== undefined) {
      // Nobody waits: a pending sweep would only hold the process open until its deadline.
      clearTimeout(sweepTimer);
      sweepTimer = undefined;
      sweepAt = Infinity;
    }
  };

  const armSweep = (at: number): void => {
    if (at >= sweepAt) return;
    if (sweepTimer !== undefined) clearTimeout(sweepTimer);
    sweepAt = at;
    sweepTimer = setTimeout(sweep, Math.max(0, at - Date.now()));
  };

  const sweep = (): void => {
    sweepTimer = undefined;
    sweepAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    // Rebuilt without the answered ones, so publishers retrying against a stalled bus cannot grow it.
    for (const w of waiters.drain()) {
      if (w.done) continue;
      if (w.deadline <= now) {
        w.done = true;
        waiting--;
        w.reject(new MeterstackError('BUS_FULL', `the bus stayed full (${capacity} messages) for ${w.timeoutMs} ms`));
        continue;
      }
      waiters.push(w);
      if (w.deadline < next) next = w.deadline;
    }
    if (next < Infinity) armSweep(next);
  };

  const removeHead = (n: number): void => {
    for (let i = 0; i < n; i++) ring[(head + i) % capacity] = undefined;
    head = (head + n) % capacity;
    size -= n;
    admitWaiters();
  };

  const takeBatch = (max: number): Entry<T>[] => {
    const n = Math.min(size, max);
    const batch = new Array<Entry<T>>(n);
    for (let i = 0; i < n; i++) {
      const e = ring[(head + i) % capacity]!;
      e.deliveries++;
      if (e.deliveries > 1) counts.redelivered++;
      batch[i] = e;
    }
    counts.delivered += n;
    return batch;
  };

  const deadLetter = async (batch: Entry<T>[], err: unknown, c: ConsumeOptions<T>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.onDeadLetter(batch, err);
        counts.deadLettered += batch.length;
        return;
      } catch {
        await sleep(Math.min((c.retryDelayMs ?? 100) * 2 ** attempt, MAX_RETRY_DELAY_MS));
      }
    }
  };

  const handleFailure = async (batch: Entry<T>[], err: unknown, c: ConsumeOptions<T>): Promise<void> => {
    const maxDeliver = c.maxDeliver ?? 5;
    // The head of the ring is in every batch, so exhausted messages always form a prefix.
    let exhausted = 0;
    while (exhausted < batch.length && batch[exhausted]!.deliveries >= maxDeliver) exhausted++;
    if (exhausted > 0) {
      await deadLetter(batch.slice(0, exhausted), err, c);
      removeHead(exhausted);
      return;
    }
    await sleep(Math.min((c.retryDelayMs ?? 100) * 2 ** (batch[0]!.deliveries - 1), MAX_RETRY_DELAY_MS));
  };

  const pump = async (): Promise<void> => {
    const { handler, opts: c } = consumer!;
    for (;;) {
      if (size === 0) {
        if (closed) break;
        await new Promise<void>((r) => { wake = r; });
        continue;
      }
      // Let the rest of this event-loop turn (socket reads, timers) publish before taking a
      // batch: otherwise the consumer wakes on the first message of a burst and commits it alone.
      if (size < c.maxBatch) await new Promise<void>((r) => setImmediate(r));
      const batch = takeBatch(c.maxBatch);
      inFlight = batch.length;
      try {
        await handler(batch);
        inFlight = 0;
        removeHead(batch.length);
      } catch (err) {
        inFlight = 0;
        await handleFailure(batch, err, c);
      }
    }
    resolveDrained!();
  };

  return {
    publish(data: T, p?: PublishOptions): Promise<void> {
      if (closed) return Promise.reject(new MeterstackError('BUS_CLOSED', 'the bus is closed; the message was not accepted'));
      if (waiting === 0 && size < capacity) {
        enqueue(data);
        return RESOLVED;
      }
      return new Promise<void>((resolve, reject) => {
        const timeoutMs = p?.timeoutMs ?? Infinity;
        const deadline = Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Infinity;
        waiters.push({ data, resolve, reject, deadline, timeoutMs, done: false });
        waiting++;
        if (deadline < Infinity) armSweep(deadline);
      });
    },

    consume(handler: BatchHandler<T>, c: ConsumeOptions<T>): void {
      if (consumer) throw new MeterstackError('CONFIG_INVALID', 'the memory bus takes a single consumer');
      if (!Number.isInteger(c.maxBatch) || c.maxBatch < 1) {
        throw new MeterstackError('CONFIG_INVALID', `maxBatch must be a positive integer, got ${String(c.maxBatch)}`);
      }
      consumer = { handler, opts: c };
      void pump();
    },

    stats(): BusStats {
      return { depth: size, inFlight, waiting, capacity, ...counts };
    },

    close(): Promise<void> {
      if (!closed) {
        closed = true;
        if (sweepTimer !== undefined) clearTimeout(sweepTimer);
        for (const w of waiters.drain()) {
          if (w.done) continue;
          w.done = true;
          waiting--;
          w.reject(new MeterstackError('BUS_CLOSED', 'the bus closed before the message was accepted'));
        }
        if (consumer) notify();
        else if (size === 0) resolveDrained!();
      }
      return drained;
    },
  };
}
