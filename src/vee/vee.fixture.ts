/** Builders for the VEE tests: a meter, day series and a simple daily shape. */
import { QUALITY, obis, type IntervalSeries, type Meter, type Obis, type QualityFlag, type RegisterReading } from '../model/index.ts';

export const IMPORT = obis('1-0:1.8.0');
export const EXPORT = obis('1-0:2.8.0');
export const VOLTAGE = obis('1-0:32.7.0');
export const CURRENT = obis('1-0:31.7.0');
export const PF = obis('1-0:13.7.0');
export const FREQ = obis('1-0:14.7.0');

/** Monday 2026-06-01 00:00 UTC. */
export const DAY = Date.UTC(2026, 5, 1) / 1000;
export const Q = 900;

export const meter = (over: Partial<Meter> = {}): Meter => ({ id: 'M1', kind: 'electricity', timeZone: 'UTC', status: 'active', ...over });

/** A household-like quarter-hour shape (Wh): night base, morning and evening peaks; same every day. */
export function shape(i: number): number {
  const h = (i * 15) / 60;
  const base = 40;
  const morning = h >= 7 && h < 9 ? 120 : 0;
  const evening = h >= 17 && h < 22 ? 200 + ((i * 7) % 30) : 0;
  return base + morning + evening + ((i * 13) % 11);
}

export function series(values: readonly number[], opts: { channel?: Obis; start?: number; meterId?: string; quality?: readonly (QualityFlag | number)[]; reason?: readonly number[]; intervalS?: number } = {}): IntervalSeries {
  const q = Uint8Array.from(values, (_, i) => {
    const f = opts.quality?.[i] ?? 'A';
    return typeof f === 'number' ? f : QUALITY[f];
  });
  return {
    meterId: opts.meterId ?? 'M1', channel: opts.channel ?? IMPORT, start: opts.start ?? DAY, intervalS: opts.intervalS ?? Q,
    values: Float64Array.from(values), quality: q, ...(opts.reason ? { reason: Uint8Array.from(opts.reason) } : {}),
  };
}

/** `days` whole days of the shape, each its own series, ending where `before` starts. */
export function history(days: number, before = DAY, f: (i: number, d: number) => number = (i) => shape(i), channel: Obis = IMPORT): IntervalSeries[] {
  const out: IntervalSeries[] = [];
  for (let d = days; d >= 1; d--) out.push(series(Array.from({ length: 96 }, (_, i) => f(i, d)), { start: before - d * 86_400, channel }));
  return out;
}

export const day = (f: (i: number) => number = shape): number[] => Array.from({ length: 96 }, (_, i) => f(i));

export const register = (at: number, value: number, channel: Obis = IMPORT): RegisterReading => ({ meterId: 'M1', channel, at, value, quality: 'A' });

export const sum = (xs: ArrayLike<number>, from = 0, to = xs.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s;
};
