import { assertZone, type Channel, type Meter, type Topology } from '../model/index.ts';
import { CHANNEL_SPECS, meterChannelSpecs } from './channels.ts';
import { createSite } from './day-context.ts';
import { drawMeterInfo } from './meter-info.ts';
import { Rng, seedToInt, STREAM } from './prng.ts';
import { businessDesignW, createBusinessProfile } from './profiles/business.ts';
import { householdReference } from './profiles/calibration.ts';
import { createEvProfile, evDesignW } from './profiles/ev.ts';
import { createHeatPumpProfile, heatPumpDesignW } from './profiles/heat-pump.ts';
import { createHouseholdProfile, householdDesignW, type HouseholdReference } from './profiles/household.ts';
import { createPvProfile, pvDesignExportW } from './profiles/pv.ts';
import type { GridProfile, MeterProfile } from './profiles/types.ts';
import { buildNetwork, type MeterDemand } from './topology.ts';

export interface FleetOptions {
  readonly seed: number | string;
  readonly meters: number;
  readonly zone?: string;
  readonly center?: { readonly lat: number; readonly lon: number };
}

export interface Fleet {
  /** The seed folded to 32 bits; every random stream of the simulator derives from it. */
  readonly seed: number;
  readonly zone: string;
  readonly center: { readonly lat: number; readonly lon: number };
  readonly topology: Topology;
  readonly meters: readonly Meter[];
  readonly channels: readonly Channel[];
  /** One per meter, same order as `meters`. */
  readonly profiles: readonly MeterProfile[];
  readonly grid: GridProfile;
}

type Draft = Omit<MeterProfile, 'meterId' | 'index' | 'phase' | 'transformerIndex' | 'feederIndex' | 'lvPositionM'>;

export function meterId(index: number): string {
  return `SIM${String(index + 1).padStart(6, '0')}`;
}

/** Shares: ~3 % small businesses; of the homes ~25 % PV, ~10 % EV, ~10 % heat pump, drawn independently. */
function draftProfile(rng: Rng, ref: HouseholdReference): Draft {
  const business = rng.chance(0.03);
  const b = business ? createBusinessProfile(rng) : null;
  const household = business ? null : createHouseholdProfile(rng, ref);
  const pv = rng.chance(business ? 0.3 : 0.25) ? createPvProfile(rng, business) : null;
  const ev = !business && rng.chance(0.1) ? createEvProfile(rng) : null;
  const heatPump = !business && rng.chance(0.1) ? createHeatPumpProfile(rng) : null;
  // Businesses, heat pumps and 11 kW chargers need three phases; many newer homes have them anyway.
  const threePhase = business || heatPump !== null || ev?.chargeW === 11000 || rng.chance(0.25);
  const tags = business
    ? ['business', b!.type, ...(pv ? ['pv'] : [])]
    : ['household', ...(pv ? ['pv'] : []), ...(ev ? ['ev'] : []), ...(heatPump ? ['heatpump'] : [])];
  // Registers start where some years of use since installation left them.
  const years = rng.range(0.5, 9);
  const evKwh = ev ? (ev.meanSessionWh * ((5 * ev.weekdayChance + 2 * ev.weekendChance) / 7) * 365) / 1000 : 0;
  const annualKwh = b
    ? (b.baseW * 8760 + (b.peakW - b.baseW) * 2600) / 1000
    : household!.annualKwh + evKwh + (heatPump ? 3500 : 0) - (pv ? 0.3 * 900 * pv.kWp : 0);
  const initialImportWh = Math.round(years * annualKwh * 1000 * rng.range(0.9, 1.1));
  const initialExportWh = pv ? Math.round(Math.min(years, rng.range(0.5, 6)) * pv.kWp * 900 * 0.65 * 1000) : 0;
  return { kind: business ? 'business' : 'household', tags, threePhase, household, business: b, pv, ev, heatPump, initialImportWh, initialExportWh };
}

function demandOf(d: Draft): MeterDemand {
  let designImportW = 0;
  if (d.household) designImportW += householdDesignW(d.household);
  if (d.business) designImportW += businessDesignW(d.business);
  if (d.ev) designImportW += evDesignW(d.ev);
  if (d.heatPump) designImportW += heatPumpDesignW(d.heatPump);
  return { threePhase: d.threePhase, designImportW, designExportW: d.pv ? pvDesignExportW(d.pv) : 0 };
}

/**
 * A fleet deterministic from its seed: each meter's profile comes from its own stream (meter i is
 * the same site in a fleet of 50 or of 50,000), the network from another.
 */
export function createFleet(opts: FleetOptions): Fleet {
  const zone = assertZone(opts.zone ?? 'Europe/Amsterdam');
  const center = opts.center ?? { lat: 52.09, lon: 5.12 };
  if (!Number.isInteger(opts.meters) || opts.meters < 1 || opts.meters > 1_000_000) {
    throw new RangeError(`meters must be an integer 1..1,000,000, got ${opts.meters}`);
  }
  if (!(Math.abs(center.lat) <= 90 && Math.abs(center.lon) <= 180)) {
    throw new RangeError(`center ${center.lat},${center.lon} is not a latitude within ±90° and a longitude within ±180°`);
  }
  const seed = seedToInt(opts.seed);
  const ref = householdReference(createSite(seed, zone, center.lat, center.lon));
  const rng = new Rng();
  const drafts: Draft[] = [];
  for (let i = 0; i < opts.meters; i++) drafts.push(draftProfile(rng.reseed(seed, i, 0, STREAM.profile), ref));
  const net = buildNetwork(seed, drafts.map(demandOf), center);

  const meters: Meter[] = [];
  const channels: Channel[] = [];
  const profiles: MeterProfile[] = [];
  drafts.forEach((d, i) => {
    const id = meterId(i);
    const place = net.placements[i]!;
    const tx = net.topology.transformers[place.transformerIndex]!;
    const info = drawMeterInfo(rng.reseed(seed, i, 0, STREAM.meterInfo), d.threePhase);
    meters.push({
      id, kind: 'electricity', ...info, premise: `SIM-P${String(i + 1).padStart(6, '0')}`,
      lat: place.lat, lon: place.lon,
      grid: { feederId: tx.feederId, transformerId: tx.id, phase: place.phase },
      timeZone: zone, status: 'active', tags: d.tags,
    });
    for (const c of meterChannelSpecs(d.pv !== null, d.threePhase)) channels.push({ meterId: id, ...CHANNEL_SPECS[c] });
    profiles.push({
      meterId: id, index: i, kind: d.kind, tags: d.tags, threePhase: d.threePhase, phase: place.phase,
      transformerIndex: place.transformerIndex, feederIndex: place.feederIndex, lvPositionM: place.lvPositionM,
      household: d.household, business: d.business, pv: d.pv, ev: d.ev, heatPump: d.heatPump,
      initialImportWh: d.initialImportWh, initialExportWh: d.initialExportWh,
    });
  });
  return { seed, zone, center: { lat: center.lat, lon: center.lon }, topology: net.topology, meters, channels, profiles, grid: { transformers: net.transformers } };
}
