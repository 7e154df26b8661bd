/**
 * The message bus between producers (faces, head-end, simulator) and the ingest workers.
 * Two implementations pass ./conformance: `memory` (in-process, the default) and NATS JetStream
 * (scale-out). Both are bounded: a full bus slows publishers down instead of growing memory.
 *
 * Delivery is at-least-once. A message is removed only after the handler of the batch that
 * carried it resolved. If the handler throws, the same messages are delivered again (with
 * `deliveries` counting up) before anything published after them; after `maxDeliver` failed
 * deliveries they go to `onDeadLetter` and only then leave the bus. Consumers therefore write
 * idempotently (the store does) and may see a message twice, never zero times.
 */

export interface BusMessage<T> {
  /** Position in publish order, starting at 1; stable across redeliveries. */
  readonly seq: number;
  readonly data: T;
  /** 1 on first delivery, 2 on the first redelivery, … */
  readonly deliveries: number;
}

export type BatchHandler<T> = (batch: readonly BusMessage<T>[]) => Promise<void>;

export interface ConsumeOptions<T> {
  /** Most messages handed to one handler call. */
  readonly maxBatch: number;
  /** Deliveries of a message before it is dead-lettered (default 5). */
  readonly maxDeliver?: number;
  /** Delay before the first redelivery; doubles per further attempt, capped at 5 s (default 100). */
  readonly retryDelayMs?: number;
  /**
   * Where messages go whose every delivery failed. Required: a failing handler must end
   * somewhere visible. If this callback itself throws it is retried with the same backoff, so
   * the messages are still never dropped.
   */
  readonly onDeadLetter: (batch: readonly BusMessage<T>[], err: unknown) => Promise<void> | void;
}

export interface PublishOptions {
  /** How long to wait for room when the bus is full; then the publish rejects with BUS_FULL. */
  readonly timeoutMs?: number;
}

export interface BusStats {
  /** Messages accepted and not yet acknowledged (queued plus in flight); never above capacity. */
  readonly depth: number;
  readonly inFlight: number;
  /** Publishers waiting for room. */
  readonly waiting: number;
  readonly capacity: number;
  readonly delivered: number;
  readonly redelivered: number;
  readonly deadLettered: number;
}

export interface Bus<T> {
  /**
   * Resolves once the message is accepted into the bounded queue (not once it is consumed).
   * While the bus is full the promise stays pending; publishers are admitted in call order.
   * Rejects with BUS_CLOSED after close() and BUS_FULL after `timeoutMs` of waiting.
   */
  publish(data: T, opts?: PublishOptions): Promise<void>;
  /**
   * Start the consumer. Batches come one at a time, never overlapping, in publish order.
   * The memory bus takes one consumer; a second call throws CONFIG_INVALID.
   */
  consume(handler: BatchHandler<T>, opts: ConsumeOptions<T>): void;
  stats(): BusStats;
  /**
   * Stop accepting: later publishes and publishers still waiting for room reject with
   * BUS_CLOSED. Resolves when every accepted message has been handled (or dead-lettered);
   * if no consumer is attached yet, that happens once one is.
   */
  close(): Promise<void>;
}
