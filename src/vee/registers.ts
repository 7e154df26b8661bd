import type { Obis, RegisterReading } from '../model/index.ts';
import type { EpochSeconds } from '../model/time.ts';

/**
 * Two consecutive register readings of one channel. `delta` is the register's advance between
 * them: the plain difference, or across a rollover (the counter wrapped at `capacity`)
 * capacity − from + to. Across a reset the advance is unknown.
 */
export interface RegisterSpan {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly fromValue: number;
  readonly toValue: number;
  readonly kind: 'ok' | 'rollover' | 'reset';
  readonly delta: number | undefined;
}

/**
 * The interval indices [from, to) a span with a known advance covers, if both its readings fall on
 * the window's grid inside the window; else undefined (such a span can neither check nor bound).
 */
export function spanIndices(sp: RegisterSpan, start: number, intervalS: number, n: number): [number, number] | undefined {
  if (sp.delta === undefined || sp.from < start || sp.to > start + n * intervalS) return undefined;
  if ((sp.from - start) % intervalS !== 0 || (sp.to - start) % intervalS !== 0) return undefined;
  return [(sp.from - start) / intervalS, (sp.to - start) / intervalS];
}

export interface RolloverModel {
  /** The value at which the counter wraps to 0 (10^digits of the register, in the stored unit). */
  readonly capacity: number;
  /** A fall counts as a rollover if the earlier reading was within this share (%) below capacity and the later one within it above 0. */
  readonly nearPct: number;
}

/** Readings of `channel` in time order, one per instant (the later of two at the same time wins). */
export function registerSpans(readings: readonly RegisterReading[] | undefined, meterId: string, channel: Obis, model: RolloverModel): RegisterSpan[] {
  if (readings === undefined || readings.length < 2) return [];
  const mine: RegisterReading[] = [];
  let sorted = true;
  for (const r of readings) {
    if (r.channel !== channel || r.meterId !== meterId || !Number.isFinite(r.value) || r.quality === 'N') continue;
    if (mine.length > 0 && r.at < mine[mine.length - 1]!.at) sorted = false;
    mine.push(r);
  }
  if (!sorted) mine.sort((a, b) => a.at - b.at);
  const out: RegisterSpan[] = [];
  const near = (model.capacity * model.nearPct) / 100;
  for (let k = 1; k < mine.length; k++) {
    const p = mine[k - 1]!;
    const c = mine[k]!;
    if (c.at === p.at) continue;
    if (c.value >= p.value) {
      out.push({ from: p.at, to: c.at, fromValue: p.value, toValue: c.value, kind: 'ok', delta: c.value - p.value });
    } else if (p.value >= model.capacity - near && c.value <= near && p.value < model.capacity + near) {
      out.push({ from: p.at, to: c.at, fromValue: p.value, toValue: c.value, kind: 'rollover', delta: model.capacity - p.value + c.value });
    } else {
      out.push({ from: p.at, to: c.at, fromValue: p.value, toValue: c.value, kind: 'reset', delta: undefined });
    }
  }
  return out;
}

/**
 * Register readings alone miss a reset whose register, counting again from zero, ends above where
 * it started. The intervals show it: computed as plain register differences, the interval across the
 * restart comes out hugely negative — the register fell by more than half its value (from `r` to
 * r + v ≥ 0). Such an 'ok' span is really a reset (advance unknown); near capacity it is a rollover.
 * Only spans on the window's grid, walked while every interval has a value.
 */
export function refineSpans(
  spans: readonly RegisterSpan[], values: Float64Array, quality: Uint8Array, missing: number, start: number, intervalS: number, model: RolloverModel,
): RegisterSpan[] {
  const end = start + values.length * intervalS;
  return spans.map((sp) => {
    if (sp.kind !== 'ok' || sp.from < start || sp.to > end || (sp.from - start) % intervalS !== 0) return sp;
    let r = sp.fromValue;
    const i1 = Math.min(values.length, Math.ceil((sp.to - start) / intervalS));
    for (let i = (sp.from - start) / intervalS; i < i1; i++) {
      if (quality[i] === missing) return sp;
      const v = values[i]!;
      if (v < 0 && r + v >= 0 && -v > r / 2) {
        const rollover = r >= model.capacity * (1 - model.nearPct / 100);
        return rollover
          ? { ...sp, kind: 'rollover' as const, delta: sp.toValue - sp.fromValue + model.capacity }
          : { ...sp, kind: 'reset' as const, delta: undefined };
      }
      r += v;
    }
    return sp;
  });
}
