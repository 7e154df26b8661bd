import type { MeterEvent } from '../model/index.ts';
import type { EpochSeconds } from '../model/time.ts';

/** Event codes per meaning; part of the rule set so that a vendor's numbering can replace them. */
export interface EventCodes {
  readonly powerDown: readonly number[];
  readonly powerUp: readonly number[];
  readonly clockAdjustedOld: readonly number[];
  readonly clockAdjustedNew: readonly number[];
  readonly clockInvalid: readonly number[];
  readonly disconnect: readonly number[];
  readonly reconnect: readonly number[];
  readonly reset: readonly number[];
}

export interface Period {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly kind: 'outage' | 'disconnected';
}

/** A clock adjustment: `at` the true time after it; `deltaS` new minus old meter time, if known. */
export interface ClockAdjust {
  readonly at: EpochSeconds;
  readonly deltaS: number | undefined;
}

export interface EventPeriods {
  readonly outages: readonly Period[];
  readonly disconnected: readonly Period[];
  readonly clockAdjust: readonly ClockAdjust[];
  readonly clockInvalid: readonly EpochSeconds[];
  readonly resets: readonly EpochSeconds[];
}

export const NO_PERIODS: EventPeriods = { outages: [], disconnected: [], clockAdjust: [], clockInvalid: [], resets: [] };

const numberDetail = (e: MeterEvent, key: string): number | undefined => {
  const v = e.details?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * Pairs "off" and "on" events into periods. An "on" without its "off" uses `details.durationS`
 * when the meter reported it (the simulator and many head-ends do); an "off" without its "on"
 * lasts to the end of what we know (+∞).
 */
function pairPeriods(sorted: readonly MeterEvent[], off: readonly number[], on: readonly number[], kind: Period['kind']): Period[] {
  const out: Period[] = [];
  let openAt: number | undefined;
  for (const e of sorted) {
    if (off.includes(e.code)) {
      if (openAt === undefined) openAt = e.at;
    } else if (on.includes(e.code)) {
      const dur = numberDetail(e, 'durationS');
      const from = openAt ?? (dur !== undefined ? e.at - dur : undefined);
      if (from !== undefined && e.at > from) out.push({ from, to: e.at, kind });
      openAt = undefined;
    }
  }
  if (openAt !== undefined) out.push({ from: openAt, to: Number.POSITIVE_INFINITY, kind });
  return out;
}

/** Clock adjustments: a `clockAdjustedOld` event (old meter time) paired with the nearest `clockAdjustedNew` one. */
function clockAdjustments(sorted: readonly MeterEvent[], codes: EventCodes): ClockAdjust[] {
  const olds = sorted.filter((e) => codes.clockAdjustedOld.includes(e.code));
  const news = sorted.filter((e) => codes.clockAdjustedNew.includes(e.code));
  const used = new Set<MeterEvent>();
  const out: ClockAdjust[] = [];
  for (const o of olds) {
    let best: MeterEvent | undefined;
    for (const n of news) {
      if (used.has(n) || Math.abs(n.at - o.at) > 86_400) continue;
      if (best === undefined || Math.abs(n.at - o.at) < Math.abs(best.at - o.at)) best = n;
    }
    const given = numberDetail(o, 'deltaS') ?? (best && numberDetail(best, 'deltaS'));
    if (best) used.add(best);
    out.push({ at: best?.at ?? o.at, deltaS: given ?? (best ? best.at - o.at : undefined) });
  }
  for (const n of news) if (!used.has(n)) out.push({ at: n.at, deltaS: numberDetail(n, 'deltaS') });
  return out.sort((a, b) => a.at - b.at);
}

export function eventPeriods(events: readonly MeterEvent[] | undefined, codes: EventCodes): EventPeriods {
  if (events === undefined || events.length === 0) return NO_PERIODS;
  const sorted = [...events].sort((a, b) => a.at - b.at || a.code - b.code);
  return {
    outages: pairPeriods(sorted, codes.powerDown, codes.powerUp, 'outage'),
    disconnected: pairPeriods(sorted, codes.disconnect, codes.reconnect, 'disconnected'),
    clockAdjust: clockAdjustments(sorted, codes),
    clockInvalid: sorted.filter((e) => codes.clockInvalid.includes(e.code)).map((e) => e.at),
    resets: sorted.filter((e) => codes.reset.includes(e.code)).map((e) => e.at),
  };
}
