import { QUALITY, type EpochSeconds } from '../../model/index.ts';
import type { DrEventRecord, DrPerformanceRecord, DrTargetRecord } from '../../store/dr.port.ts';
import type { Store } from '../../store/store.port.ts';
import { ACTIVE_IMPORT } from '../load.service.ts';
import { historyStart, localDate, performance, type EnergySeries } from './baseline.rules.ts';
import { measuredWindow } from './dr.rules.ts';
import { homeOf } from './targets.ts';

export type PerformancePorts = Pick<Store, 'readSeries' | 'getMeter' | 'listDrEvents'>;

const INTERVAL_S = 900;
const isEstimate = (q: number): boolean => q === QUALITY.S || q === QUALITY.E || q === QUALITY.F;

/** A home's meters summed per quarter-hour: missing if any meter misses it, estimated if any is an estimate. */
async function homeSeries(store: PerformancePorts, meters: readonly string[], from: EpochSeconds, to: EpochSeconds): Promise<EnergySeries> {
  const n = (to - from) / INTERVAL_S;
  const values = new Float64Array(n);
  const quality = new Uint8Array(n);
  for (const id of meters) {
    let s;
    try {
      s = await store.readSeries(id, ACTIVE_IMPORT, from, to);
    } catch {
      quality.fill(QUALITY.N);
      continue;
    }
    if (s.intervalS !== INTERVAL_S) { quality.fill(QUALITY.N); continue; }
    const off = (s.start - from) / INTERVAL_S;
    for (let i = 0; i < n; i++) {
      const j = i - off;
      const q = j >= 0 && j < s.values.length ? s.quality[j]! : QUALITY.N;
      if (q === QUALITY.N) quality[i] = QUALITY.N;
      else {
        values[i] += s.values[j]!;
        if (quality[i] !== QUALITY.N && isEstimate(q)) quality[i] = QUALITY.E;
      }
    }
  }
  return { start: from, intervalS: INTERVAL_S, values, quality };
}

/** Performance of every targeted home in a completed event (docs/demand-response.md § Performance). */
export async function measure(store: PerformancePorts, e: DrEventRecord, targets: readonly DrTargetRecord[], now: EpochSeconds): Promise<DrPerformanceRecord[]> {
  const homes = new Map<string, string[]>();
  for (const t of targets) {
    const list = homes.get(homeOf(t));
    if (list) list.push(t.meterId); else homes.set(homeOf(t), [t.meterId]);
  }
  const { start, end } = measuredWindow(e, INTERVAL_S);
  const out: DrPerformanceRecord[] = [];
  for (const [home, meters] of homes) {
    const zone = (await store.getMeter(meters[0]!))?.timeZone ?? 'UTC';
    const from = historyStart(start, zone);
    // Days of other (not cancelled) events at this home are not baseline days.
    const others = home.startsWith('meter:') ? [] : (await store.listDrEvents({ premise: home, from, to: start }, { limit: 1000 })).items;
    const excludeDates = new Set(others.filter((o) => o.id !== e.id && o.cancelledAt === undefined).map((o) => localDate(o.start, zone)));
    const p = performance({ zone, start, end, excludeDates, series: await homeSeries(store, meters, from, end) });
    out.push({
      eventId: e.id, premise: home, status: p.status, method: p.method, days: p.days, intervals: p.intervals,
      baselineWh: p.baselineWh, actualWh: p.actualWh, reductionWh: p.reductionWh,
      estimatedActual: p.estimatedActual, estimatedBaseline: p.estimatedBaseline, missingActual: p.missingActual, computedAt: now,
    });
  }
  return out;
}
