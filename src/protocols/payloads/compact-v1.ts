import { type IntervalSeries, type MeterEvent, type Obis, QUALITY, isValidIntervalLength, obis } from '../../model/index.ts';
import { array, badValue, get, integer, object, ownMeter } from './fields.ts';
import type { MappedPayload, PayloadContext, PayloadMapper } from './payload.ts';
import { toStored } from './units.ts';

/**
 * compact v1, for constrained devices (a few hundred bytes of CBOR over CoAP/LoRa/NB-IoT): a map
 * with small integer keys, channels by index into a fixed table, integer values already in the
 * stored unit, no meter id (the transport authenticated the device).
 *
 *   { 0: "compact", 1: 1, 2: <start of first interval, epoch s>, 3: <interval s>,
 *     4: [[<channel index>, [v, v, null, …]], …], 5: [[<epoch s>, <event code>], …], 6: "<meter id>" }
 *
 * Keys 2–4 carry intervals, 5 events (DLMS event codes), 6 is optional. The table is part of the
 * version: a new channel index means compact v2, never a silent change to v1.
 */
export const COMPACT_V1_CHANNELS: readonly Obis[] = [
  '1-0:1.8.0', '1-0:2.8.0', '1-0:3.8.0', '1-0:4.8.0', // energy: Wh, varh
  '1-0:32.7.0', '1-0:52.7.0', '1-0:72.7.0', // voltage L1–L3: mV
  '1-0:31.7.0', '1-0:51.7.0', '1-0:71.7.0', // current L1–L3: mA
  '1-0:1.7.0', '1-0:2.7.0', // active power import/export: W
  '7-0:3.0.0', '8-0:1.0.0', // gas and water volume: L
].map(obis);

const MAX_VALUES = 10_000;

export const compactV1: PayloadMapper = {
  format: 'compact',
  version: 1,
  description: 'Integer-keyed CBOR map: start, interval, [channel index, integer values in stored units] pairs and [time, code] events.',
  map(body: unknown, ctx: PayloadContext): MappedPayload {
    const b = object(body, 'payload');
    const meterId = ownMeter(get(b, 6), ctx.deviceId, 'key 6 (meter)');
    const rows = get(b, 4) === undefined ? [] : array(get(b, 4), 'key 4 (channels)', COMPACT_V1_CHANNELS.length);
    const events = get(b, 5) === undefined ? [] : array(get(b, 5), 'key 5 (events)', 1024).map((e, i) => event(meterId, e, `key 5[${i}]`));
    if (rows.length === 0 && events.length === 0) throw badValue('payload', 'neither intervals (key 4) nor events (key 5)');
    if (rows.length === 0) return { series: [], registers: [], events };
    const start = integer(get(b, 2), 'key 2 (start)');
    const intervalS = integer(get(b, 3), 'key 3 (interval)', 60, 3600);
    if (!isValidIntervalLength(intervalS)) throw badValue('key 3 (interval)', `${intervalS} s does not divide a day`);
    if (start % intervalS !== 0) throw badValue('key 2 (start)', `${start} is not on the UTC grid of ${intervalS} s`);
    const seen = new Set<number>();
    const series = rows.map((r, i): IntervalSeries => {
      const path = `key 4[${i}]`;
      const row = array(r, path, 2);
      const index = integer(row[0], `${path}[0] (channel index)`, 0, COMPACT_V1_CHANNELS.length - 1);
      if (seen.has(index)) throw badValue(`${path}[0]`, `channel index ${index} appears twice`);
      seen.add(index);
      const raw = array(row[1], `${path}[1] (values)`, MAX_VALUES);
      if (raw.length === 0) throw badValue(`${path}[1]`, 'no values');
      const values = new Float64Array(raw.length);
      const quality = new Uint8Array(raw.length);
      raw.forEach((v, k) => {
        if (v === null) quality[k] = QUALITY.N;
        else values[k] = toStored(integer(v, `${path}[1][${k}]`, -Number.MAX_SAFE_INTEGER), 1, `${path}[1][${k}]`);
      });
      return { meterId, channel: COMPACT_V1_CHANNELS[index]!, start, intervalS, values, quality };
    });
    return { series, registers: [], events };
  },
};

function event(meterId: string, e: unknown, path: string): MeterEvent {
  const pair = array(e, path, 2);
  return { meterId, at: integer(pair[0], `${path}[0] (time)`), code: integer(pair[1], `${path}[1] (code)`, 0, 65_535) };
}
