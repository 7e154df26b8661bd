import type { PayloadEncoding } from './payload.ts';

/**
 * One worked example per (format, version), as a device would send it. The tests map each, and
 * docs/payload-formats.md shows the same bodies; all describe meter SIM000001 on 2026-11-26.
 */
export interface PayloadExample {
  readonly format: string;
  readonly version: number;
  readonly encoding: PayloadEncoding;
  /** JSON value, or for CBOR the item to encode (Maps keep integer keys). */
  readonly body: unknown;
}

export const EXAMPLE_DEVICE = 'SIM000001';

export const PAYLOAD_EXAMPLES: readonly PayloadExample[] = [
  {
    format: 'obis-flat', version: 1, encoding: 'json',
    body: { fmt: 'obis-flat', v: 1, meter: 'SIM000001', ts: '2026-11-26T10:15:00Z', '1-0:1.8.0': 12345.678, '1-0:2.8.0': 0.5, '1-0:32.7.0': 229.8, '1-0:31.7.0': 1.25, rssi: -71 },
  },
  {
    format: 'channels', version: 1, encoding: 'json',
    body: {
      schema: 'channels/1', meter: 'SIM000001',
      channels: [
        { obis: '1-0:1.8.0', unit: 'kWh', interval: 900, start: '2026-11-26T10:00:00Z', values: [0.125, 0.118, null] },
        { obis: '1-0:32.7.0', unit: 'V', interval: 900, start: 1795687200, values: [229.8, 230.1, null] },
      ],
    },
  },
  {
    format: 'channels', version: 2, encoding: 'json',
    body: {
      schema: 'channels/2', meter: 'SIM000001',
      channels: [
        { obis: '1-0:1.8.0', unit: 'kWh', interval: 900, end: '2026-11-26T10:45:00Z', values: [0.125, [0.118, 'E'], [null, 'N']] },
        { obis: '1-0:32.7.0', unit: 'V', interval: 900, end: '2026-11-26T11:45:00+01:00', values: [229.8, 230.1, null] },
      ],
    },
  },
  {
    format: 'compact', version: 1, encoding: 'cbor',
    body: new Map<number, unknown>([[0, 'compact'], [1, 1], [2, 1795687200], [3, 900], [4, [[0, [125, 118, null]], [4, [229800, 230100, null]]]], [5, [[1795687500, 1]]]]),
  },
];
