import {
  COMMODITY, FLOW, MeterstackError, OBIS_TABLE, PHASE, UNITS, obisDefinition, parseObisParts,
  type MeterKind, type ObisDefinition, type Quantity,
} from '../../model/index.ts';
import { ACCUMULATION_DELTA, REGISTER_ACCUMULATIONS, SERVICE, UOM } from './espi.ts';

/**
 * ESPI ReadingType → canonical channel, and back. The uom decides the quantity; commodity (or the
 * UsagePoint's service kind) decides electricity, gas or water; flowDirection, phase and tou pick
 * the OBIS row. The row is looked up in the model's OBIS table, the same table export writes from,
 * so every ReadingType meterstack writes maps back to the channel it came from.
 *
 * Values: stored = value × 10^powerOfTenMultiplier × factor, where factor converts the uom to the
 * stored unit (V → mV is 10^3, ft³ → L is 28.316846592, exact decimals). A result that is not a
 * whole stored unit is rounded half to even (as NEM12 import does), so sums carry no bias.
 */

/** An exact decimal factor m × 10^e. */
export interface Factor {
  readonly m: bigint;
  readonly e: number;
}

interface UomSpec {
  readonly quantity: Quantity;
  readonly factor: Factor;
  readonly family: 'electric' | 'volume';
}

const f = (m: bigint, e: number): Factor => ({ m, e });

const UOMS: ReadonlyMap<number, UomSpec> = new Map([
  [UOM.Wh, { quantity: 'energy', factor: f(1n, 0), family: 'electric' }],
  [UOM.VArh, { quantity: 'reactive-energy', factor: f(1n, 0), family: 'electric' }],
  [UOM.W, { quantity: 'power', factor: f(1n, 0), family: 'electric' }],
  [UOM.V, { quantity: 'voltage', factor: f(1n, 3), family: 'electric' }],
  [UOM.A, { quantity: 'current', factor: f(1n, 3), family: 'electric' }],
  [UOM.Hz, { quantity: 'frequency', factor: f(1n, 3), family: 'electric' }],
  [UOM.cosTheta, { quantity: 'power-factor', factor: f(1n, 3), family: 'electric' }],
  [UOM.m3, { quantity: 'volume', factor: f(1n, 3), family: 'volume' }],
  [UOM.litre, { quantity: 'volume', factor: f(1n, 0), family: 'volume' }],
  [UOM.ft3, { quantity: 'volume', factor: f(28_316_846_592n, -9), family: 'volume' }],
  [UOM.usGal, { quantity: 'volume', factor: f(3_785_411_784n, -9), family: 'volume' }],
  [UOM.imperialGal, { quantity: 'volume', factor: f(454_609n, -5), family: 'volume' }],
]);

const WHY_NOT: ReadonlyMap<number, string> = new Map([
  [UOM.therm, 'therm is gas energy; meterstack stores gas as volume (litres) and has no calorific value to convert with'],
  [UOM.btu, 'BTU is gas energy; meterstack stores gas as volume (litres) and has no calorific value to convert with'],
  [120, 'compensated (converted) volume has no canonical channel; only metered volume does'],
  [167, 'compensated (converted) volume has no canonical channel; only metered volume does'],
  [157, 'compensated (converted) volume has no canonical channel; only metered volume does'],
]);

export interface ChannelMapping {
  readonly def: ObisDefinition;
  /** Stored value = ESPI value × 10^pow10 × factor.m × 10^factor.e. */
  readonly pow10: number;
  readonly factor: Factor;
  /** Readings are register values (bulkQuantity, summation …), not consumption per interval. */
  readonly register: boolean;
  /** ReadingType.intervalLength, for readings without a timePeriod. */
  readonly intervalLength: number | undefined;
}

export interface MapContext {
  readonly serviceKind: number | undefined;
  /** The MeterReading's title: meterstack writes the OBIS code there, and honours it on import. */
  readonly title: string | undefined;
  readonly line: number;
  readonly source: string;
}

type Commodity = 'electricity' | 'gas' | 'water';


/** An optional integer field; present but not an integer stops the file. */
function field(rt: Readonly<Record<string, string>>, key: string, ctx: MapContext): number | undefined {
  const v = rt[key]?.trim();
  if (v === undefined || v === '') return undefined;
  if (!/^[+-]?\d{1,9}$/.test(v)) throw new MeterstackError('GREENBUTTON_BAD_VALUE', `ReadingType ${key} "${v.slice(0, 40)}" is not an integer`, { line: ctx.line, source: ctx.source });
  return Number(v);
}

