import type { Feeder, Phase, Topology, Transformer } from '../model/index.ts';
import { Rng, STREAM } from './prng.ts';
import type { TransformerProfile } from './profiles/types.ts';

/** Standard distribution-transformer ratings, kVA. */
export const RATINGS_KVA = [100, 160, 250, 400, 630] as const;

const M_PER_DEG_LAT = 111_320;

/** What topology needs to know of each meter to place and size it. */
export interface MeterDemand {
  readonly threePhase: boolean;
  /** After-diversity peak import and peak reverse (PV) power it adds at the transformer, W. */
  readonly designImportW: number;
  readonly designExportW: number;
}

export interface MeterPlacement {
  readonly transformerIndex: number;
  readonly feederIndex: number;
  readonly phase: Phase;
  readonly lat: number;
  readonly lon: number;
  readonly lvPositionM: number;
}

export interface Network {
  readonly topology: Topology;
  readonly transformers: readonly TransformerProfile[];
  readonly placements: readonly MeterPlacement[];
}

/** Groups of 30–120 consecutive meters, none left smaller than 30 when there are enough meters. */
function groupSizes(rng: Rng, n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    const s = Math.min(left, 30 + rng.int(91));
    sizes.push(s);
    left -= s;
  }
  const last = sizes.length - 1;
  if (last > 0 && sizes[last]! < 30) {
    const total = sizes[last - 1]! + sizes[last]!;
    if (total <= 120) sizes.splice(last - 1, 2, total);
    else sizes.splice(last - 1, 2, Math.ceil(total / 2), Math.floor(total / 2));
  }
  return sizes;
}

/** The smallest standard rating that carries the design load at 80 % (pf 0.95), or the largest. */
export function chooseRating(designW: number): number {
  const needKva = designW / 0.95 / 0.8 / 1000;
  return RATINGS_KVA.find((r) => r >= needKva) ?? RATINGS_KVA[RATINGS_KVA.length - 1]!;
}

/**
 * Radial network around a substation at the centre: feeders leave in different directions, each
 * with 3–8 transformers along it; each transformer's customers are clustered within a few hundred
 * metres, reached by LV cables whose length sets how far down the voltage profile they sit.
 */
export function buildNetwork(seed: number, demands: readonly MeterDemand[], center: { lat: number; lon: number }): Network {
  const rng = new Rng(seed, 0, 0, STREAM.topology);
  const sizes = groupSizes(rng, demands.length);
  const feederSizes: number[] = [];
  for (let left = sizes.length; left > 0;) {
    const s = Math.min(left, 3 + rng.int(6));
    feederSizes.push(s);
    left -= s;
  }
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((center.lat * Math.PI) / 180);
  const at = (east: number, north: number): { lat: number; lon: number } => ({
    lat: Math.round((center.lat + north / M_PER_DEG_LAT) * 1e6) / 1e6,
    lon: Math.round((center.lon + east / mPerDegLon) * 1e6) / 1e6,
  });

  const feeders: Feeder[] = [];
  const txTopo: Transformer[] = [];
  const transformers: TransformerProfile[] = [];
  const placements: MeterPlacement[] = new Array(demands.length);
  let t = 0;
  let m = 0;
  feederSizes.forEach((count, f) => {
    const feederId = `SIM-F${String(f + 1).padStart(2, '0')}`;
    feeders.push({ id: feederId, name: `Feeder ${f + 1}`, substation: 'SIM-SS1' });
    const angle = (2 * Math.PI * (f + rng.range(-0.3, 0.3))) / feederSizes.length;
    for (let k = 0; k < count; k++, t++) {
      const along = 350 + 550 * (k + 1) * rng.range(0.8, 1.2);
      const side = rng.range(-150, 150);
      const txEast = along * Math.cos(angle) - side * Math.sin(angle);
      const txNorth = along * Math.sin(angle) + side * Math.cos(angle);
      const size = sizes[t]!;
      const indices: number[] = [];
      let designIn = 0;
      let designOut = 0;
      let maxPos = 0;
      let phaseStart = rng.int(3);
      for (let j = 0; j < size; j++, m++) {
        const d = demands[m]!;
        designIn += d.designImportW;
        designOut += d.designExportW;
        const r = 40 + 260 * Math.sqrt(rng.next());
        const a = rng.range(0, 2 * Math.PI);
        const lvPositionM = Math.round(r * rng.range(1.2, 1.5) + 15);
        maxPos = Math.max(maxPos, lvPositionM);
        // Installers rotate single-phase connections over L1–L3; some end up where the cable was easiest.
        const p = rng.chance(0.15) ? rng.int(3) : phaseStart++ % 3;
        const phase: Phase = d.threePhase ? '3ph' : (['L1', 'L2', 'L3'] as const)[p]!;
        placements[m] = { transformerIndex: t, feederIndex: f, phase, ...at(txEast + r * Math.cos(a), txNorth + r * Math.sin(a)), lvPositionM };
        indices.push(m);
      }
      const id = `SIM-T${String(t + 1).padStart(3, '0')}`;
      const ratingKva = chooseRating(Math.max(designIn, designOut));
      txTopo.push({ id, feederId, ratingKva, ...at(txEast, txNorth) });
      transformers.push({
        id, index: t, feederIndex: f, ratingKva,
        noLoadV: Math.round(rng.range(232, 237) * 10) / 10,
        lvCables: Math.max(2, Math.min(8, Math.round(size / 18))),
        lvCableLengthM: maxPos,
        meterIndices: indices,
      });
    }
  });
  return { topology: { feeders, transformers: txTopo }, transformers, placements };
}
