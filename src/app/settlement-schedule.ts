import { DateTime } from 'luxon';
import { localDateStart, type EpochSeconds } from '../model/index.ts';
import type { Platform } from './platform.ts';

/**
 * The settlement timetable of a running platform (docs/settlement.md#timetable): each local day of
 * the market zone is settled once its data has had time to arrive and be validated (an initial run
 * 6 h after the day ends, after VEE's day close substituted what was still missing), and re-run
 * once more after late data had days to come in (R1, 2 days after). Manual re-runs go through the
 * API or `meterstack settle` at any time.
 */
export const TIMETABLE = { initialAfterS: 6 * 3600, rerunAfterS: 2 * 86_400 + 6 * 3600, lookbackDays: 3 } as const;

/** Local days whose number of runs is below what the timetable says is due by `now`, oldest first; one run per day per pass. */
export function dueRuns(now: EpochSeconds, zone: string, runsOf: (day: string) => number, t = TIMETABLE): { day: string; kind: 'initial' | 'R1' }[] {
  const out: { day: string; kind: 'initial' | 'R1' }[] = [];
  const today = DateTime.fromSeconds(now, { zone }).startOf('day');
  for (let k = t.lookbackDays; k >= 1; k--) {
    const day = today.minus({ days: k }).toFormat('yyyy-MM-dd');
    const end = localDateStart(today.minus({ days: k - 1 }).toFormat('yyyy-MM-dd'), zone);
    const due = (now >= end + t.rerunAfterS ? 2 : 0) || (now >= end + t.initialAfterS ? 1 : 0);
    const have = runsOf(day);
    if (have < due) out.push({ day, kind: have === 0 ? 'initial' : 'R1' });
  }
  return out;
}

export interface SettlementSchedule {
  /** One pass now (also what the timer runs); resolves when its runs are stored. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startSettlementSchedule(p: Platform, now: () => EpochSeconds, log: (msg: string) => void, opts: { everyMs?: number; firstMs?: number } = {}): SettlementSchedule {
  const zone = p.services.settlement.defaults.zone;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<number> = Promise.resolve(0);
  const pass = async (): Promise<number> => {
    const counts = new Map<string, number>();
    const from = DateTime.fromSeconds(now(), { zone }).minus({ days: TIMETABLE.lookbackDays + 1 });
    for (let d = from; d.toSeconds() < now(); d = d.plus({ days: 1 })) {
      const day = d.toFormat('yyyy-MM-dd');
      counts.set(day, (await p.services.settlement.list({ day, zone, limit: 10 })).total);
    }
    let runs = 0;
    for (const { day, kind } of dueRuns(now(), zone, (d) => counts.get(d) ?? 0)) {
      if (stopped) break;
      const r = await p.services.settlement.run({ day, zone, actor: 'settlement-timetable' });
      runs++;
      log(`settlement: ${kind} run of ${day} (${zone}) — ${r.status}${r.consistent ? '' : ', CHECKS FAILED'}, completeness ${(r.totals.completeness * 100).toFixed(2)} %`);
    }
    return runs;
  };
  const tick = (): Promise<number> => (busy = busy.then(pass, pass).catch((e: unknown) => {
    log(`settlement: timetable pass failed, retried at the next: ${(e as Error).message}`);
    return 0;
  }));
  const loop = (): void => {
    if (stopped) return;
    void tick().finally(() => { if (!stopped) timer = setTimeout(loop, opts.everyMs ?? 15 * 60_000).unref(); });
  };
  timer = setTimeout(loop, opts.firstMs ?? 60_000).unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await busy.catch(() => 0);
    },
  };
}
