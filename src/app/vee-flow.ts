import { setTimeout as sleep } from 'node:timers/promises';
import { DAY_S, obis, QUALITY, type EpochSeconds, type IntervalSeries } from '../model/index.ts';
import type { DecodedMessage, IngestResult, Ingestor, RawMessage } from '../ingest/ingest.port.ts';
import type { VeeService } from '../services/vee.service.ts';
import type { ArrivalInput } from '../store/store.port.ts';

/**
 * VEE in the ingest flow (docs/decisions/2026-11-26-vee-flow.md). The pipeline's pure hook cannot
 * read history, so VEE runs after the commit: a decorator around the Ingestor notes which
 * (meter, channel, local day) every acknowledged message touched, and a debounced background
 * queue runs the engine over each touched channel's days, yielding to ingest while it has work.
 * A periodic day-close pass substitutes what is still missing and finalises old estimates.
 */
export interface VeeFlowOptions {
  readonly vee: VeeService;
  /** The pipeline the decorator wraps; its queue depth makes VEE wait while ingest is busy. */
  readonly ingest: Ingestor;
  /** Run once nothing new was committed for this long (default 1 s): messages for the same days coalesce. */
  readonly delayMs?: number;
  /** …but no later than this after the first touch (default 30 s). */
  readonly maxWaitMs?: number;
  /** Period of the day-close pass; 0: never (tests call closeDays themselves). */
  readonly closeEveryMs?: number;
  readonly log?: (msg: string) => void;
  /** Receiving clock for arrival times when a message has no receivedAt. */
  readonly now?: () => EpochSeconds;
}

export interface VeeFlowStats {
  readonly queued: number;
  readonly runs: number;
  readonly changed: number;
  readonly failed: number;
}

/** One run spans at most this many days of a backlog. */
const MAX_SPAN_S = 62 * DAY_S;
/** Touched points are sampled this often along a series: every local day (≥ 23 h) gets one. */
const SAMPLE_S = 6 * 3600;

