import { obis, type Obis } from '../../model/obis.ts';
import { obisDefinition } from '../../model/reading-type.ts';

export interface ChannelInfo {
  readonly obis: Obis;
  /** Cumulative import register: its interval deltas cannot be negative. */
  readonly importOnly: boolean;
}

const MAX_ENTRIES = 4096;
const cache = new Map<string, ChannelInfo | null>();

/**
 * Canonical OBIS and the checks its definition implies, memoised by spelling: a message of one
 * reading would otherwise run the OBIS regex and table lookup every time. Bounded because the
 * spellings come from clients; null caches "not an OBIS code".
 */
export function channelInfo(spelling: string): ChannelInfo | undefined {
  let info = cache.get(spelling);
  if (info === undefined) {
    info = compute(spelling);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(spelling, info);
  }
  return info ?? undefined;
}

function compute(spelling: string): ChannelInfo | null {
  let code: Obis;
  try {
    code = obis(spelling);
  } catch {
    return null;
  }
  const def = obisDefinition(code);
  return { obis: code, importOnly: def !== undefined && def.cumulative && def.direction === 'import' };
}
