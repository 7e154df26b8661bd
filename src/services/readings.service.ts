import {
  assertZone, MeterstackError, obis, seriesReadings,
  type Channel, type EpochSeconds, type IntervalReading, type IntervalSeries, type Meter,
} from '../model/index.ts';
import type { Page, Store } from '../store/store.port.ts';
import { offsetWindow, queryScope, type PageQuery } from './paging.ts';
import { alignRange, checkRange } from './range.ts';
import { bucketSeries, fillTotals, periodBuckets, type Aggregate, type BucketTotal } from './readings.rules.ts';

export interface ReadingsQuery {
  readonly meterId: string;
  readonly channel: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** IANA zone for local buckets and for how times are shown; the meter's own zone by default. */
  readonly zone?: string;
}

export interface AggregateQuery extends ReadingsQuery {
  readonly period: Aggregate;
}

export interface RawReadings extends Page<IntervalReading> {
  readonly meter: Meter;
  readonly channel: Channel;
  readonly zone: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
}

export interface AggregatedReadings extends Page<BucketTotal> {
  readonly meter: Meter;
  readonly channel: Channel;
  readonly period: Aggregate;
  readonly zone: string;
}

// A year of quarter-hours is 35,040 intervals per page walk; local day/month totals are computed by
// the store from blocks, so a decade of them stays cheap.
const MAX_DAYS = { raw: 366, hour: 366, day: 3660, month: 3660 } as const;

type ReadingPorts = Pick<Store, 'getMeter' | 'listChannels' | 'readSeries' | 'readRegisters' | 'localTotals'>;

export class ReadingsService {
  constructor(private readonly store: ReadingPorts) {}

  async raw(q: ReadingsQuery, page: PageQuery): Promise<RawReadings> {
    checkRange(q, MAX_DAYS.raw);
    const { meter, channel } = await this.resolve(q.meterId, q.channel);
    const zone = assertZone(q.zone ?? meter.timeZone);
    if (channel.intervalS === 0) return this.registers(q, meter, channel, zone, page);
    const { from, to } = alignRange(q, channel.intervalS);
    const total = (to - from) / channel.intervalS;
    const win = offsetWindow(queryScope('readings', [meter.id, channel.obis, from, to]), page, total);
    const wFrom = from + win.offset * channel.intervalS;
    const wTo = Math.min(to, wFrom + win.limit * channel.intervalS);
    const series = await this.store.readSeries(meter.id, channel.obis, wFrom, wTo);
    return { meter, channel, zone, from, to, items: [...seriesReadings(series)], total, next: win.next };
  }

  /** The latest version of an interval channel over [from, to) as one columnar series, for exports. */
  async series(q: ReadingsQuery): Promise<{ meter: Meter; channel: Channel; series: IntervalSeries }> {
    checkRange(q, MAX_DAYS.day);
    const { meter, channel } = await this.resolve(q.meterId, q.channel);
    if (channel.intervalS === 0) {
      throw new MeterstackError('QUERY_INVALID', `${channel.obis} is a register; only interval channels export as series`);
    }
    const { from, to } = alignRange(q, channel.intervalS);
    return { meter, channel, series: await this.store.readSeries(meter.id, channel.obis, from, to) };
  }

  async aggregate(q: AggregateQuery, page: PageQuery): Promise<AggregatedReadings> {
    checkRange(q, MAX_DAYS[q.period]);
    const { meter, channel } = await this.resolve(q.meterId, q.channel);
    if (channel.intervalS === 0) {
      throw new MeterstackError('QUERY_INVALID', `${channel.obis} is a register; only interval channels can be aggregated`);
    }
    const zone = assertZone(q.zone ?? meter.timeZone);
    const buckets = periodBuckets(q.from, q.to, zone, q.period);
    const from = buckets[0]!.start;
    const to = buckets[buckets.length - 1]!.end;
    const grid = alignRange({ from, to }, channel.intervalS);
    const all = q.period === 'hour'
      ? bucketSeries(await this.store.readSeries(meter.id, channel.obis, grid.from, grid.to), buckets)
      : fillTotals(buckets, await this.store.localTotals({
        meterIds: [meter.id], channel: channel.obis, from, to, zone, period: q.period, groupBy: 'all',
      }), channel.intervalS);
    const win = offsetWindow(queryScope('aggregate', [meter.id, channel.obis, from, to, zone, q.period]), page, all.length);
    return { meter, channel, period: q.period, zone, items: all.slice(win.offset, win.offset + win.limit), total: all.length, next: win.next };
  }

  private async registers(q: ReadingsQuery, meter: Meter, channel: Channel, zone: string, page: PageQuery): Promise<RawReadings> {
    const regs = await this.store.readRegisters(meter.id, channel.obis, q.from, q.to);
    const win = offsetWindow(queryScope('registers', [meter.id, channel.obis, q.from, q.to]), page, regs.length);
    const items: IntervalReading[] = regs.slice(win.offset, win.offset + win.limit).map((r) => ({
      meterId: r.meterId, channel: r.channel, end: r.at, intervalS: 0, value: r.value, quality: r.quality ?? 'A',
    }));
    return { meter, channel, zone, from: q.from, to: q.to, items, total: regs.length, next: win.next };
  }

  private async resolve(meterId: string, channelText: string): Promise<{ meter: Meter; channel: Channel }> {
    const code = obis(channelText);
    const meter = await this.store.getMeter(meterId);
    if (!meter) throw new MeterstackError('METER_NOT_FOUND', `no meter "${meterId}"`, { details: { meterId } });
    const channel = (await this.store.listChannels(meterId)).find((c) => c.obis === code);
    if (!channel) {
      throw new MeterstackError('CHANNEL_NOT_FOUND', `meter "${meterId}" has no channel ${channelText}`, { details: { meterId, channel: code } });
    }
    return { meter, channel };
  }
}
