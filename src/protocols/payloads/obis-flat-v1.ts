import type { Obis, RegisterReading } from '../../model/index.ts';
import { badValue, channel, finite, get, object, ownMeter, time } from './fields.ts';
import type { MappedPayload, PayloadContext, PayloadMapper } from './payload.ts';
import { displayUnit, factorFor, toStored } from './units.ts';

/** A key that means to be an OBIS code; anything else ("rssi", "fw") is vendor extra and ignored. */
const OBIS_KEY = /^\d{1,3}-\d{1,3}:/;

/**
 * obis-flat v1: one flat object per reading time, a key per OBIS code, values in the unit a meter
 * display shows (kWh, kvarh, kW, V, A, Hz, m3, PF). Every value becomes a register reading at `ts`.
 *
 *   { "fmt": "obis-flat", "v": 1, "meter": "SIM000001", "ts": "2026-11-26T10:15:00Z",
 *     "1-0:1.8.0": 12345.678, "1-0:32.7.0": 229.8, "rssi": -71 }
 */
export const obisFlatV1: PayloadMapper = {
  format: 'obis-flat',
  version: 1,
  description: 'Flat object, one key per OBIS code, values in display units (kWh, V, A …) at one time "ts"; becomes register readings.',
  map(body: unknown, ctx: PayloadContext): MappedPayload {
    const b = object(body, 'payload');
    const meterId = ownMeter(get(b, 'meter'), ctx.deviceId, 'meter');
    const at = get(b, 'ts') === undefined ? ctx.receivedAt : time(get(b, 'ts'), 'ts');
    const registers: RegisterReading[] = [];
    const seen = new Set<Obis>();
    for (const key of b instanceof Map ? [] : Object.keys(b)) {
      if (!OBIS_KEY.test(key)) continue;
      const ch = channel(key, key);
      const unit = displayUnit(ch);
      if (unit === undefined) throw badValue(key, 'obis-flat carries only OBIS codes with a known unit (the OBIS table in docs/payload-formats.md)');
      if (seen.has(ch)) throw badValue(key, `${ch} appears twice under different spellings`);
      seen.add(ch);
      registers.push({ meterId, channel: ch, at, value: toStored(finite(get(b, key), key), factorFor(ch, unit, key), key) });
    }
    if (registers.length === 0) throw badValue('payload', 'no OBIS keys with values');
    return { series: [], registers, events: [] };
  },
};
