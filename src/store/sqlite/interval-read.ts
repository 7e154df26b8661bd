import type Database from 'better-sqlite3';
import { DAY_S, MeterstackError, QUALITY, obis, type IntervalSeries, type Obis } from '../../model/index.ts';
import type { LocalTotal, LocalTotalsQuery, SeriesVersion, SumResult } from '../store.port.ts';
import { decodeBlockInto } from '../blocks/index.ts';
import { IntervalSum, addBucketTotals, clippedBuckets, newAcc, type BucketAcc } from '../common/aggregate.ts';
import { decodeDay } from '../common/day-block.ts';
import type { ChannelInfo, ChannelRegistry } from './channels.ts';

/** The grid used for a channel nobody has written yet: every interval of it is N anyway. */
export const DEFAULT_INTERVAL_S = 900;

type RangeRow = [day: number, data: Uint8Array];
type VersionRow = [day: number, version: number, recordedAt: number, data: Uint8Array];

interface Arrays { values: Float64Array; quality: Uint8Array; reason: Uint8Array }

function missing(n: number): Arrays {
  return { values: new Float64Array(n), quality: new Uint8Array(n).fill(QUALITY.N), reason: new Uint8Array(n) };
}

function reset(a: Arrays): void {
  a.values.fill(0);
  a.quality.fill(QUALITY.N);
  a.reason.fill(0);
}

function checkGrid(from: number, to: number, intervalS: number): number {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from % intervalS !== 0 || to % intervalS !== 0 || to < from) {
    throw new MeterstackError('SERIES_INVALID', `range [${from}, ${to}) must lie on the ${intervalS}s interval grid, from ≤ to`);
  }
  return (to - from) / intervalS;
}

/** Reads decode stored blocks straight into the result arrays: one query per channel and range. */
export class IntervalReader {
  private readonly range;
  private readonly versions;

  constructor(db: Database.Database, private readonly channels: ChannelRegistry) {
    this.range = db.prepare<[number, number, number]>('SELECT day, data FROM interval_blocks WHERE channel_id = ? AND day >= ? AND day < ?').raw();
    this.versions = db.prepare<[number, number, number, number, number, number]>(
      `SELECT day, version, recorded_at, data FROM interval_block_history WHERE channel_id = ? AND day >= ? AND day < ?
       UNION ALL SELECT day, version, recorded_at, data FROM interval_blocks WHERE channel_id = ? AND day >= ? AND day < ?
       ORDER BY 1, 2`,
    ).raw();
  }

  private channel(meterId: string, code: string): ChannelInfo | undefined {
    const ch = this.channels.find(meterId, code);
    return ch !== undefined && ch.intervalS > 0 ? ch : undefined;
  }

  /** Fills arrays (pre-set to N) covering [from, from + n·intervalS); true if any reason code is set. */
  private readInto(ch: ChannelInfo, from: number, a: Arrays): boolean {
    const I = ch.intervalS;
    const to = from + a.values.length * I;
    let reasons = false;
    for (const [day, data] of this.range.all(ch.id, Math.floor(from / DAY_S), Math.ceil(to / DAY_S)) as RangeRow[]) {
      reasons = decodeBlockInto(data, a.values, a.quality, a.reason, (day * DAY_S - from) / I, I).reasons || reasons;
    }
    return reasons;
  }

  readSeries(meterId: string, code: Obis, from: number, to: number): IntervalSeries {
    const channel = obis(code);
    const ch = this.channel(meterId, channel);
    const intervalS = ch?.intervalS ?? DEFAULT_INTERVAL_S;
    const a = missing(checkGrid(from, to, intervalS));
    const reasons = ch !== undefined && this.readInto(ch, from, a);
    return { meterId, channel, start: from, intervalS, values: a.values, quality: a.quality, ...(reasons ? { reason: a.reason } : {}) };
  }

  readVersions(meterId: string, code: Obis, from: number, to: number): SeriesVersion[] {
    const channel = obis(code);
    const ch = this.channel(meterId, channel);
    if (ch === undefined || to <= from) return [];
    const days = [ch.id, Math.floor(from / DAY_S), Math.ceil(to / DAY_S)] as const;
    const rows = this.versions.all(...days, ...days) as VersionRow[];
    return rows.map(([day, version, recordedAt, data]) => {
      const d = decodeDay(data, ch.intervalS);
      const reasons = d.reason.some((r) => r !== 0);
      const series: IntervalSeries = {
        meterId, channel, start: day * DAY_S, intervalS: ch.intervalS, values: d.values, quality: d.quality, ...(reasons ? { reason: d.reason } : {}),
      };
      return { day: day * DAY_S, version, recordedAt, series };
    });
  }

  sumSeries(meterIds: readonly string[], code: Obis, from: number, to: number): SumResult {
    const channel = obis(code);
    const chs = [...new Set(meterIds)].map((id) => this.channel(id, channel)).filter((c): c is ChannelInfo => c !== undefined);
    const intervalS = chs[0]?.intervalS ?? DEFAULT_INTERVAL_S;
    const other = chs.find((c) => c.intervalS !== intervalS);
    if (other !== undefined) {
      throw new MeterstackError('STORE_CONFLICT', `cannot sum ${channel}: ${chs[0]!.meterId} has ${intervalS}s intervals, ${other.meterId} ${other.intervalS}s`);
    }
    const n = checkGrid(from, to, intervalS);
    const sum = new IntervalSum(n);
    const a = missing(n);
    for (const ch of chs) {
      reset(a);
      this.readInto(ch, from, a);
      sum.add(a.values, a.quality);
    }
    return { series: { meterId: '*', channel, start: from, intervalS, values: sum.values, quality: sum.quality() }, contributors: sum.contributors };
  }

  /**
   * Totals per local day or month, cut to [from, to). Meters without the channel are left out. For
   * groupBy 'all', intervals and expected add up over the meters, so their ratio stays completeness.
   */
  localTotals(q: LocalTotalsQuery): LocalTotal[] {
    const channel = obis(q.channel);
    const buckets = clippedBuckets(q.from, q.to, q.zone, q.period);
    const out: LocalTotal[] = [];
    const emit = (meterId: string, acc: BucketAcc[]): void => {
      buckets.forEach((b, i) => out.push({ meterId, label: b.label, start: b.start, end: b.end, ...acc[i]! }));
    };
    if (buckets.length === 0) return out;
    const all = newAcc(buckets.length);
    let a: Arrays | undefined;
    for (const meterId of q.meterIds) {
      const ch = this.channel(meterId, channel);
      if (ch === undefined) continue;
      const I = ch.intervalS;
      const gridStart = Math.ceil(q.from / I) * I;
      const n = Math.ceil(q.to / I) - gridStart / I;
      if (a === undefined || a.values.length !== n) a = missing(n);
      else reset(a);
      this.readInto(ch, gridStart, a);
      const acc = q.groupBy === 'meter' ? newAcc(buckets.length) : all;
      addBucketTotals(a.values, a.quality, gridStart, I, buckets, acc);
      if (q.groupBy === 'meter') emit(meterId, acc);
    }
    if (q.groupBy === 'all') emit('*', all);
    return out;
  }
}
