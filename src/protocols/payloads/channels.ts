import { type IntervalSeries, type Obis, QUALITY, type QualityCode, isValidIntervalLength } from '../../model/index.ts';
import { array, badValue, channel, describe, finite, get, integer, object, ownMeter } from './fields.ts';
import type { MappedPayload, PayloadContext, PayloadMapper } from './payload.ts';
import { factorFor, toStored } from './units.ts';

/**
 * The "channels" family: a document with a meter and a list of channels, each an interval series
 * in a declared unit. The versions differ in how a channel places its values in time and in what
 * a value carries; `ChannelsVersion` is exactly that difference, the rest is shared.
 */
export interface ChannelsVersion {
  /** Start (epoch seconds) of the first interval of a channel holding `n` values. */
  firstStart(ch: ReturnType<typeof object>, path: string, n: number, intervalS: number): number;
  /** One entry of `values` → its value in the payload's unit (null when missing) and its quality. */
  value(v: unknown, path: string): readonly [number | null, QualityCode];
}

export const MAX_CHANNEL_VALUES = 10_000;

/** A mapper of the family: its version number and what sets it apart. */
export function channelsMapper(version: number, description: string, differences: ChannelsVersion): PayloadMapper {
  return { format: 'channels', version, description, map: (body, ctx) => mapChannels(body, ctx, differences) };
}

export function mapChannels(body: unknown, ctx: PayloadContext, version: ChannelsVersion): MappedPayload {
  const b = object(body, 'payload');
  const meterId = ownMeter(get(b, 'meter'), ctx.deviceId, 'meter');
  const list = array(get(b, 'channels'), 'channels', 256);
  if (list.length === 0) throw badValue('channels', 'no channels');
  const series = list.map((c, i) => channelSeries(meterId, object(c, `channels[${i}]`), `channels[${i}]`, version));
  return { series, registers: [], events: [] };
}

function channelSeries(meterId: string, ch: ReturnType<typeof object>, path: string, version: ChannelsVersion): IntervalSeries {
  const code: Obis = channel(get(ch, 'obis'), `${path}.obis`);
  const factor = factorFor(code, get(ch, 'unit'), `${path}.unit`);
  const intervalS = integer(get(ch, 'interval'), `${path}.interval`, 60, 3600);
  if (!isValidIntervalLength(intervalS)) throw badValue(`${path}.interval`, `${intervalS} s does not divide a day`);
  const raw = array(get(ch, 'values'), `${path}.values`, MAX_CHANNEL_VALUES);
  if (raw.length === 0) throw badValue(`${path}.values`, 'no values');
  const start = version.firstStart(ch, path, raw.length, intervalS);
  if (start < 0 || start % intervalS !== 0) throw badValue(path, `the first interval starts at ${start}, not on the UTC grid of ${intervalS} s`);
  const values = new Float64Array(raw.length);
  const quality = new Uint8Array(raw.length);
  raw.forEach((entry, k) => {
    const at = `${path}.values[${k}]`;
    const [v, q] = version.value(entry, at);
    values[k] = v === null ? 0 : toStored(v, factor, at);
    quality[k] = q;
  });
  return { meterId, channel: code, start, intervalS, values, quality };
}

/** A bare number is an actual reading, null a missing one (v1 and v2 alike). */
export function plainValue(v: unknown, path: string): readonly [number | null, QualityCode] {
  if (v === null) return [null, QUALITY.N];
  return [finite(v, path), QUALITY.A];
}

export function mustBeMissing(v: number | null, q: QualityCode, path: string): void {
  if ((v === null) !== (q === QUALITY.N)) {
    throw badValue(path, `${describe(v)} with quality ${'ASEFNV'[q]}: a missing value (null) has quality N and only it`);
  }
}
