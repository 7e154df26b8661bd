export type { Bus, BusMessage, BusStats, BatchHandler, ConsumeOptions, PublishOptions } from './port.ts';
export { createMemoryBus, type MemoryBusOptions } from './memory.ts';
