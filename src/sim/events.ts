import { DAY_S, type MeterEvent } from '../model/index.ts';
import { INTERVAL_S, Q as QUARTERS } from './clock.ts';
import { Rng, STREAM } from './prng.ts';
import type { TransformerProfile } from './profiles/types.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/** DLMS standard event log codes (IEC 62056 / IDIS event codes 1 and 2) and their CIM EndDeviceEventTypes. */
export const POWER_DOWN = { code: 1, cimType: '3.26.0.185' } as const;
export const POWER_UP = { code: 2, cimType: '3.26.0.216' } as const;

/** LV interruptions per transformer per year: cable faults, fuses, MV switching. */
export const OUTAGES_PER_YEAR = 3;

export interface Outage {
  readonly transformerIndex: number;
  readonly start: number;
  readonly end: number;
}

/** Keep event times off the 15-minute grid so every event falls inside exactly one interval. */
function offGrid(t: number): number {
  return t % INTERVAL_S === 0 ? t + 1 : t;
}

/** The outage (if any) starting on UTC date `date` at a transformer: minutes to an hour, log-uniform. */
export function outageOnDate(seed: number, tx: number, date: number, rng: Rng): Outage | null {
  rng.reseed(seed, tx, date, STREAM.outage);
  const hit = rng.next() < OUTAGES_PER_YEAR / 365.25;
  const at = rng.int(DAY_S);
  const durationS = Math.round(180 * Math.pow(20, rng.next()));
  if (!hit) return null;
  const start = offGrid(date * DAY_S + at);
  return { transformerIndex: tx, start, end: offGrid(start + durationS) };
}

/** An outage still running when the next one would start absorbs it: a transformer is either off or on. */
function effectiveOutage(seed: number, tx: number, date: number, rng: Rng): Outage | null {
  const o = outageOnDate(seed, tx, date, rng);
  if (!o) return null;
  const before = outageOnDate(seed, tx, date - 1, rng);
  return before && before.end >= o.start ? null : o;
}

/** Outages that touch UTC day `day`: those starting on it and those carried over from the day before. */
export function outagesTouchingDay(seed: number, transformers: number, day: number): Outage[] {
  const rng = new Rng();
  const dayStart = day * DAY_S;
  const out: Outage[] = [];
  for (let tx = 0; tx < transformers; tx++) {
    for (const date of [day - 1, day]) {
      const o = effectiveOutage(seed, tx, date, rng);
      if (o && o.end > dayStart && o.start < dayStart + DAY_S) out.push(o);
    }
  }
  return out.sort((a, b) => a.start - b.start || a.transformerIndex - b.transformerIndex);
}

/** Fraction of each interval that each transformer had power, [tx * 96 + i]. */
export function fillPowered(outages: readonly Outage[], dayStart: number, powered: Float64Array): void {
  powered.fill(1);
  for (const o of outages) {
    for (let i = 0; i < Q; i++) {
      const a = dayStart + i * INTERVAL_S;
      const lost = Math.min(o.end, a + INTERVAL_S) - Math.max(o.start, a);
      if (lost > 0) powered[o.transformerIndex * Q + i] -= lost / INTERVAL_S;
    }
  }
  for (let k = 0; k < powered.length; k++) if (powered[k] < 1e-9) powered[k] = 0;
}

/** Power-down and power-up events of every meter behind the transformer, for the events inside [from, to). */
export function outageEvents(outages: readonly Outage[], transformers: readonly TransformerProfile[], meterIds: readonly string[], from: number, to: number): MeterEvent[] {
  const events: MeterEvent[] = [];
  for (const o of outages) {
    const tx = transformers[o.transformerIndex]!;
    const outageId = `${tx.id}@${o.start}`;
    for (const m of tx.meterIndices) {
      const meterId = meterIds[m]!;
      if (o.start >= from && o.start < to) {
        events.push({ meterId, at: o.start, ...POWER_DOWN, details: { transformerId: tx.id, outageId } });
      }
      if (o.end >= from && o.end < to) {
        events.push({ meterId, at: o.end, ...POWER_UP, details: { transformerId: tx.id, outageId, durationS: o.end - o.start } });
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}
