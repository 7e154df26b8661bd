export * from './errors.ts';
export * from './obis.ts';
export * from './reading-type.ts';
export * from './quality.ts';
export * from './time.ts';
export * from './meter.ts';
export * from './reading.ts';
export * from './account.ts';
