import { MeterstackError, obis, QUALITY, type EpochSeconds, type Meter, type Obis, type Phase } from '../model/index.ts';
import type { Store } from '../store/store.port.ts';
import type { Clock } from './clock.ts';
import { allPages } from './paging.ts';
import { alignRange, checkRange, type TimeRange } from './range.ts';

const IMPORT = obis('1-0:1.8.0');
const EXPORT = obis('1-0:2.8.0');
const VOLTAGE: Readonly<Record<'L1' | 'L2' | 'L3', Obis>> = { L1: obis('1-0:32.7.0'), L2: obis('1-0:52.7.0'), L3: obis('1-0:72.7.0') };
/** EN 50160: 10-minute mean RMS supply voltage within Un ± 10 % (230 V LV) for 95 % of the week. */
const NOMINAL_MV = 230_000;
const BAND_MV = 23_000;
const STEP = 900;

type GridPorts = Pick<Store, 'getTopology' | 'listMeters' | 'meterIds' | 'sumSeries' | 'readSeries' | 'listChannels'>;

export interface MapFeature {
  readonly type: 'Feature';
  readonly geometry: { readonly type: 'Point' | 'LineString' | 'Polygon'; readonly coordinates: unknown };
  readonly properties: Record<string, unknown>;
}

export interface GridMap {
  readonly type: 'FeatureCollection';
  /** [minLon, minLat, maxLon, maxLat] of the network, padded: the offline "base map" is this area's outline. */
  readonly bbox: readonly [number, number, number, number];
  readonly at: EpochSeconds;
  readonly features: readonly MapFeature[];
}

export interface TransformerDetail {
  readonly id: string;
  readonly feederId: string;
  readonly ratingKva: number;
  readonly meters: number;
  readonly metersByPhase: Readonly<Record<Phase, number>>;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Per interval: net load kW (import − export), its share of the rating, and the average and extreme voltages of L1–L3. */
  readonly points: readonly { start: EpochSeconds; kw: number | null; loading: number | null; vMin: number | null; vAvg: number | null; vMax: number | null }[];
  readonly peak: { readonly kw: number; readonly loading: number; readonly at: EpochSeconds } | null;
  /** Energy per phase (kWh) over the range; three-phase meters count a third on each. Unbalance = (max − min) / mean. */
  readonly phases: { readonly L1: number; readonly L2: number; readonly L3: number; readonly unbalance: number };
  /** Meter-intervals with a voltage reading, and the share outside 230 V ± 10 %. */
  readonly voltage: { readonly readings: number; readonly outside: number; readonly outsideShare: number; readonly minV: number | null; readonly maxV: number | null };
}

