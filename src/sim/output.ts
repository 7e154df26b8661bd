import { QUALITY, type IntervalSeries, type Obis } from '../model/index.ts';
import { OBIS_EXPORT, OBIS_IMPORT, OBIS_VOLTAGE } from './channels.ts';
import { INTERVAL_S, Q as QUARTERS } from './clock.ts';
import type { DayData, Engine } from './engine.ts';

// Hot loops read a module constant: an imported binding is re-checked on every access.
const Q = QUARTERS;

/**
 * Copy `count` intervals from `first` (UTC, on the grid) out of consecutive days into one series
 * per meter and channel. Each series owns its arrays: consumers may keep, transfer or edit them.
 */
export function buildSeries(e: Engine, days: readonly DayData[], first: number, count: number): IntervalSeries[] {
  const out: IntervalSeries[] = [];
  const whole = count === Q && days.length === 1 && days[0]!.start === first;
  const take = (pick: (d: DayData) => Float64Array, base: (m: number) => number, m: number): Float64Array => {
    if (whole) return pick(days[0]!).slice(base(m), base(m) + Q);
    const values = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      const t = first + j * INTERVAL_S;
      const d = days[Math.floor((t - days[0]!.start) / 86400)]!;
      values[j] = pick(d)[base(m) + (t - d.start) / INTERVAL_S];
    }
    return values;
  };
  const push = (meterId: string, channel: Obis, values: Float64Array): void => {
    out.push({ meterId, channel, start: first, intervalS: INTERVAL_S, values, quality: new Uint8Array(count).fill(QUALITY.A) });
  };
  const energy = (m: number): number => m * Q;
  for (let m = 0; m < e.n; m++) {
    const id = e.meterIds[m]!;
    const p = e.fleet.profiles[m]!;
    push(id, OBIS_IMPORT, take((d) => d.imp, energy, m));
    if (p.pv) push(id, OBIS_EXPORT, take((d) => d.exp, energy, m));
    for (let j = 0; j < (p.threePhase ? 3 : 1); j++) {
      push(id, OBIS_VOLTAGE[j]!, take((d) => d.volt, (k) => e.voltOffset[k] + j * Q, m));
    }
  }
  return out;
}
