import type { IntervalSeries } from '../../model/reading.ts';
import type { EpochSeconds } from '../../model/time.ts';

/**
 * The VEE hook: pure functions run between dedupe and the store, in order, on each message's
 * series. A stage may flag, estimate or substitute (returning new series with changed quality),
 * but must keep the model invariants (assertSeries) and must not do I/O: it runs inside the
 * batch that is about to be committed.
 */
export interface StageContext {
  readonly source: string;
  readonly receivedAt: EpochSeconds;
}

export type SeriesStage = (series: readonly IntervalSeries[], ctx: StageContext) => readonly IntervalSeries[];

export function runStages(stages: readonly SeriesStage[], series: readonly IntervalSeries[], ctx: StageContext): readonly IntervalSeries[] {
  let out = series;
  for (const stage of stages) out = stage(out, ctx);
  return out;
}
