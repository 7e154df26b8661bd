import { get, time } from './fields.ts';
import { channelsMapper, plainValue } from './channels.ts';
import type { PayloadMapper } from './payload.ts';

/**
 * channels v1: per-channel interval arrays placed by `start`, the start of the first interval;
 * values are numbers (actual) or null (missing).
 *
 *   { "schema": "channels/1", "meter": "SIM000001",
 *     "channels": [{ "obis": "1-0:1.8.0", "unit": "kWh", "interval": 900,
 *                    "start": "2026-11-26T10:00:00Z", "values": [0.125, 0.118, null] }] }
 */
export const channelsV1: PayloadMapper = channelsMapper(1,
  'Nested per-channel interval arrays; "start" is the start of the first interval; values are numbers or null (missing).',
  {
    firstStart: (ch, path) => time(get(ch, 'start'), `${path}.start`),
    value: plainValue,
  });
