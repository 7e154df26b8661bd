import { createMemoryBus } from '../bus/memory.ts';
import type { Bus, BusMessage } from '../bus/port.ts';
import { MeterstackError, hasCode } from '../model/errors.ts';
import type { EpochSeconds } from '../model/time.ts';
import type { Store } from '../store/store.port.ts';
import type { DecodedMessage, IngestResult, IngestStats, Ingestor, RawMessage } from './ingest.port.ts';
import { MeterDirectory } from './meter-directory.ts';
import type { SeriesStage } from './stages/stage.ts';
import { type Answer, type WorkItem, processBatch } from './worker.ts';

export interface PipelineOptions {
  readonly store: Store;
  /** Receiving clock, epoch seconds: stamps receipts and bounds "future" intervals. */
  readonly now?: () => EpochSeconds;
  /** Messages accepted but not yet committed; beyond it submit waits (default 4096). */
  readonly maxQueue?: number;
  /** Messages committed in one store transaction (default 512). */
  readonly maxBatch?: number;
  /** How far past `now` an interval may end (default 300 s): meter clocks drift. */
  readonly futureToleranceS?: number;
  /** How long submit waits for room in a full queue before INGEST_BACKPRESSURE (default 30 s). */
  readonly maxWaitMs?: number;
  /** VEE hook: pure stages between dedupe and the store, in order. */
  readonly stages?: readonly SeriesStage[];
  /** The queue; the composition root passes another Bus here, the default is the in-process one. */
  readonly bus?: Bus<IngestJob>;
}

/**
 * What travels on the in-process bus: the message and the submitter's pending answer, carried
 * along rather than looked up so that a deep queue costs no map traffic per message.
 */
export interface IngestJob extends WorkItem {
  readonly reply: Reply;
}

interface Reply {
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
  /** Answered already: a redelivery of this job is skipped. */
  done: boolean;
}

/**
 * normalize → integrity → dedupe → stages → store, behind a bounded bus. Each submit resolves
 * with its own result only after the transaction holding its message committed; messages are
 * acknowledged in the order the bus delivered them.
 */
export function createPipeline(opts: PipelineOptions): Ingestor {
  const now = opts.now ?? ((): EpochSeconds => Math.floor(Date.now() / 1000));
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const publishOpts = { timeoutMs: maxWaitMs };
  const bus = opts.bus ?? createMemoryBus<IngestJob>({ capacity: opts.maxQueue ?? 4096 });
  const env = {
    store: opts.store, directory: new MeterDirectory(opts.store), now,
    futureToleranceS: opts.futureToleranceS ?? 300, stages: opts.stages ?? [],
  };
  const counts = { messages: 0, readings: 0, rejected: 0 };
  let closed = false;
  let closing: Promise<void> | undefined;

  const settle = (reply: Reply, a: Answer): void => {
    if (reply.done) return;
    reply.done = true;
    if (a.outcome instanceof MeterstackError) {
      reply.reject(a.outcome);
      return;
    }
    counts.messages++;
    counts.readings += a.readings;
    counts.rejected += a.outcome.rejected.length;
    reply.resolve(a.outcome);
  };

  const enqueue = (raw: RawMessage | undefined, decoded: DecodedMessage | undefined, receivedAt: EpochSeconds): Promise<IngestResult> => {
    if (closed) return Promise.reject(closedError());
    return new Promise<IngestResult>((resolve, reject) => {
      const reply: Reply = { resolve, reject, done: false };
      bus.publish({ raw, decoded, receivedAt, reply }, publishOpts).catch((err: unknown) => {
        reply.done = true;
        reject(hasCode(err, 'BUS_FULL')
          ? new MeterstackError('INGEST_BACKPRESSURE', `the ingest queue stayed full for ${maxWaitMs} ms; retry later`, { cause: err })
          : hasCode(err, 'BUS_CLOSED') ? closedError(err) : err);
      });
    });
  };

  const handle = async (batch: readonly BusMessage<IngestJob>[]): Promise<void> => {
    // A redelivered message whose submitter already has its answer was committed: skip it.
    const jobs = batch.map((m) => m.data).filter((j) => !j.reply.done);
    if (jobs.length === 0) return;
    const answers = await processBatch(jobs, env);
    jobs.forEach((j, k) => settle(j.reply, answers[k]!));
  };

  bus.consume(handle, {
    maxBatch: opts.maxBatch ?? 512,
    maxDeliver: 3,
    onDeadLetter: (dead, err) => {
      const outcome = new MeterstackError('INTERNAL', 'the ingest worker failed on this message', { cause: err });
      for (const m of dead) settle(m.data.reply, { outcome, readings: 0 });
    },
  });

  return {
    submit(msg: RawMessage): Promise<IngestResult> {
      if (!(msg?.bytes instanceof Uint8Array) || typeof msg.source !== 'string') {
        return Promise.reject(new MeterstackError('INGEST_MALFORMED', 'a raw message has a source string and its bytes as a Uint8Array'));
      }
      return enqueue(msg, undefined, msg.receivedAt ?? now());
    },
    submitDecoded(msg: DecodedMessage): Promise<IngestResult> {
      if (!Array.isArray(msg?.series) || typeof msg.source !== 'string') {
        return Promise.reject(new MeterstackError('INGEST_MALFORMED', 'a decoded message has a source string and a series array'));
      }
      return enqueue(undefined, msg, msg.receivedAt ?? now());
    },
    stats(): IngestStats {
      return { queued: bus.stats().depth, ...counts };
    },
    close(): Promise<void> {
      closed = true;
      closing ??= bus.close();
      return closing;
    },
  };
}

function closedError(cause?: unknown): MeterstackError {
  return new MeterstackError('INGEST_CLOSED', 'the ingest pipeline is shut down; the message was not accepted', cause === undefined ? {} : { cause });
}