export class VeeFlow {
  readonly ingestor: Ingestor;
  private pending = new Map<string, Set<number>>();
  private arrivals: ArrivalInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private counts = { runs: 0, changed: 0, failed: 0 };
  private readonly delayMs: number;
  private readonly maxWaitMs: number;
  private firstTouch: number | undefined;
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: VeeFlowOptions) {
    this.delayMs = opts.delayMs ?? 1000;
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.log = opts.log ?? (() => undefined);
    const inner = opts.ingest;
    const clock = opts.now ?? ((): EpochSeconds => Math.floor(Date.now() / 1000));
    const noteSeries = (msg: DecodedMessage, r: IngestResult): IngestResult => {
      if (r.written + r.versioned === 0) return r;
      const receivedAt = msg.receivedAt ?? clock();
      for (const s of msg.series) {
        this.touch(s.meterId, s.channel, s.start, s.start + s.values.length * s.intervalS);
        this.arrived({ meterId: s.meterId, channel: s.channel, start: s.start, intervalS: s.intervalS, count: s.values.length, present: s.quality.map((q) => (q === QUALITY.N ? 0 : 1)), receivedAt });
      }
      return r;
    };
    this.ingestor = {
      submit: async (msg: RawMessage) => {
        const r = await inner.submit(msg);
        if (r.written + r.versioned > 0) this.touchRaw(msg, msg.receivedAt ?? clock());
        return r;
      },
      submitDecoded: async (msg: DecodedMessage) => noteSeries(msg, await inner.submitDecoded(msg)),
      stats: () => inner.stats(),
      close: async () => {
        await inner.close();
        await this.close();
      },
    };
    const every = opts.closeEveryMs ?? 15 * 60_000;
    if (every > 0) {
      const pass = (): void => {
        void this.closeDays().finally(() => { if (!this.closed) this.closeTimer = setTimeout(pass, every).unref(); });
      };
      this.closeTimer = setTimeout(pass, Math.min(every, 60_000)).unref();
    }
  }

  /** Notes that [from, to) of a channel changed; the engine runs over its local days soon. */
  touch(meterId: string, channel: string, from: EpochSeconds, to: EpochSeconds): void {
    if (this.closed || to <= from) return;
    const key = `${meterId}\t${channel}`;
    let set = this.pending.get(key);
    if (set === undefined) this.pending.set(key, set = new Set());
    for (let t = from; t < to; t += SAMPLE_S) set.add(Math.floor(t / SAMPLE_S) * SAMPLE_S);
    set.add(to - 1);
    // Debounced: a burst (a history load, an import) finishes before VEE starts competing with it
    // for the store; a steady stream still gets validated at least every maxWaitMs.
    const now = Date.now();
    this.firstTouch ??= now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.delayMs, this.firstTouch + this.maxWaitMs - now));
    this.timer = setTimeout(() => { this.timer = undefined; this.firstTouch = undefined; this.kick(); }, wait);
  }

  /** A canonical JSON batch (docs/ingest-format.md): which channels and times it spoke about. */
  private touchRaw(msg: RawMessage, receivedAt: EpochSeconds): void {
    try {
      const body = (msg.body ?? JSON.parse(Buffer.from(msg.bytes).toString('utf8'))) as { readings?: unknown };
      if (!Array.isArray(body.readings)) return;
      for (const it of body.readings as Record<string, unknown>[]) {
        const time = (v: unknown): number => (typeof v === 'number' ? v : Date.parse(String(v)) / 1000);
        if (typeof it?.meter !== 'string' || typeof it.channel !== 'string' || typeof it.intervalS !== 'number') continue;
        const ch = obis(it.channel);
        if (Array.isArray(it.values)) {
          const start = time(it.start);
          if (Number.isFinite(start)) {
            this.touch(it.meter, ch, start, start + it.values.length * it.intervalS);
            this.arrived({ meterId: it.meter, channel: ch, start, intervalS: it.intervalS, count: it.values.length, receivedAt });
          }
        } else {
          const end = time(it.end);
          if (Number.isFinite(end)) {
            this.touch(it.meter, ch, end - it.intervalS, end);
            this.arrived({ meterId: it.meter, channel: ch, start: end - it.intervalS, intervalS: it.intervalS, count: 1, receivedAt });
          }
        }
      }
    } catch {
      // A batch the pipeline accepted items of is well formed; a rejected item has nothing to validate.
    }
  }

  private arrived(a: ArrivalInput): void {
    if (!this.closed && a.start % a.intervalS === 0) this.arrivals.push(a);
  }

  /** Arrival times are written in one transaction per drain, not one per message. */
  private async flushArrivals(): Promise<void> {
    if (this.arrivals.length === 0) return;
    const list = this.arrivals;
    this.arrivals = [];
    await this.opts.vee.recordArrivals(list).catch((e: unknown) => this.log(`vee: arrival times not recorded: ${(e as Error).message}`));
  }

  private kick(): void {
    if (this.closed) return;
    const t0 = Date.now();
    const before = { ...this.counts };
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      const runs = this.counts.runs - before.runs;
      if (runs >= 100) {
        this.log(`vee: validated ${runs.toLocaleString('en')} channel window(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${this.counts.changed - before.changed} got estimates or substitutes`);
      }
      if (this.pending.size > 0 && !this.closed) this.kick();
    });
  }

  /** Runs VEE over everything touched so far; resolves when the queue is empty (or closed). */
  async drain(): Promise<void> {
    await this.flushArrivals();
    while (this.pending.size > 0 && !this.closed) {
      const batch = this.pending;
      this.pending = new Map();
      this.opts.vee.forget();
      for (const [key, points] of batch) {
        if (this.closed) return;
        const [meterId, channel] = key.split('\t') as [string, string];
        for (const [first, last] of spans([...points].sort((a, b) => a - b))) {
          // Ingest first: VEE is background work and waits (bounded) while messages are queued.
          for (let k = 0; k < 40 && this.opts.ingest.stats().queued > 0 && !this.closed; k++) await sleep(50);
          await this.runOne(meterId, channel, first, last);
        }
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }

  private async runOne(meterId: string, channel: string, first: EpochSeconds, last: EpochSeconds): Promise<void> {
    try {
      const r = await this.opts.vee.runDays(meterId, channel, first, last);
      this.counts.runs++;
      if (r?.stale) this.touch(meterId, channel, first, last + 1);
      else if (r && r.written > 0) this.counts.changed++;
    } catch (e) {
      if (this.closed) return; // shutting down: the store may be closing under the run
      this.counts.failed++;
      this.log(`vee: ${meterId} ${channel} not validated: ${(e as Error).message}`);
    }
  }

  /** One day-close pass now (also what the timer runs). */
  async closeDays(): Promise<void> {
    if (this.closed) return;
    try {
      const r = await this.opts.vee.closeDays();
      if (r.closed + r.finalized > 0) this.log(`vee: day close: ${r.closed} channel-day(s) substituted, ${r.finalized} estimate(s) made final`);
    } catch (e) {
      if (!this.closed) this.log(`vee: day close failed, retried at the next pass: ${(e as Error).message}`);
    }
  }

  /** Settles once nothing is queued or running. */
  async idle(): Promise<void> {
    while (!this.closed && (this.pending.size > 0 || this.running || this.timer || this.arrivals.length > 0)) {
      if (!this.timer && !this.running && this.pending.size === 0) { await this.flushArrivals(); continue; }
      if (this.timer) { clearTimeout(this.timer); this.timer = undefined; this.firstTouch = undefined; this.kick(); }
      await this.running;
    }
  }

  stats(): VeeFlowStats {
    let queued = 0;
    for (const p of this.pending.values()) queued += p.size;
    return { queued, ...this.counts };
  }

  /** Picks up what an earlier process touched but did not validate before it stopped. */
  async resume(): Promise<void> {
    for (const [key, points] of await this.opts.vee.takeBacklog()) {
      const [meterId, channel] = key.split('\t') as [string, string];
      for (const p of points) this.touch(meterId, channel, p, p + 1);
    }
  }

  /** Stops after the run in progress; what is still queued is saved for the next start (resume). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    await this.running;
    await this.flushArrivals();
    if (this.pending.size > 0) {
      await this.opts.vee.saveBacklog([...this.pending].map(([k, p]) => [k, [...p]] as const))
        .catch((e: unknown) => this.log(`vee: the validation backlog was not saved: ${(e as Error).message}`));
    }
  }
}

/** Sorted instants grouped into runs no longer than MAX_SPAN_S. */
function spans(points: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last !== undefined && p - last[0] <= MAX_SPAN_S) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}
