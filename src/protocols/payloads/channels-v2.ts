import { badValue, get, quality, time } from './fields.ts';
import { channelsMapper, mustBeMissing, plainValue } from './channels.ts';
import type { PayloadMapper } from './payload.ts';

/**
 * channels v2, what changed from v1 (v1 stays valid):
 * - time: `end`, the end of the LAST interval (devices report when a period closes), replaces `start`;
 * - values: each may be `[value, quality]` with a NEM12-style flag (A, S, E, F, N, V), so a device
 *   can say it estimated or substituted a value; a bare number still means actual, null missing.
 *
 *   { "schema": "channels/2", "meter": "SIM000001",
 *     "channels": [{ "obis": "1-0:1.8.0", "unit": "kWh", "interval": 900,
 *                    "end": "2026-11-26T10:45:00Z", "values": [0.125, [0.118, "E"], [null, "N"]] }] }
 */
export const channelsV2: PayloadMapper = channelsMapper(2,
  'As channels v1, but placed by "end" (end of the last interval) and values may be [value, quality flag] pairs.',
  {
    firstStart: (ch, path, n, intervalS) => time(get(ch, 'end'), `${path}.end`) - n * intervalS,
    value(v, path) {
      if (!Array.isArray(v)) return plainValue(v, path);
      if (v.length !== 2) throw badValue(path, `expected a number, null or [value, quality], got an array of ${v.length}`);
      const [x] = plainValue(v[0], `${path}[0]`);
      const q = quality(v[1], `${path}[1]`);
      mustBeMissing(x, q, path);
      return [x, q];
    },
  });
