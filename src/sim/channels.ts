import { obis, obisDefinition, readingTypeCode, type Channel, type Obis } from '../model/index.ts';
import { INTERVAL_S } from './clock.ts';

export const OBIS_IMPORT = obis('1-0:1.8.0');
export const OBIS_EXPORT = obis('1-0:2.8.0');
/** Voltage L1, L2, L3. A single-phase meter reports its one voltage as L1 (32.7.0), whichever network phase it is on. */
export const OBIS_VOLTAGE: readonly Obis[] = [obis('1-0:32.7.0'), obis('1-0:52.7.0'), obis('1-0:72.7.0')];

export type ChannelKey = 'import' | 'export' | 'voltageL1' | 'voltageL2' | 'voltageL3';

function spec(code: Obis): Omit<Channel, 'meterId'> {
  const def = obisDefinition(code);
  if (!def) throw new Error(`OBIS ${code} is missing from the model's table`);
  return { obis: code, unit: def.unit, intervalS: INTERVAL_S, readingType: readingTypeCode(def, INTERVAL_S) };
}

export const CHANNEL_SPECS: Readonly<Record<ChannelKey, Omit<Channel, 'meterId'>>> = {
  import: spec(OBIS_IMPORT),
  export: spec(OBIS_EXPORT),
  voltageL1: spec(OBIS_VOLTAGE[0]!),
  voltageL2: spec(OBIS_VOLTAGE[1]!),
  voltageL3: spec(OBIS_VOLTAGE[2]!),
};

/** The interval channels a meter carries: export only with PV, L2/L3 voltage only on three phases. */
export function meterChannelSpecs(pv: boolean, threePhase: boolean): ChannelKey[] {
  const keys: ChannelKey[] = ['import'];
  if (pv) keys.push('export');
  keys.push('voltageL1');
  if (threePhase) keys.push('voltageL2', 'voltageL3');
  return keys;
}
