import { MAX_VALUE, type Obis, type StoredUnit, obisDefinition } from '../../model/index.ts';
import { badValue, describe } from './fields.ts';

/**
 * Units devices write → the canonical stored unit and the factor to it. Vendors send kWh with
 * decimals; we store Wh integers, mV, mA, mHz, litres and permille (model/reading-type.ts).
 */
const UNIT_TABLE: Record<string, { readonly stored: StoredUnit; readonly factor: number }> = {
  Wh: { stored: 'Wh', factor: 1 }, kWh: { stored: 'Wh', factor: 1e3 }, MWh: { stored: 'Wh', factor: 1e6 },
  varh: { stored: 'varh', factor: 1 }, kvarh: { stored: 'varh', factor: 1e3 }, Mvarh: { stored: 'varh', factor: 1e6 },
  W: { stored: 'W', factor: 1 }, kW: { stored: 'W', factor: 1e3 }, MW: { stored: 'W', factor: 1e6 },
  var: { stored: 'var', factor: 1 }, kvar: { stored: 'var', factor: 1e3 },
  V: { stored: 'mV', factor: 1e3 }, mV: { stored: 'mV', factor: 1 },
  A: { stored: 'mA', factor: 1e3 }, mA: { stored: 'mA', factor: 1 },
  Hz: { stored: 'mHz', factor: 1e3 }, mHz: { stored: 'mHz', factor: 1 },
  m3: { stored: 'L', factor: 1e3 }, L: { stored: 'L', factor: 1 },
  PF: { stored: 'permille', factor: 1e3 }, permille: { stored: 'permille', factor: 1 },
};

export const KNOWN_UNITS: readonly string[] = Object.keys(UNIT_TABLE);

/** The display unit of each stored unit, as obis-flat payloads carry values (kWh, V, m3 …). */
const DISPLAY: Record<StoredUnit, string> = { Wh: 'kWh', varh: 'kvarh', W: 'kW', var: 'kvar', mV: 'V', mA: 'A', mHz: 'Hz', L: 'm3', permille: 'PF' };

/** Factor from `unit` to the stored unit of `channel`; the unit must fit the channel's quantity. */
export function factorFor(channel: Obis, unit: unknown, path: string): number {
  const u = typeof unit === 'string' && Object.hasOwn(UNIT_TABLE, unit) ? UNIT_TABLE[unit]! : undefined;
  if (u === undefined) throw badValue(path, `unit ${describe(unit)} is not one of ${KNOWN_UNITS.join(', ')}`);
  const def = obisDefinition(channel);
  if (def !== undefined && def.unit !== u.stored) throw badValue(path, `unit ${unit as string} does not fit ${channel} (${def.name}, stored in ${def.unit})`);
  return u.factor;
}

/** The display unit for a known channel (kWh for energy …), or undefined for a code not in the table. */
export function displayUnit(channel: Obis): string | undefined {
  const def = obisDefinition(channel);
  return def === undefined ? undefined : DISPLAY[def.unit];
}

/** A device's number × factor → an integer in the stored unit (rounded to the nearest unit). */
export function toStored(v: number, factor: number, path: string): number {
  const x = Math.round(v * factor);
  if (!Number.isFinite(x) || Math.abs(x) > MAX_VALUE) throw badValue(path, `${describe(v)} is beyond ±2^50 in the stored unit`);
  // -0 would survive in a Float64Array and compare unequal in byte-wise tests.
  return x === 0 ? 0 : x;
}
