import { QUALITY } from '../../model/quality.ts';
import { type IntervalSeries, MAX_VALUE, assertSeries, isValidIntervalLength } from '../../model/reading.ts';
import type { MeterEvent, RegisterReading } from '../../model/reading.ts';
import { channelInfo } from './channel-info.ts';
import { type CheckContext, type ItemFault, fault, futureProblem, valueProblem } from './checks.ts';
import { GroupSet } from './points.ts';

/**
 * Stage 1 for data a codec or the simulator already decoded: the same checks as for JSON items,
 * per series, then model `assertSeries` as the last gate. Item indexes run over series first,
 * then registers, then events (docs/ingest-format.md).
 */
export interface DecodedCheckOutput {
  readonly series: IntervalSeries[];
  /** Series of one meter/channel that overlap, handed to dedupe as points. */
  readonly overlapping: GroupSet;
  readonly registers: RegisterReading[];
  readonly events: MeterEvent[];
  readonly faults: ItemFault[];
}

export function checkDecoded(
  series: readonly IntervalSeries[], registers: readonly RegisterReading[], events: readonly MeterEvent[], ctx: CheckContext,
): DecodedCheckOutput {
  const faults: ItemFault[] = [];
  const good: IntervalSeries[] = [];
  const index: number[] = [];
  series.forEach((s, i) => {
    const checked = checkSeries(s, i, ctx);
    if ('code' in checked) faults.push(checked);
    else if (checked.values.length > 0) { good.push(checked); index.push(i); }
  });
  const { plain, overlapping } = splitOverlaps(good, index);
  const base = series.length;
  const regs = registers.filter((r, j) => keep(checkRegister(r, base + j, ctx), faults));
  const evs = events.filter((e, j) => keep(checkEvent(e, base + registers.length + j, ctx), faults));
  return { series: plain, overlapping, registers: regs, events: evs, faults };
}

function keep(f: ItemFault | undefined, faults: ItemFault[]): boolean {
  if (f !== undefined) faults.push(f);
  return f === undefined;
}

function checkSeries(s: IntervalSeries, i: number, ctx: CheckContext): IntervalSeries | ItemFault {
  const bad = (code: Parameters<typeof fault>[1], why: string): ItemFault => fault(i, code, `series ${i}: ${why}`, s?.meterId, s?.channel);
  if (typeof s !== 'object' || s === null || !(s.values instanceof Float64Array) || !(s.quality instanceof Uint8Array)) {
    return bad('INGEST_MALFORMED', 'a series has Float64Array values and Uint8Array quality');
  }
  if (typeof s.meterId !== 'string' || typeof s.channel !== 'string') return bad('INGEST_MALFORMED', 'meterId and channel must be strings');
  const info = channelInfo(s.channel);
  if (info === undefined) return bad('OBIS_INVALID', `"${s.channel}" is not an OBIS code`);
  if (!ctx.isKnownMeter(s.meterId)) return bad('INGEST_UNKNOWN_METER', `meter "${s.meterId}" is not registered`);
  if (!isValidIntervalLength(s.intervalS)) return bad('INGEST_MISALIGNED', `interval length ${s.intervalS} s must divide a day and be 60..3600 s`);
  if (!Number.isInteger(s.start) || s.start < 0 || s.start % s.intervalS !== 0) return bad('INGEST_MISALIGNED', `start ${s.start} is not on the ${s.intervalS} s grid`);
  if (s.quality.length !== s.values.length) return bad('SERIES_INVALID', `${s.quality.length} quality codes for ${s.values.length} values`);
  const future = futureProblem(s.start + s.values.length * s.intervalS, ctx);
  if (future !== undefined) return bad('INGEST_FUTURE', future);
  for (let k = 0; k < s.values.length; k++) {
    const v = s.values[k]!;
    // Inline fast test first: this loop sees every value of the simulator's bulk history.
    if (Number.isInteger(v) && v <= MAX_VALUE && v >= (info.importOnly ? 0 : -MAX_VALUE) && s.quality[k]! <= QUALITY.V) continue;
    const p = valueProblem(v, info.importOnly);
    if (p !== undefined) return bad(p.code, `values[${k}]: ${p.why}`);
    return bad('SERIES_INVALID', `quality code ${s.quality[k]} at index ${k}`);
  }
  const out = info.obis === s.channel ? s : { ...s, channel: info.obis };
  try {
    assertSeries(out);
  } catch (err) {
    return bad('SERIES_INVALID', (err as Error).message);
  }
  // Last, because a yes claims the channel's interval length for the rest of the batch.
  if (!ctx.acceptsInterval(s.meterId, info.obis, s.intervalS)) return bad('INGEST_MISALIGNED', `channel ${info.obis} holds intervals of another length than ${s.intervalS} s`);
  return out;
}

