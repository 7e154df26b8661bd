import type { EpochSeconds } from '../model/index.ts';

/** Injected so tests can pin "now"; services never read the wall clock directly. */
export type Clock = () => EpochSeconds;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
