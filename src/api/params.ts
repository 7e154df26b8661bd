import { isoToEpoch, MeterstackError, type EpochSeconds } from '../model/index.ts';

/** A query time the schema let through (RFC 3339) but the calendar does not know, e.g. 23:59:60. */
export function epochParam(name: string, iso: string): EpochSeconds {
  try {
    return isoToEpoch(iso);
  } catch {
    throw new MeterstackError('API_BAD_REQUEST', `"${name}" is not a valid ISO 8601 time with offset`, { details: { path: `querystring/${name}` } });
  }
}

export function rangeParams(q: { from: string; to: string }): { from: EpochSeconds; to: EpochSeconds } {
  return { from: epochParam('from', q.from), to: epochParam('to', q.to) };
}
