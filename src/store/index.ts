export type * from './store.port.ts';
