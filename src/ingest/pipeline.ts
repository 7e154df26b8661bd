import { createMemoryBus } from '../bus/memory.ts';
import type { Bus, BusMessage } from '../bus/port.ts';
import { MeterstackError, hasCode } from '../model/errors.ts';
import type { EpochSeconds } from '../model/time.ts';
import type { Store } from '../store/store.port.ts';
import { type Outcome, commitGroup, storeFailed } from './commit.ts';
import type { DecodedMessage, IngestResult, IngestStats, Ingestor, RawMessage } from './ingest.port.ts';
import { MeterDirectory } from './meter-directory.ts';
import { type ParsedBody, type Prepared, parseBody, prepareDecoded, prepareRaw } from './prepare.ts';
import { meterIdsOf } from './stages/normalize.ts';
import type { CheckContext } from './stages/checks.ts';
import type { SeriesStage } from './stages/stage.ts';

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
  /** The queue; the composition root passes NATS here, the default is the in-process bus. */
  readonly bus?: Bus<IngestJob>;
}

/** What travels on the bus: the message and the ticket its submitter waits on. */
export interface IngestJob {
  readonly ticket: number;
  readonly receivedAt: EpochSeconds;
  readonly raw?: RawMessage;
  readonly decoded?: DecodedMessage;
}

interface Waiting {
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

/**
 * normalize → integrity → dedupe → stages → store, behind a bounded bus. Each submit resolves
 * with its own result only after the transaction holding its message committed; messages are
 * acknowledged in the order the bus delivered them.
 */
export function createPipeline(opts: PipelineOptions): Ingestor {
  const { store } = opts;
  const now = opts.now ?? ((): EpochSeconds => Math.floor(Date.now() / 1000));
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const bus = opts.bus ?? createMemoryBus<IngestJob>({ capacity: opts.maxQueue ?? 4096 });
  const directory = new MeterDirectory(store);
  const stages = opts.stages ?? [];
  const futureToleranceS = opts.futureToleranceS ?? 300;
  const pending = new Map<number, Waiting>();
  const counts = { messages: 0, readings: 0, rejected: 0 };
  let nextTicket = 1;
  let closed = false;
  let closing: Promise<void> | undefined;

  const settle = (ticket: number, outcome: Outcome, prepared?: Prepared): void => {
    const w = pending.get(ticket);
    if (w === undefined) return;
    pending.delete(ticket);
    if (outcome instanceof MeterstackError) {
      w.reject(outcome);
      return;
    }
    counts.messages++;
    counts.readings += prepared?.readings ?? 0;
    counts.rejected += outcome.rejected.length;
    w.resolve(outcome);
  };

  const enqueue = (job: Omit<IngestJob, 'ticket'>): Promise<IngestResult> => {
    if (closed) return Promise.reject(closedError());
    const ticket = nextTicket++;
    return new Promise<IngestResult>((resolve, reject) => {
      pending.set(ticket, { resolve, reject });
      bus.publish({ ...job, ticket }, { timeoutMs: maxWaitMs }).catch((err: unknown) => {
        pending.delete(ticket);
        reject(hasCode(err, 'BUS_FULL')
          ? new MeterstackError('INGEST_BACKPRESSURE', `the ingest queue stayed full for ${maxWaitMs} ms; retry later`, { cause: err })
          : hasCode(err, 'BUS_CLOSED') ? closedError(err) : err);
      });
    });
  };

  const handle = async (batch: readonly BusMessage<IngestJob>[]): Promise<void> => {
    // A redelivered message whose submitter already has its answer was committed: skip it.
    const jobs = batch.map((m) => m.data).filter((j) => pending.has(j.ticket));
    if (jobs.length === 0) return;
    const parsed = jobs.map((j) => (j.raw !== undefined ? parseBody(j.raw) : undefined));
    try {
      await directory.ensure(meterIdsIn(jobs, parsed));
    } catch (err) {
      for (const j of jobs) settle(j.ticket, storeFailed(err));
      return;
    }
    const check: CheckContext = {
      now: now(), futureToleranceS,
      isKnownMeter: (id) => directory.has(id),
      acceptsInterval: (m, c, i) => directory.acceptsInterval(m, c, i),
    };
    const outcomes: (Outcome | undefined)[] = new Array(jobs.length);
    const preparedAt: (Prepared | undefined)[] = new Array(jobs.length);
    const ready: { index: number; actor: string; prepared: Prepared }[] = [];
    jobs.forEach((j, k) => {
      try {
        const prepared = j.raw !== undefined
          ? prepareRaw(j.raw, parsed[k]!, j.receivedAt, { check, stages })
          : prepareDecoded(j.decoded!, j.receivedAt, { check, stages });
        preparedAt[k] = prepared;
        ready.push({ index: k, actor: (j.raw ?? j.decoded)!.actor ?? 'ingest', prepared });
      } catch (err) {
        outcomes[k] = new MeterstackError('INTERNAL', `preparing the message failed: ${(err as Error).message}`, { cause: err });
      }
    });
    // One transaction per run of messages from the same actor, so audit entries name the right one.
    for (let a = 0; a < ready.length;) {
      let b = a + 1;
      while (b < ready.length && ready[b]!.actor === ready[a]!.actor) b++;
      const run = ready.slice(a, b);
      const results = await commitGroup(store, run.map((r) => r.prepared), ready[a]!.actor);
      run.forEach((r, k) => { outcomes[r.index] = results[k]; });
      a = b;
    }
    jobs.forEach((j, k) => settle(j.ticket, outcomes[k]!, preparedAt[k]));
  };

  bus.consume(handle, {
    maxBatch: opts.maxBatch ?? 512,
    maxDeliver: 3,
    onDeadLetter: (dead, err) => {
      for (const m of dead) settle(m.data.ticket, new MeterstackError('INTERNAL', 'the ingest worker failed on this message', { cause: err }));
    },
  });

  return {
    submit(msg: RawMessage): Promise<IngestResult> {
      if (!(msg?.bytes instanceof Uint8Array) || typeof msg.source !== 'string') {
        return Promise.reject(new MeterstackError('INGEST_MALFORMED', 'a raw message has a source string and its bytes as a Uint8Array'));
      }
      return enqueue({ raw: msg, receivedAt: msg.receivedAt ?? now() });
    },
    submitDecoded(msg: DecodedMessage): Promise<IngestResult> {
      if (!Array.isArray(msg?.series) || typeof msg.source !== 'string') {
        return Promise.reject(new MeterstackError('INGEST_MALFORMED', 'a decoded message has a source string and a series array'));
      }
      return enqueue({ decoded: msg, receivedAt: msg.receivedAt ?? now() });
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

function meterIdsIn(jobs: readonly IngestJob[], parsed: readonly (ParsedBody | undefined)[]): Set<string> {
  const ids = new Set<string>();
  jobs.forEach((j, k) => {
    const p = parsed[k];
    if (p?.ok) meterIdsOf(p.body, ids);
    const d = j.decoded;
    if (d === undefined) return;
    for (const s of d.series) if (typeof s?.meterId === 'string') ids.add(s.meterId);
    for (const r of d.registers ?? []) if (typeof r?.meterId === 'string') ids.add(r.meterId);
    for (const e of d.events ?? []) if (typeof e?.meterId === 'string') ids.add(e.meterId);
  });
  return ids;
}

function closedError(cause?: unknown): MeterstackError {
  return new MeterstackError('INGEST_CLOSED', 'the ingest pipeline is shut down; the message was not accepted', cause === undefined ? {} : { cause });
}
