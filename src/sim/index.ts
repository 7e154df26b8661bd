/** Fleet simulator: a seeded, realistic smart-meter fleet that produces canonical series, registers and events. */
export { createFleet, meterId, type Fleet, type FleetOptions } from './fleet.ts';
export { FleetSimulator, type SimOutput, type SimulatorOptions } from './simulator.ts';
export { OBIS_EXPORT, OBIS_IMPORT, OBIS_VOLTAGE } from './channels.ts';
export { POWER_DOWN, POWER_UP, OUTAGES_PER_YEAR, type Outage } from './events.ts';
export { NOMINAL_V } from './voltage.ts';
export { sunElevationDeg } from './sun.ts';
export { RATINGS_KVA } from './topology.ts';
export type {
  BusinessProfile, EvProfile, GridProfile, HeatPumpProfile, HouseholdProfile, MeterProfile, PvProfile, TransformerProfile,
} from './profiles/types.ts';
export * from './dlms/index.ts';