/** Overlaps within one message are rare; only then do the series go through dedupe's point path. */
function splitOverlaps(series: IntervalSeries[], index: number[]): { plain: IntervalSeries[]; overlapping: GroupSet } {
  const overlapping = new GroupSet();
  const byKey = new Map<string, number[]>();
  series.forEach((s, k) => {
    const key = `${s.meterId}\u0000${s.channel}\u0000${s.intervalS}`;
    const list = byKey.get(key);
    if (list) list.push(k); else byKey.set(key, [k]);
  });
  const moved = new Set<number>();
  for (const list of byKey.values()) {
    if (list.length < 2 || !overlaps(list.map((k) => series[k]!))) continue;
    for (const k of list) {
      const s = series[k]!;
      const g = overlapping.get(s.meterId, s.channel, s.intervalS);
      for (let j = 0; j < s.values.length; j++) g.push(s.start + (j + 1) * s.intervalS, s.values[j]!, s.quality[j]!, index[k]!, s.reason?.[j] ?? 0);
      moved.add(k);
    }
  }
  return { plain: moved.size === 0 ? series : series.filter((_, k) => !moved.has(k)), overlapping };
}

function overlaps(list: IntervalSeries[]): boolean {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    if (sorted[k]!.start < prev.start + prev.values.length * prev.intervalS) return true;
  }
  return false;
}

function checkRegister(r: RegisterReading, i: number, ctx: CheckContext): ItemFault | undefined {
  const bad = (code: Parameters<typeof fault>[1], why: string): ItemFault => fault(i, code, `register: ${why}`, r?.meterId, r?.channel);
  if (typeof r?.meterId !== 'string' || typeof r.channel !== 'string') return bad('INGEST_MALFORMED', 'meterId and channel must be strings');
  const info = channelInfo(r.channel);
  if (info === undefined) return bad('OBIS_INVALID', `"${r.channel}" is not an OBIS code`);
  if (!ctx.isKnownMeter(r.meterId)) return bad('INGEST_UNKNOWN_METER', `meter "${r.meterId}" is not registered`);
  if (!Number.isInteger(r.at) || r.at < 0) return bad('INGEST_MALFORMED', `timestamp ${r.at} is not epoch seconds`);
  const future = futureProblem(r.at, ctx);
  if (future !== undefined) return bad('INGEST_FUTURE', future);
  const p = valueProblem(r.value, info.importOnly);
  return p === undefined ? undefined : bad(p.code, p.why);
}

function checkEvent(e: MeterEvent, i: number, ctx: CheckContext): ItemFault | undefined {
  const bad = (code: Parameters<typeof fault>[1], why: string): ItemFault => fault(i, code, `event: ${why}`, e?.meterId);
  if (typeof e?.meterId !== 'string' || !Number.isInteger(e.code)) return bad('INGEST_MALFORMED', 'an event has a meterId string and an integer code');
  if (!ctx.isKnownMeter(e.meterId)) return bad('INGEST_UNKNOWN_METER', `meter "${e.meterId}" is not registered`);
  if (!Number.isInteger(e.at) || e.at < 0) return bad('INGEST_MALFORMED', `timestamp ${e.at} is not epoch seconds`);
  const future = futureProblem(e.at, ctx);
  return future === undefined ? undefined : bad('INGEST_FUTURE', future);
}