function unsupported(why: string, ctx: MapContext): MeterstackError {
  return new MeterstackError('GREENBUTTON_UNSUPPORTED_READING_TYPE', why, { line: ctx.line, source: ctx.source });
}

function commodityOf(rt: Readonly<Record<string, string>>, spec: UomSpec, ctx: MapContext): Commodity {
  const c = field(rt, 'commodity', ctx);
  const byCommodity: Commodity | undefined = c === 1 || c === 2 || c === 26 ? 'electricity' : c === 7 ? 'gas' : c === 9 ? 'water' : undefined;
  if (c !== undefined && c !== 0 && byCommodity === undefined) throw unsupported(`ReadingType commodity ${c} has no canonical channel (electricity 1/2, natural gas 7, potable water 9)`, ctx);
  const s = ctx.serviceKind;
  const byService: Commodity | undefined = s === SERVICE.electricity ? 'electricity' : s === SERVICE.gas ? 'gas' : s === SERVICE.water ? 'water' : undefined;
  if (s !== undefined && byService === undefined) throw unsupported(`UsagePoint service kind ${s} is not metered by meterstack (electricity 0, gas 1, water 2)`, ctx);
  const chosen = byCommodity ?? byService ?? (spec.family === 'electric' ? 'electricity' : undefined);
  if (chosen === undefined) throw unsupported('a volume ReadingType needs a commodity or a UsagePoint service kind to tell gas from water', ctx);
  if (spec.family === 'electric' && chosen !== 'electricity') throw unsupported(`uom ${rt.uom} is electrical but the reading is ${chosen}`, ctx);
  if (spec.family === 'volume' && chosen === 'electricity') throw unsupported('a volume uom on an electricity UsagePoint has no canonical channel', ctx);
  return chosen;
}

/** Flow and phase as the OBIS rows spell them, per quantity. */
function normalise(q: Quantity, flowIn: number | undefined, phaseIn: number | undefined, ctx: MapContext): { flow: number; phase: number } {
  const flow = flowIn ?? 0;
  const phase = phaseIn ?? 0;
  const single = phase === PHASE.A || phase === PHASE.AN ? 'A' : phase === PHASE.B || phase === PHASE.BN ? 'B' : phase === PHASE.C || phase === PHASE.CN ? 'C' : undefined;
  const dir = (): number => {
    if (flow === 0 || flow === FLOW.forward) return FLOW.forward;
    if (flow === FLOW.reverse) return FLOW.reverse;
    throw unsupported(`flowDirection ${flow} (${flow === FLOW.net ? 'net' : 'other'}) has no canonical ${q} channel; forward (1) and reverse (19) do`, ctx);
  };
  switch (q) {
    case 'energy': return { flow: dir(), phase: PHASE.none };
    case 'volume': return { flow: FLOW.forward, phase: PHASE.none };
    case 'reactive-energy':
      if (flow === 0 || flow === FLOW.forward || flow === FLOW.lagging) return { flow: FLOW.lagging, phase: PHASE.none };
      if (flow === FLOW.reverse || flow === FLOW.leading) return { flow: FLOW.leading, phase: PHASE.none };
      throw unsupported(`flowDirection ${flow} has no canonical reactive energy channel`, ctx);
    case 'power': return { flow: dir(), phase: single ? PHASE[single] : PHASE.none };
    case 'voltage':
      if (!single) throw unsupported(`voltage needs a single phase (A/B/C, with or without N), not phase ${phase}`, ctx);
      return { flow: FLOW.none, phase: PHASE[`${single}N`] };
    case 'current':
      if (!single) throw unsupported(`current needs a single phase (A/B/C), not phase ${phase}`, ctx);
      return { flow: FLOW.none, phase: PHASE[single] };
    default: return { flow: FLOW.none, phase: PHASE.none };
  }
}

/** A primary code first: 1-0:…, 7-0:…, 8-0:…, before channel variants and DSMR M-Bus codes. */
const rank = (d: ObisDefinition): number => (parseObisParts(d.obis).b === 0 && parseObisParts(d.obis).a !== 0 ? 0 : 1);
const ROWS_BY_RANK = [...OBIS_TABLE.values()].sort((a, b) => rank(a) - rank(b));

