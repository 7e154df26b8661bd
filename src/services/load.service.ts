import {
  COMMODITY, MeterstackError, obis, obisDefinition, qualityFlag,
  type EpochSeconds, type MeterKind, type Obis, type QualityFlag, type StoredUnit,
} from '../model/index.ts';
import type { MeterFilter, Store } from '../store/store.port.ts';
import { alignRange, checkRange, type TimeRange } from './range.ts';

export const ACTIVE_IMPORT = obis('1-0:1.8.0');

export interface LoadPoint {
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** Sum over the set, in the channel's stored unit (Wh for energy). */
  readonly value: number;
  /** Meters that had an actual or estimated value for this interval. */
  readonly contributors: number;
  /** Worst quality among the contributing intervals. */
  readonly quality: QualityFlag;
}

export interface Load {
  readonly channel: Obis;
  readonly unit: StoredUnit | undefined;
  readonly intervalS: number;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Meters in the set, whether or not they reported. */
  readonly meters: number;
  readonly points: readonly LoadPoint[];
  /** End of the newest interval any meter of the set reported, or null. */
  readonly latest: EpochSeconds | null;
}

const MAX_DAYS = 92;
const DEFAULT_INTERVAL_S = 900;

type LoadPorts = Pick<Store, 'meterIds' | 'sumSeries' | 'getTopology' | 'listChannels'>;

/** Totals of a set of meters per interval: a transformer's or feeder's load, or the whole fleet's. */
export class LoadService {
  constructor(private readonly store: LoadPorts) {}

  async transformer(id: string, range: TimeRange, channel: string = ACTIVE_IMPORT): Promise<Load> {
    const topo = await this.store.getTopology();
    if (!topo.transformers.some((t) => t.id === id)) {
      throw new MeterstackError('TRANSFORMER_NOT_FOUND', `no transformer "${id}"`, { details: { transformerId: id } });
    }
    return this.sum({ transformerId: id }, range, obis(channel));
  }

  async feeder(id: string, range: TimeRange, channel: string = ACTIVE_IMPORT): Promise<Load> {
    const topo = await this.store.getTopology();
    if (!topo.feeders.some((f) => f.id === id)) {
      throw new MeterstackError('FEEDER_NOT_FOUND', `no feeder "${id}"`, { details: { feederId: id } });
    }
    return this.sum({ feederId: id }, range, obis(channel));
  }

  async fleet(range: TimeRange, channel: string = ACTIVE_IMPORT): Promise<Load> {
    const code = obis(channel);
    const kind = commodityKind(code);
    return this.sum(kind ? { kind } : {}, range, code);
  }

  private async sum(filter: MeterFilter, range: TimeRange, channel: Obis): Promise<Load> {
    checkRange(range, MAX_DAYS);
    const unit = obisDefinition(channel)?.unit;
    const ids = await this.store.meterIds(filter);
    if (ids.length === 0) {
      const { from, to } = alignRange(range, DEFAULT_INTERVAL_S);
      return { channel, unit, intervalS: DEFAULT_INTERVAL_S, from, to, meters: 0, points: [], latest: null };
    }
    // The store reads on the channel's grid; its interval length is what the first meter has.
    const intervalS = (await this.store.listChannels(ids[0]!)).find((c) => c.obis === channel)?.intervalS || DEFAULT_INTERVAL_S;
    const grid = alignRange(range, intervalS);
    const { series, contributors } = await this.store.sumSeries(ids, channel, grid.from, grid.to);
    const points: LoadPoint[] = [];
    let latest: EpochSeconds | null = null;
    for (let i = 0; i < series.values.length; i++) {
      const start = series.start + i * series.intervalS;
      const n = contributors[i] ?? 0;
      if (n > 0) latest = start + series.intervalS;
      points.push({ start, end: start + series.intervalS, value: series.values[i]!, contributors: n, quality: qualityFlag(series.quality[i]!) });
    }
    const to = series.start + series.values.length * series.intervalS;
    return { channel, unit, intervalS: series.intervalS, from: series.start, to, meters: ids.length, points, latest };
  }
}

function commodityKind(channel: Obis): MeterKind | undefined {
  const c = obisDefinition(channel)?.commodity;
  if (c === COMMODITY.electricity) return 'electricity';
  if (c === COMMODITY.naturalGas) return 'gas';
  if (c === COMMODITY.potableWater) return 'water';
  return undefined;
}
