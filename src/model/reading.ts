import { MeterstackError } from './errors.ts';
import type { Obis } from './obis.ts';
import { QUALITY, type QualityFlag, qualityFlag } from './quality.ts';
import type { EpochSeconds } from './time.ts';

/**
 * The hot path's unit: one channel, a start, an interval length, and columnar arrays. At millions
 * of readings a second an object per reading is the bottleneck, so codecs, the pipeline and the
 * store pass series. Values are integers in the channel's stored unit (Wh, mV, mA, L …) held in a
 * Float64Array so that totals far beyond 2^31 stay exact; |value| ≤ MAX_VALUE.
 */
export interface IntervalSeries {
  readonly meterId: string;
  readonly channel: Obis;
  /** Start of the first interval, UTC epoch seconds, a multiple of intervalS. */
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly values: Float64Array;
  /** QUALITY code per interval; QUALITY.N marks an explicitly missing interval (value 0). */
  readonly quality: Uint8Array;
  /** NEM12 reason code per interval (0 = none); omitted when all zero. */
  readonly reason?: Uint8Array;
}

/** 2^50: deltas and zig-zag of two such values stay below 2^53, exact in a double. */
export const MAX_VALUE = 2 ** 50;

export const MIN_INTERVAL_S = 60;
export const MAX_INTERVAL_S = 3600;

/** One interval as an object, for faces and tests, never the hot path. */
export interface IntervalReading {
  readonly meterId: string;
  readonly channel: Obis;
  /** Interval end, UTC epoch seconds (the metering convention: a value "for 00:15" covers 00:00–00:15). */
  readonly end: EpochSeconds;
  readonly intervalS: number;
  readonly value: number;
  readonly quality: QualityFlag;
  readonly reason?: number;
  readonly version?: number;
}

export interface RegisterReading {
  readonly meterId: string;
  readonly channel: Obis;
  readonly at: EpochSeconds;
  /** Cumulative value in the stored unit. */
  readonly value: number;
  readonly quality?: QualityFlag;
}

export interface MeterEvent {
  readonly meterId: string;
  readonly at: EpochSeconds;
  /** DLMS standard event log code (e.g. 1 power down, 2 power up). */
  readonly code: number;
  /** CIM EndDeviceEventType, type.domain.subDomain.eventOrAction. */
  readonly cimType?: string;
  readonly details?: Record<string, unknown>;
}

export function seriesLength(s: IntervalSeries): number {
  return s.values.length;
}

export function seriesEnd(s: IntervalSeries): EpochSeconds {
  return s.start + s.values.length * s.intervalS;
}

export function isValidIntervalLength(intervalS: number): boolean {
  return Number.isInteger(intervalS) && intervalS >= MIN_INTERVAL_S && intervalS <= MAX_INTERVAL_S && 86_400 % intervalS === 0;
}

/** Check the invariants every producer of series must keep; throws SERIES_INVALID. */
export function assertSeries(s: IntervalSeries): void {
  const fail = (why: string): never => {
    throw new MeterstackError('SERIES_INVALID', `series ${s.meterId} ${s.channel} at ${s.start}: ${why}`);
  };
  if (!isValidIntervalLength(s.intervalS)) fail(`interval length ${s.intervalS}s must divide a day and be 60..3600 s`);
  if (!Number.isInteger(s.start) || s.start % s.intervalS !== 0) fail(`start must be on the ${s.intervalS}s grid`);
  if (s.quality.length !== s.values.length) fail('quality and values differ in length');
  if (s.reason && s.reason.length !== s.values.length) fail('reason and values differ in length');
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > MAX_VALUE) fail(`value ${v} at index ${i} is not an integer within ±2^50`);
    if (s.quality[i]! > QUALITY.V) fail(`quality code ${s.quality[i]} at index ${i}`);
  }
}

export function emptySeries(meterId: string, channel: Obis, start: EpochSeconds, intervalS: number, n: number): IntervalSeries {
  const quality = new Uint8Array(n).fill(QUALITY.N);
  return { meterId, channel, start, intervalS, values: new Float64Array(n), quality };
}

export function* seriesReadings(s: IntervalSeries, version?: number): Generator<IntervalReading> {
  for (let i = 0; i < s.values.length; i++) {
    const r = s.reason?.[i] ?? 0;
    yield {
      meterId: s.meterId, channel: s.channel, end: s.start + (i + 1) * s.intervalS, intervalS: s.intervalS,
      value: s.values[i]!, quality: qualityFlag(s.quality[i]!),
      ...(r ? { reason: r } : {}), ...(version !== undefined ? { version } : {}),
    };
  }
}
