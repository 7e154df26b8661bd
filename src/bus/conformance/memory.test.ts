import { createMemoryBus } from '../memory.ts';
import { runBusConformance } from './suite.ts';

runBusConformance({ name: 'memory', create: (opts) => createMemoryBus(opts) });
