/** Simulated DLMS meters: each meter's COSEM object server over the fleet simulator's data, keys and clock drift. */
export { FleetDataSource, type FleetDataSourceOptions, type RegisterPair } from './data-source.ts';
export { createMeterObjects, isGetError, LN as SIM_METER_LN, type ActionOutcome, type GetResult, type MeterObjects, type MeterObjectsOptions } from './meter-objects.ts';
export { fleetKeyStoreData, meterDrift, meterKeys, simMeterIndex, simSystemTitle, SIM_MANUFACTURER, type ClockDrift, type SimMeterKeys } from './keys.ts';
export { createSimImageTransfer, simVerifyFails, SIM_IMAGE_BLOCK_SIZE, type SimActiveFirmware, type SimImageTransfer, type SimImageTransferOptions } from './image-transfer.ts';
