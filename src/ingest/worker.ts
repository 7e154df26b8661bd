import { MeterstackError } from '../model/errors.ts';
import type { EpochSeconds } from '../model/time.ts';
import type { Store } from '../store/store.port.ts';
import { type Outcome, commitGroup, storeFailed } from './commit.ts';
import type { DecodedMessage, RawMessage } from './ingest.port.ts';
import type { MeterDirectory } from './meter-directory.ts';
import { type ParsedBody, type Prepared, parseBody, prepareDecoded, prepareRaw } from './prepare.ts';
import type { CheckContext } from './stages/checks.ts';
import { meterIdsOf } from './stages/normalize.ts';
import type { SeriesStage } from './stages/stage.ts';

/** One message as the worker sees it: raw bytes to parse, or series a codec already decoded. */
export interface WorkItem {
  readonly receivedAt: EpochSeconds;
  readonly raw?: RawMessage;
  readonly decoded?: DecodedMessage;
}

export interface WorkerEnv {
  readonly store: Store;
  readonly directory: MeterDirectory;
  readonly now: () => EpochSeconds;
  readonly futureToleranceS: number;
  readonly stages: readonly SeriesStage[];
}

export interface Answer {
  readonly outcome: Outcome;
  /** Intervals and registers the message stored; 0 if it failed. */
  readonly readings: number;
}

/** A batch from the bus → one answer per item, in order; never throws. */
export async function processBatch(items: readonly WorkItem[], env: WorkerEnv): Promise<Answer[]> {
  const parsed = items.map((j) => (j.raw !== undefined ? parseBody(j.raw) : undefined));
  try {
    await env.directory.ensure(meterIdsIn(items, parsed));
  } catch (err) {
    return items.map(() => ({ outcome: storeFailed(err), readings: 0 }));
  }
  const check: CheckContext = {
    now: env.now(), futureToleranceS: env.futureToleranceS,
    isKnownMeter: (id) => env.directory.has(id),
    acceptsInterval: (m, c, i) => env.directory.acceptsInterval(m, c, i),
  };
  const answers: Answer[] = new Array(items.length);
  const ready: { index: number; actor: string; prepared: Prepared }[] = [];
  items.forEach((j, k) => {
    try {
      const prepared = j.raw !== undefined
        ? prepareRaw(j.raw, parsed[k]!, j.receivedAt, { check, stages: env.stages })
        : prepareDecoded(j.decoded!, j.receivedAt, { check, stages: env.stages });
      ready.push({ index: k, actor: (j.raw ?? j.decoded)!.actor ?? 'ingest', prepared });
    } catch (err) {
      answers[k] = { outcome: new MeterstackError('INTERNAL', `preparing the message failed: ${(err as Error).message}`, { cause: err }), readings: 0 };
    }
  });
  // One transaction per run of messages from the same actor, so audit entries name the right one.
  for (let a = 0; a < ready.length;) {
    let b = a + 1;
    while (b < ready.length && ready[b]!.actor === ready[a]!.actor) b++;
    const run = ready.slice(a, b);
    const outcomes = await commitGroup(env.store, run.map((r) => r.prepared), run[0]!.actor);
    run.forEach((r, k) => {
      const outcome = outcomes[k]!;
      answers[r.index] = { outcome, readings: outcome instanceof MeterstackError ? 0 : r.prepared.readings };
    });
    a = b;
  }
  return answers;
}

function meterIdsIn(items: readonly WorkItem[], parsed: readonly (ParsedBody | undefined)[]): Set<string> {
  const ids = new Set<string>();
  items.forEach((j, k) => {
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
