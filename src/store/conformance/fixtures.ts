import assert from 'node:assert/strict';
import { QUALITY, hasCode, isoToEpoch, obis, type ErrorCode, type IntervalSeries, type Meter, type QualityFlag } from '../../model/index.ts';
import type { Store, WriteContext } from '../store.port.ts';

export const CH = obis('1-0:1.8.0');
export const EXPORT = obis('1-0:2.8.0');
export const CTX: WriteContext = { source: 'conformance', actor: 'tester', reason: 'test data' };

export const t = (iso: string): number => isoToEpoch(iso);

export interface SeriesOpts {
  readonly channel?: string;
  readonly intervalS?: number;
  /** One flag per value, or one for all. */
  readonly quality?: QualityFlag | readonly QualityFlag[];
  readonly reason?: readonly number[];
}

/** A series from plain numbers; null means a missing (N) interval. */
export function series(meterId: string, start: number | string, values: readonly (number | null)[], opts: SeriesOpts = {}): IntervalSeries {
  const flags = opts.quality;
  const q = (i: number): number => (values[i] === null ? QUALITY.N : QUALITY[typeof flags === 'string' ? flags : flags?.[i] ?? 'A']);
  return {
    meterId,
    channel: obis(opts.channel ?? CH),
    start: typeof start === 'string' ? t(start) : start,
    intervalS: opts.intervalS ?? 900,
    values: Float64Array.from(values, (v) => v ?? 0),
    quality: Uint8Array.from(values, (_, i) => q(i)),
    ...(opts.reason ? { reason: Uint8Array.from(opts.reason) } : {}),
  };
}

/** Values back as plain numbers, N as null: easy to compare with what was written. */
export function plain(s: IntervalSeries): (number | null)[] {
  return Array.from(s.values, (v, i) => (s.quality[i] === QUALITY.N ? null : v));
}

export function meter(id: string, extra: Partial<Meter> = {}): Meter {
  return { id, kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active', ...extra };
}

export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => hasCode(e, code) || assert.fail(`expected ${code}, got ${String(e)}`));
}

export function ramp(n: number, from = 100): number[] {
  return Array.from({ length: n }, (_, i) => from + (i % 17) * 3);
}

export type Case = readonly [name: string, fn: (store: Store) => Promise<void>];
