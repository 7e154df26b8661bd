/**
 * Reads a set of meters into the ingest pipeline: a bounded number at a time, each with bounded
 * retries (exponential backoff with jitter), keeping per-meter cursors and comm statistics.
 *
 * Resumption: a meter's cursor moves only after `Ingestor.submitDecoded` resolved for what was
 * read from it (the pipeline acknowledges once the data is committed). A read or a submit that
 * fails leaves the cursor where it was, so the next attempt — in this run or a later one — asks
 * the meter for the same range again: no gap, and nothing acknowledged is submitted twice.
 * Items the pipeline acknowledges but rejects (INGEST_* per item) are final for that data: the
 * cursor moves on and the rejections are counted; re-reading would reproduce them.
 *
 * State (`state()`, the `state` option) is plain JSON-safe data for the caller to persist.
 */
import type { EpochSeconds } from '../model/index.ts';
import type { IngestResult, Ingestor } from '../ingest/ingest.port.ts';
import type { MeterCursor, MeterReadResult, MeterTarget } from './dlms-reader.ts';
import { HeadendError } from './errors.ts';

export interface CommStats {
  readonly attempts: number;
  readonly successes: number;
  readonly failures: number;
  readonly lastErrorCode: string | null;
  readonly lastErrorStage: string | null;
  readonly lastErrorMessage: string | null;
  readonly lastAttemptAt: EpochSeconds | null;
  readonly lastSuccessAt: EpochSeconds | null;
  /** Request round-trip times of the successful reads. */
  readonly rtt: { readonly count: number; readonly totalMs: number; readonly maxMs: number; readonly lastMs: number | null };
  /** Intervals the store newly wrote from this meter, and items the pipeline rejected. */
  readonly intervalsWritten: number;
  readonly itemsRejected: number;
}

export interface SchedulerState {
  readonly version: 1;
  readonly cursors: Readonly<Record<string, MeterCursor>>;
  readonly stats: Readonly<Record<string, CommStats>>;
}

export interface ReadSchedulerOptions {
  readonly reader: { read(target: MeterTarget, cursor: MeterCursor): Promise<MeterReadResult> };
  readonly ingestor: Pick<Ingestor, 'submitDecoded'>;
  /** Cursor of a meter read for the first time. */
  readonly initialCursor: (meterId: string) => MeterCursor;
  /** Meters read at the same time (default 8). */
  readonly concurrency?: number;
  /** Attempts per meter and run, first one included (default 4). */
  readonly maxAttempts?: number;
  /** Backoff before attempt n+1: min(maxDelayMs, baseDelayMs·2^(n−1)), then jittered into [½, 1] of that (defaults 500 ms, 30 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Uniform [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
  /** Waits between attempts (default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall clock for the statistics, epoch seconds. */
  readonly now: () => EpochSeconds;
  /** `source` of the ingested messages (default 'dlms:<meter id>'). */
  readonly sourceOf?: (meterId: string) => string;
  /** Persisted state to resume from. */
  readonly state?: SchedulerState;
  /** Called after each failed attempt, with the delay before the next one (null: no more attempts this run). */
  readonly onRetry?: (meterId: string, attempt: number, error: HeadendError, delayMs: number | null) => void;
}

export interface MeterRunResult {
  readonly meterId: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: HeadendError;
  readonly ingest?: IngestResult;
}

export interface RunReport {
  readonly results: readonly MeterRunResult[];
  readonly succeeded: number;
  readonly failed: number;
  readonly durationMs: number;
}

const EMPTY_STATS: CommStats = {
  attempts: 0, successes: 0, failures: 0, lastErrorCode: null, lastErrorStage: null, lastErrorMessage: null,
  lastAttemptAt: null, lastSuccessAt: null, rtt: { count: 0, totalMs: 0, maxMs: 0, lastMs: null }, intervalsWritten: 0, itemsRejected: 0,
};