export function mapReadingType(rt: Readonly<Record<string, string>>, ctx: MapContext): ChannelMapping {
  const uom = field(rt, 'uom', ctx);
  if (uom === undefined) throw unsupported('ReadingType has no uom, so its readings have no unit', ctx);
  const spec = UOMS.get(uom);
  if (!spec) throw unsupported(WHY_NOT.get(uom) ?? `uom ${uom} has no canonical stored unit`, ctx);
  const commodity = commodityOf(rt, spec, ctx);
  const code = commodity === 'electricity' ? COMMODITY.electricity : commodity === 'gas' ? COMMODITY.naturalGas : COMMODITY.potableWater;
  const { flow, phase } = normalise(spec.quantity, field(rt, 'flowDirection', ctx), field(rt, 'phase', ctx), ctx);
  const tou = field(rt, 'tou', ctx) ?? 0;
  const matches = (d: ObisDefinition): boolean =>
    d.quantity === spec.quantity && d.commodity === code && d.flow === flow && d.phase === phase && d.tou === tou;
  const hinted = titleObis(ctx.title);
  const def = hinted && matches(hinted) ? hinted : ROWS_BY_RANK.find(matches);
  if (!def) throw unsupported(`no canonical channel for ${spec.quantity} (${commodity}, flow ${flow}, phase ${phase}, tou ${tou})`, ctx);
  const acc = field(rt, 'accumulationBehaviour', ctx);
  const register = def.cumulative && acc !== undefined && REGISTER_ACCUMULATIONS.has(acc);
  if (def.cumulative && acc !== undefined && acc !== 0 && acc !== ACCUMULATION_DELTA && !register) {
    throw unsupported(`accumulationBehaviour ${acc} has no meaning for ${spec.quantity}: deltaData (4) or a register (1, 2, 3, 9) does`, ctx);
  }
  const pow10 = field(rt, 'powerOfTenMultiplier', ctx) ?? 0;
  if (pow10 < -12 || pow10 > 12) throw unsupported(`powerOfTenMultiplier ${pow10} is outside -12..12`, ctx);
  const len = field(rt, 'intervalLength', ctx);
  return { def, pow10, factor: spec.factor, register, intervalLength: len !== undefined && len > 0 ? len : undefined };
}

function titleObis(title: string | undefined): ObisDefinition | undefined {
  const m = title === undefined ? null : /^\s*(\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}(?:\.\d{1,3})?)\b/.exec(title);
  if (!m) return undefined;
  try {
    return obisDefinition(m[1]!);
  } catch {
    return undefined;
  }
}

export function meterKindOf(def: ObisDefinition): MeterKind {
  return def.commodity === COMMODITY.naturalGas ? 'gas' : def.commodity === COMMODITY.potableWater ? 'water' : 'electricity';
}

export const SERVICE_OF_KIND: Record<MeterKind, number> = { electricity: SERVICE.electricity, gas: SERVICE.gas, water: SERVICE.water, heat: SERVICE.heat };

/** ESPI ReadingType elements (in XSD order) for a channel as meterstack stores it. */
export function readingTypeFields(def: ObisDefinition, intervalS: number): [string, number][] {
  const unit = UNITS[def.unit];
  return [
    ['accumulationBehaviour', def.cumulative ? ACCUMULATION_DELTA : 6],
    ['commodity', def.commodity],
    ['flowDirection', def.flow],
    ['intervalLength', intervalS],
    ['kind', def.kind],
    ['phase', def.phase],
    ['powerOfTenMultiplier', unit.scale],
    ['tou', def.tou],
    ['uom', unit.cimUnit],
  ];
}

/** value × 10^e10 × factor rounded half to even, exact; undefined when beyond ±2^53. */
export function scaleExact(mantissa: number, e10: number, factor: Factor): number | undefined {
  const e = e10 + factor.e;
  if (factor.m === 1n && e >= 0 && e <= 15) {
    const v = mantissa * 10 ** e;
    return Number.isSafeInteger(v) ? v : undefined;
  }
  let n = BigInt(mantissa) * factor.m;
  if (e >= 0) n *= 10n ** BigInt(e);
  else {
    const d = 10n ** BigInt(-e);
    const q = n / d;
    const r2 = 2n * (n % d < 0n ? -(n % d) : n % d);
    // Half to even, as the NEM formats do: rounding over many readings then carries no bias.
    n = r2 > d || (r2 === d && q % 2n !== 0n) ? q + (n < 0n ? -1n : 1n) : q;
  }
  const v = Number(n);
  return Number.isSafeInteger(v) ? v : undefined;
}
