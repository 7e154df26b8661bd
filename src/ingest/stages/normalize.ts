import { QUALITY, isQualityFlag } from '../../model/quality.ts';
import { isValidIntervalLength } from '../../model/reading.ts';
import { channelInfo } from './channel-info.ts';
import { type CheckContext, type ItemFault, fault, futureProblem, isRecord, valueProblem } from './checks.ts';
import { GroupSet } from './points.ts';
import { parseTime } from './time-parse.ts';

/**
 * Stage 1: the canonical JSON batch (docs/ingest-format.md) → per-item checks → columnar point
 * groups. An item is accepted or rejected whole; nothing here throws on bad input.
 */
export interface NormalizeOutput {
  /** The batch's items as received, for reject rows. */
  readonly items: readonly unknown[];
  readonly groups: GroupSet;
  readonly faults: ItemFault[];
  /** Set when the message as a whole is not a batch. */
  readonly messageFault?: ItemFault;
}

export function normalize(body: unknown, ctx: CheckContext): NormalizeOutput {
  const groups = new GroupSet();
  const faults: ItemFault[] = [];
  if (!isRecord(body) || !Array.isArray(body.readings)) {
    return { items: [], groups, faults, messageFault: fault(-1, 'INGEST_MALFORMED', 'a batch is a JSON object {"readings": [item, …]}') };
  }
  const items = body.readings as unknown[];
  for (let i = 0; i < items.length; i++) {
    const f = normalizeItem(items[i], i, ctx, groups);
    if (f !== undefined) faults.push(f);
  }
  return { items, groups, faults };
}

/** Meter ids a batch mentions, so that the meter cache can be refreshed once per batch of messages. */
export function meterIdsOf(body: unknown, into: Set<string>): void {
  if (!isRecord(body) || !Array.isArray(body.readings)) return;
  for (const item of body.readings as unknown[]) {
    if (isRecord(item) && typeof item.meter === 'string') into.add(item.meter);
  }
}

type QualityOf = (k: number) => number;

function normalizeItem(item: unknown, index: number, ctx: CheckContext, groups: GroupSet): ItemFault | undefined {
  if (!isRecord(item)) return fault(index, 'INGEST_MALFORMED', 'an item is a JSON object');
  const { meter, channel, intervalS } = item;
  if (typeof meter !== 'string' || meter.length === 0) return fault(index, 'INGEST_MALFORMED', '"meter" must be a non-empty string', meter, channel);
  if (typeof channel !== 'string') return fault(index, 'INGEST_MALFORMED', '"channel" must be an OBIS code such as "1-0:1.8.0"', meter, channel);
  if (typeof intervalS !== 'number') return fault(index, 'INGEST_MALFORMED', '"intervalS" must be a number of seconds', meter, channel);
  const isSeries = item.values !== undefined;
  if (isSeries === (item.value !== undefined)) {
    return fault(index, 'INGEST_MALFORMED', 'an item has either "value" (one interval, with "end") or "values" (a series, with "start")', meter, channel);
  }
  const values = isSeries ? item.values : [item.value];
  if (!Array.isArray(values) || values.length === 0) return fault(index, 'INGEST_MALFORMED', '"values" must be a non-empty array', meter, channel);
  const timeField = isSeries ? 'start' : 'end';
  const t = parseTime(item[timeField]);
  if (t === undefined) return fault(index, 'INGEST_MALFORMED', `"${timeField}" must be RFC 3339 with an offset (2026-11-26T10:15:00Z) or epoch seconds`, meter, channel);
  const qualityOf = qualityReader(item.quality, values.length, isSeries);
  if (typeof qualityOf === 'string') return fault(index, 'INGEST_MALFORMED', qualityOf, meter, channel);

  const info = channelInfo(channel);
  if (info === undefined) return fault(index, 'OBIS_INVALID', `"${channel}" is not an OBIS code; expected A-B:C.D.E[.F] such as 1-0:1.8.0`, meter, channel);
  if (!ctx.isKnownMeter(meter)) return fault(index, 'INGEST_UNKNOWN_METER', `meter "${meter}" is not registered`, meter, channel);
  if (!isValidIntervalLength(intervalS)) return fault(index, 'INGEST_MISALIGNED', `interval length ${intervalS} s must divide a day and be 60..3600 s`, meter, channel);
  if (t % intervalS !== 0) return fault(index, 'INGEST_MISALIGNED', `${timeField} ${t} is not on the ${intervalS} s grid (UTC)`, meter, channel);
  const start = isSeries ? t : t - intervalS;
  const n = values.length;
  const future = futureProblem(start + n * intervalS, ctx);
  if (future !== undefined) return fault(index, 'INGEST_FUTURE', future, meter, channel);

  const g = groups.get(meter, info.obis, intervalS);
  const length0 = g.length;
  const increasing0 = g.increasing;
  for (let k = 0; k < n; k++) {
    const v = values[k] as unknown;
    const p = valueProblem(v, info.importOnly);
    if (p !== undefined) {
      g.truncate(length0, increasing0);
      return fault(index, p.code, isSeries ? `values[${k}]: ${p.why}` : p.why, meter, channel);
    }
    g.push(start + (k + 1) * intervalS, v as number, qualityOf(k), index);
  }
  // Last, because a yes claims the channel's interval length for the rest of the batch.
  if (!ctx.acceptsInterval(meter, info.obis, intervalS)) {
    g.truncate(length0, increasing0);
    return fault(index, 'INGEST_MISALIGNED', `channel ${info.obis} of meter "${meter}" holds intervals of another length than ${intervalS} s`, meter, channel);
  }
  return undefined;
}

const ACTUAL: QualityOf = () => QUALITY.A;
const CONSTANT: QualityOf[] = Object.values(QUALITY).map((code) => () => code);

/** A per-interval quality reader, or why the "quality" field is unusable. */
function qualityReader(q: unknown, n: number, isSeries: boolean): QualityOf | string {
  if (q === undefined) return ACTUAL;
  if (isQualityFlag(q)) return CONSTANT[QUALITY[q]]!;
  if (isSeries && Array.isArray(q)) {
    if (q.length !== n) return `"quality" has ${q.length} flags for ${n} values`;
    const codes = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const f = q[k] as unknown;
      if (!isQualityFlag(f)) return `quality[${k}] must be one of A S E F N V`;
      codes[k] = QUALITY[f];
    }
    return (k) => codes[k]!;
  }
  return `"quality" must be one of A S E F N V${isSeries ? ', or an array of them' : ''}`;
}