const positiveInt = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be a positive integer, got ${v}`);
  return v;
};

const clone = <T>(v: T): T => structuredClone(v);

export class ReadScheduler {
  readonly #o: ReadSchedulerOptions;
  readonly #concurrency: number;
  readonly #maxAttempts: number;
  readonly #cursors = new Map<string, MeterCursor>();
  readonly #stats = new Map<string, CommStats>();
  readonly #running = new Set<string>();

  constructor(o: ReadSchedulerOptions) {
    this.#o = o;
    this.#concurrency = positiveInt(o.concurrency ?? 8, 'concurrency');
    this.#maxAttempts = positiveInt(o.maxAttempts ?? 4, 'maxAttempts');
    if (o.state !== undefined) {
      if (o.state.version !== 1) throw new RangeError('scheduler state is not version 1');
      for (const [id, c] of Object.entries(o.state.cursors)) this.#cursors.set(id, clone(c));
      for (const [id, s] of Object.entries(o.state.stats)) this.#stats.set(id, clone(s));
    }
  }

  cursor(meterId: string): MeterCursor {
    return this.#cursors.get(meterId) ?? this.#o.initialCursor(meterId);
  }

  stats(meterId: string): CommStats {
    return this.#stats.get(meterId) ?? EMPTY_STATS;
  }

  state(): SchedulerState {
    return clone({ version: 1 as const, cursors: Object.fromEntries(this.#cursors), stats: Object.fromEntries(this.#stats) });
  }

  /** Reads every target once (with retries); never rejects for a meter's failure. */
  async run(targets: readonly MeterTarget[]): Promise<RunReport> {
    const started = performance.now();
    const queue = [...targets];
    const results: MeterRunResult[] = [];
    const worker = async (): Promise<void> => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) results.push(await this.#readMeter(t));
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
    const succeeded = results.filter((r) => r.ok).length;
    return { results, succeeded, failed: results.length - succeeded, durationMs: performance.now() - started };
  }

  async #readMeter(target: MeterTarget): Promise<MeterRunResult> {
    const { meterId } = target;
    if (this.#running.has(meterId)) {
      // Two reads of one meter at once would race for its cursor.
      const error = new HeadendError('CONFIG_INVALID', meterId, 'read', 'the meter is being read already');
      return { meterId, ok: false, attempts: 0, error };
    }
    this.#running.add(meterId);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const ingest = await this.#attempt(target);
          return { meterId, ok: true, attempts: attempt, ingest };
        } catch (err) {
          const error = HeadendError.from(err, meterId, 'read');
          this.#fail(meterId, error);
          const last = attempt >= this.#maxAttempts;
          const delay = last ? null : this.#backoff(attempt);
          this.#o.onRetry?.(meterId, attempt, error, delay);
          if (delay === null) return { meterId, ok: false, attempts: attempt, error };
          await (this.#o.sleep ?? sleep)(delay);
        }
      }
    } finally {
      this.#running.delete(meterId);
    }
  }

  async #attempt(target: MeterTarget): Promise<IngestResult> {
    const { meterId } = target;
    const cursor = this.cursor(meterId);
    this.#update(meterId, (s) => ({ ...s, attempts: s.attempts + 1, lastAttemptAt: this.#o.now() }));
    const read = await this.#o.reader.read(target, cursor);
    this.#rtt(meterId, read.stats.rttMs);
    let result: IngestResult;
    try {
      result = await this.#o.ingestor.submitDecoded({
        source: this.#o.sourceOf?.(meterId) ?? `dlms:${meterId}`,
        bytes: read.raw,
        series: read.series,
        registers: read.registers,
        events: read.events,
      });
    } catch (err) {
      throw HeadendError.from(err, meterId, 'ingest');
    }
    // Acknowledged: only now does the cursor move.
    this.#cursors.set(meterId, clone(read.next));
    this.#update(meterId, (s) => ({
      ...s, successes: s.successes + 1, lastSuccessAt: this.#o.now(),
      intervalsWritten: s.intervalsWritten + result.written, itemsRejected: s.itemsRejected + result.rejected.length,
    }));
    return result;
  }

  #backoff(attempt: number): number {
    const base = this.#o.baseDelayMs ?? 500;
    const cap = this.#o.maxDelayMs ?? 30_000;
    const d = Math.min(cap, base * 2 ** (attempt - 1));
    return Math.round(d / 2 + (this.#o.random ?? Math.random)() * (d / 2));
  }

  #fail(meterId: string, error: HeadendError): void {
    this.#update(meterId, (s) => ({ ...s, failures: s.failures + 1, lastErrorCode: error.code, lastErrorStage: error.stage, lastErrorMessage: error.message }));
  }

  #rtt(meterId: string, rtts: readonly number[]): void {
    if (rtts.length === 0) return;
    this.#update(meterId, (s) => ({
      ...s,
      rtt: {
        count: s.rtt.count + rtts.length,
        totalMs: s.rtt.totalMs + rtts.reduce((a, b) => a + b, 0),
        maxMs: Math.max(s.rtt.maxMs, ...rtts),
        lastMs: rtts[rtts.length - 1]!,
      },
    }));
  }

  #update(meterId: string, f: (s: CommStats) => CommStats): void {
    this.#stats.set(meterId, f(this.stats(meterId)));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