function round(n: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

/**
 * The low-voltage network for the console: a GeoJSON map (substation, feeders, transformers coloured
 * by loading, meters) that needs no tile server, and a transformer's load against its rating, its
 * phase balance and its voltage band.
 */
export class GridService {
  constructor(private readonly store: GridPorts, private readonly now: Clock) {}

  private allMeters(filter: { transformerId?: string } = {}): Promise<Meter[]> {
    return allPages((page) => this.store.listMeters(filter, page));
  }

  /** The network as GeoJSON; `meters: false` leaves the (many) meter points out. Loading is the last complete hour's. */
  async map(opts: { meters?: boolean } = {}): Promise<GridMap> {
    const topo = await this.store.getTopology();
    const at = Math.floor(this.now() / STEP) * STEP;
    const features: MapFeature[] = [];
    const placed = topo.transformers.filter((t) => t.lat !== undefined && t.lon !== undefined);
    const lats = placed.map((t) => t.lat!);
    const lons = placed.map((t) => t.lon!);
    const sub = placed.length ? [lons.reduce((a, b) => a + b, 0) / lons.length, lats.reduce((a, b) => a + b, 0) / lats.length] as const : [0, 0] as const;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [round(sub[0], 6), round(sub[1], 6)] }, properties: { kind: 'substation', id: topo.feeders[0]?.substation ?? 'substation' } });
    for (const f of topo.feeders) {
      const along = placed.filter((t) => t.feederId === f.id)
        .sort((a, b) => Math.hypot(a.lon! - sub[0], a.lat! - sub[1]) - Math.hypot(b.lon! - sub[0], b.lat! - sub[1]));
      if (along.length) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[sub[0], sub[1]], ...along.map((t) => [t.lon, t.lat])] }, properties: { kind: 'feeder', id: f.id, name: f.name } });
    }
    for (const t of placed) {
      const ids = await this.store.meterIds({ transformerId: t.id });
      let kw: number | null = null;
      if (ids.length) {
        const imp = await this.store.sumSeries(ids, IMPORT, at - 3600, at);
        const exp = await this.store.sumSeries(ids, EXPORT, at - 3600, at);
        let wh = 0, seen = 0;
        for (let i = 0; i < imp.series.values.length; i++) {
          if (imp.contributors[i]! > 0) { wh += imp.series.values[i]! - (exp.series.values[i] ?? 0); seen++; }
        }
        if (seen > 0) kw = round((wh / seen) * (3600 / STEP) / 1000);
      }
      features.push({
        type: 'Feature', geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
        properties: { kind: 'transformer', id: t.id, feederId: t.feederId, ratingKva: t.ratingKva, meters: ids.length, kw, loading: kw === null ? null : round(kw / t.ratingKva, 3) },
      });
    }
    if (opts.meters !== false) {
      for (const m of await this.allMeters()) {
        if (m.lat === undefined || m.lon === undefined) continue;
        lats.push(m.lat);
        lons.push(m.lon);
        features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [m.lon, m.lat] }, properties: { kind: 'meter', id: m.id, transformerId: m.grid?.transformerId ?? null, phase: m.grid?.phase ?? null, status: m.status } });
      }
    }
    // Customers sit within a few hundred metres of their transformer: without the meters (fleet zoom) the
    // outline still has to hold them, so it is padded by about 600 m.
    const pad = opts.meters === false ? 0.006 : 0.002;
    const bbox = lats.length
      ? [round(Math.min(...lons) - pad, 6), round(Math.min(...lats) - pad, 6), round(Math.max(...lons) + pad, 6), round(Math.max(...lats) + pad, 6)] as const
      : [0, 0, 0, 0] as const;
    features.unshift({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[2], bbox[3]], [bbox[0], bbox[3]], [bbox[0], bbox[1]]]] }, properties: { kind: 'area' } });
    return { type: 'FeatureCollection', bbox, at, features };
  }

  async transformer(id: string, range: TimeRange): Promise<TransformerDetail> {
    checkRange(range, 31);
    const topo = await this.store.getTopology();
    const t = topo.transformers.find((x) => x.id === id);
    if (!t) throw new MeterstackError('TRANSFORMER_NOT_FOUND', `no transformer "${id}"`, { details: { transformerId: id } });
    const { from, to } = alignRange(range, STEP);
    const n = (to - from) / STEP;
    const meters = await this.allMeters({ transformerId: id });
    const byPhase: Record<Phase, number> = { L1: 0, L2: 0, L3: 0, '3ph': 0 };
    for (const m of meters) byPhase[m.grid?.phase ?? '3ph']++;
    const kw = new Float64Array(n);
    const has = new Uint8Array(n);
    const vMin = new Float64Array(n).fill(Infinity);
    const vMax = new Float64Array(n).fill(-Infinity);
    const vSum = new Float64Array(n);
    const vCount = new Uint32Array(n);
    const phaseWh = { L1: 0, L2: 0, L3: 0 };
    let readings = 0, outside = 0;
    for (const m of meters) {
      const channels = new Set((await this.store.listChannels(m.id)).map((c) => c.obis));
      const imp = await this.store.readSeries(m.id, IMPORT, from, to);
      const exp = channels.has(EXPORT) ? await this.store.readSeries(m.id, EXPORT, from, to) : undefined;
      let whTotal = 0;
      for (let i = 0; i < n; i++) {
        if (imp.quality[i] === QUALITY.N) continue;
        const net = imp.values[i]! - (exp && exp.quality[i] !== QUALITY.N ? exp.values[i]! : 0);
        kw[i] += (net * (3600 / STEP)) / 1000;
        has[i] = 1;
        whTotal += imp.values[i]!;
      }
      const phase = m.grid?.phase;
      if (phase === 'L1' || phase === 'L2' || phase === 'L3') phaseWh[phase] += whTotal;
      else for (const p of ['L1', 'L2', 'L3'] as const) phaseWh[p] += whTotal / 3;
      for (const code of Object.values(VOLTAGE)) {
        if (!channels.has(code)) continue;
        const v = await this.store.readSeries(m.id, code, from, to);
        for (let i = 0; i < n; i++) {
          if (v.quality[i] === QUALITY.N) continue;
          const mv = v.values[i]!;
          readings++;
          if (Math.abs(mv - NOMINAL_MV) > BAND_MV) outside++;
          vSum[i] += mv;
          vCount[i]++;
          if (mv < vMin[i]!) vMin[i] = mv;
          if (mv > vMax[i]!) vMax[i] = mv;
        }
      }
    }
    let peak: TransformerDetail['peak'] = null;
    const points = Array.from({ length: n }, (_, i) => {
      const k = has[i] ? round(kw[i]!) : null;
      if (k !== null && (peak === null || k > peak.kw)) peak = { kw: k, loading: round(k / t.ratingKva, 3), at: from + i * STEP };
      return {
        start: from + i * STEP, kw: k, loading: k === null ? null : round(k / t.ratingKva, 3),
        vMin: vCount[i] ? round(vMin[i]! / 1000, 1) : null, vAvg: vCount[i] ? round(vSum[i]! / vCount[i]! / 1000, 1) : null, vMax: vCount[i] ? round(vMax[i]! / 1000, 1) : null,
      };
    });
    const ph = [phaseWh.L1, phaseWh.L2, phaseWh.L3];
    const mean = (ph[0]! + ph[1]! + ph[2]!) / 3;
    const vals = points.flatMap((p) => (p.vMin === null ? [] : [p.vMin, p.vMax!]));
    return {
      id, feederId: t.feederId, ratingKva: t.ratingKva, meters: meters.length, metersByPhase: byPhase, from, to, points, peak,
      phases: { L1: round(phaseWh.L1 / 1000, 3), L2: round(phaseWh.L2 / 1000, 3), L3: round(phaseWh.L3 / 1000, 3), unbalance: mean > 0 ? round((Math.max(...ph) - Math.min(...ph)) / mean, 3) : 0 },
      voltage: { readings, outside, outsideShare: readings ? round(outside / readings, 4) : 0, minV: vals.length ? Math.min(...vals) : null, maxV: vals.length ? Math.max(...vals) : null },
    };
  }
}
