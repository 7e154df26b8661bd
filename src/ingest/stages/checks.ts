import type { ErrorCode } from '../../model/errors.ts';
import { MAX_VALUE } from '../../model/reading.ts';
import type { EpochSeconds } from '../../model/time.ts';

/** Why one item (or, with index -1, the whole message) was not accepted. */
export interface ItemFault {
  readonly index: number;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly meterId?: string;
  readonly channel?: string;
}

/** What item checks need from outside the message; snapshot per batch so stages stay pure. */
export interface CheckContext {
  readonly now: EpochSeconds;
  readonly futureToleranceS: number;
  isKnownMeter(id: string): boolean;
  /**
   * Whether the channel can take intervals of this length: the store keeps one length per
   * channel. A yes for a channel without one reserves it, so two items of one batch cannot
   * disagree and fail the whole transaction in the store.
   */
  acceptsInterval(meterId: string, channel: string, intervalS: number): boolean;
}

export function fault(index: number, code: ErrorCode, reason: string, meterId?: unknown, channel?: unknown): ItemFault {
  return {
    index, code, reason,
    ...(typeof meterId === 'string' ? { meterId } : {}),
    ...(typeof channel === 'string' ? { channel } : {}),
  };
}

/** The value check shared by JSON items and decoded series; undefined when fine. */
export function valueProblem(v: unknown, importOnly: boolean): { code: ErrorCode; why: string } | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_VALUE) {
    return { code: 'INGEST_BAD_VALUE', why: `${JSON.stringify(v) ?? String(v)} is not an integer within ±2^50 in the channel's stored unit` };
  }
  if (v < 0 && importOnly) return { code: 'INGEST_NEGATIVE_IMPORT', why: `${v} is negative on a cumulative import channel` };
  return undefined;
}

export function futureProblem(lastEnd: EpochSeconds, ctx: CheckContext): string | undefined {
  const limit = ctx.now + ctx.futureToleranceS;
  return lastEnd > limit ? `interval end ${lastEnd} is ${lastEnd - ctx.now} s past the receiving clock (tolerance ${ctx.futureToleranceS} s)` : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
