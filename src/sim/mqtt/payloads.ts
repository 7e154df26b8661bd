import { type IntervalSeries, type MeterEvent, type Obis, QUALITY, qualityFlag, obisDefinition } from '../../model/index.ts';
import { COMPACT_V1_CHANNELS, encodeBody } from '../../protocols/payloads/index.ts';

/**
 * What the simulated MQTT meters send, in the vendor formats of src/protocols/payloads
 * (docs/payload-formats.md): interval readings as `compact` v1 CBOR or `channels` v2 JSON, events
 * as `compact` v1 CBOR, registers (the answer to read-now) as `obis-flat` v1 JSON.
 */

export type ReadingsFormat = 'compact' | 'channels';

export interface EncodedPayload {
  readonly encoding: 'json' | 'cbor';
  readonly bytes: Uint8Array;
}

/** One meter's series of one window (all with the same start and interval length). */
export function encodeReadings(meterId: string, series: readonly IntervalSeries[], format: ReadingsFormat): EncodedPayload {
  const plain = series.every((s) => s.quality.every((q) => q === QUALITY.A || q === QUALITY.N));
  const sameGrid = series.every((s) => s.start === series[0]!.start && s.intervalS === series[0]!.intervalS);
  const compactable = plain && sameGrid && series.every((s) => COMPACT_V1_CHANNELS.includes(s.channel));
  // compact v1 has no quality flags and one time grid; anything else goes as channels v2.
  return format === 'compact' && compactable ? compact(meterId, series) : channels(meterId, series);
}

function compact(meterId: string, series: readonly IntervalSeries[]): EncodedPayload {
  const rows = series.map((s) => [COMPACT_V1_CHANNELS.indexOf(s.channel), Array.from(s.values, (v, k) => (s.quality[k] === QUALITY.N ? null : v))]);
  const body = new Map<number, unknown>([[0, 'compact'], [1, 1], [2, series[0]!.start], [3, series[0]!.intervalS], [4, rows], [6, meterId]]);
  return { encoding: 'cbor', bytes: encodeBody(body, 'cbor') };
}

function channels(meterId: string, series: readonly IntervalSeries[]): EncodedPayload {
  const list = series.map((s) => ({
    obis: s.channel, unit: storedUnit(s.channel), interval: s.intervalS, end: s.start + s.values.length * s.intervalS,
    values: Array.from(s.values, (v, k) => {
      const q = s.quality[k]!;
      if (q === QUALITY.A) return v;
      return q === QUALITY.N ? null : [v, qualityFlag(q)];
    }),
  }));
  return { encoding: 'json', bytes: encodeBody({ schema: 'channels/2', meter: meterId, channels: list }, 'json') };
}

function storedUnit(channel: Obis): string {
  const def = obisDefinition(channel);
  if (def === undefined) throw new RangeError(`the simulator has no unit for ${channel}`);
  return def.unit;
}

export function encodeEvents(meterId: string, events: readonly MeterEvent[]): EncodedPayload {
  const body = new Map<number, unknown>([[0, 'compact'], [1, 1], [5, events.map((e) => [e.at, e.code])], [6, meterId]]);
  return { encoding: 'cbor', bytes: encodeBody(body, 'cbor') };
}

/** Energy registers (Wh) at `at`, as a meter display shows them: kWh. */
export function encodeRegisters(meterId: string, at: number, registers: ReadonlyMap<Obis, number>): EncodedPayload {
  const body: Record<string, unknown> = { fmt: 'obis-flat', v: 1, meter: meterId, ts: at };
  for (const [channel, wh] of registers) {
    if (obisDefinition(channel)?.unit !== 'Wh') throw new RangeError(`obis-flat registers from the simulator are energy only, not ${channel}`);
    body[channel] = wh / 1000;
  }
  return { encoding: 'json', bytes: encodeBody(body, 'json') };
}
