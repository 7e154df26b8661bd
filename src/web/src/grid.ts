// The network as the console draws it: the shapes of GET /grid/map and GET /outages, and the pure
// rules for how a transformer or meter is shown. No DOM or Leaflet here, so it is unit-tested in Node.

export type Position = [number, number];

export interface AreaProps { kind: 'area' }
export interface SubstationProps { kind: 'substation'; id: string }
export interface FeederProps { kind: 'feeder'; id: string; name?: string }
export interface TransformerProps { kind: 'transformer'; id: string; feederId: string; ratingKva: number; meters: number; kw: number | null; loading: number | null }
export interface MeterProps { kind: 'meter'; id: string; transformerId: string | null; phase: string | null; status: string }

export type GridFeature =
  | { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: Position[][] }; properties: AreaProps }
  | { type: 'Feature'; geometry: { type: 'Point'; coordinates: Position }; properties: SubstationProps | TransformerProps | MeterProps }
  | { type: 'Feature'; geometry: { type: 'LineString'; coordinates: Position[] }; properties: FeederProps };

export interface GridMap {
  type: 'FeatureCollection';
  bbox: [number, number, number, number];
  at: string;
  features: GridFeature[];
}

export interface Outage {
  id: string;
  transformerId: string | null;
  feederId: string | null;
  start: string;
  end: string | null;
  /** null while the outage lasts. */
  durationS: number | null;
  active: boolean;
  meters: number | string[];
  restored: number | string[];
  customers: number;
}

export interface OutageDetail extends Outage {
  affectedMeters?: string[];
  timeline: { at: string; meter: string; event: 'power-down' | 'power-up' }[];
  premises: string[];
}

/** How a transformer is shown. An outage overrides the loading. */
export type TransformerState = 'outage' | 'overloaded' | 'high' | 'normal' | 'unknown';
export const TRANSFORMER_STATES: readonly TransformerState[] = ['normal', 'high', 'overloaded', 'unknown', 'outage'];

/** Green below 80 % of the rating, amber below 100 %, red at or above it, grey without data. */
export function transformerState(loading: number | null | undefined, inOutage: boolean): TransformerState {
  if (inOutage) return 'outage';
  if (loading === null || loading === undefined || !Number.isFinite(loading)) return 'unknown';
  if (loading >= 1) return 'overloaded';
  if (loading >= 0.8) return 'high';
  return 'normal';
}

/** Meter dots: one colour per status; meters of a transformer in an outage are drawn black. */
export const METER_STATUSES = ['active', 'inactive', 'installed', 'removed'] as const;
export const METER_PALETTE = ['#1f5fbf', '#5d6570', '#7a3fb0', '#a3001b', '#000000'] as const;
export const OUTAGE_COLOUR = METER_STATUSES.length;

export function meterColour(status: string, inOutage: boolean): number {
  if (inOutage) return OUTAGE_COLOUR;
  const i = (METER_STATUSES as readonly string[]).indexOf(status);
  return i < 0 ? 1 : i;
}

/** How long an outage has lasted (so far, while active), in seconds. */
export const elapsedS = (o: Pick<Outage, 'start' | 'durationS'>, now = Date.now()): number => o.durationS ?? Math.max(0, (now - Date.parse(o.start)) / 1000);

/** Count of a list-or-number field (the list answers carry counts, the detail lists). */
export const count = (x: number | readonly unknown[]): number => (typeof x === 'number' ? x : x.length);

/** Transformers whose meters are in an active outage now. */
export function outageTransformers(outages: readonly Outage[]): Set<string> {
  return new Set(outages.filter((o) => o.active && o.transformerId).map((o) => o.transformerId!));
}

export function transformersOf(map: GridMap): TransformerProps[] {
  const out: TransformerProps[] = [];
  for (const f of map.features) if (f.properties.kind === 'transformer') out.push(f.properties);
  return out;
}

/** Below this many meters the map loads every meter point at once; above it, per transformer in view. */
export const ALL_METERS_UP_TO = 20_000;
