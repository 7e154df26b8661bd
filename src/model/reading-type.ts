import { formatObis, obis, parseObisParts, type Obis } from './obis.ts';

/**
 * OBIS → IEC 61968-9 CIM ReadingType. A ReadingType code is 18 dot-separated integers
 * (macroPeriod.aggregate.measuringPeriod.accumulation.flowDirection.commodity.measurementKind.
 * harmonicNum.harmonicDen.argNum.argDen.tou.cpp.tier.phases.multiplier.unit.currency).
 * Enumeration values: see docs/reading-types.md (Connexo ReadingTypeCodeBuilder enums and the ESPI
 * XSD UnitSymbolKind / PhaseCodeKind in shared/schemas/espi/espi.xsd).
 */

export const ACCUMULATION = { none: 0, bulkQuantity: 1, deltaData: 4, indicating: 6, summation: 9, instantaneous: 12 } as const;
export const FLOW = { none: 0, forward: 1, lagging: 2, leading: 3, net: 4, reverse: 19, total: 20 } as const;
export const COMMODITY = { none: 0, electricity: 1, naturalGas: 7, potableWater: 9 } as const;
export const KIND = { none: 0, current: 4, demand: 8, energy: 12, frequency: 15, power: 37, powerFactor: 38, volume: 58, voltage: 54 } as const;
export const PHASE = { none: 0, A: 128, B: 64, C: 32, N: 16, AN: 129, BN: 65, CN: 33, ABC: 224, ABCN: 225 } as const;
/** CIM/ESPI UnitSymbolKind. */
export const UNIT_SYMBOL = { none: 0, A: 5, V: 29, Hz: 33, W: 38, m3: 42, VAr: 63, cosTheta: 65, Wh: 72, VArh: 73 } as const;

export type BaseUnit = 'Wh' | 'varh' | 'W' | 'var' | 'V' | 'A' | 'Hz' | 'L' | 'PF';

/**
 * Canonical storage unit per quantity. Values are integers, so each base unit is chosen small
 * enough that an integer is exact: energy in Wh, voltage in mV, current in mA, volume in litres,
 * power factor in thousandths. `scale` is the power of ten from the stored integer to the SI unit
 * (mV → V is -3) and `cimMultiplier` what the CIM code carries.
 */
export interface UnitSpec {
  readonly stored: string;
  readonly si: BaseUnit | 'm3';
  readonly scale: number;
  readonly cimUnit: number;
}

export const UNITS = {
  Wh: { stored: 'Wh', si: 'Wh', scale: 0, cimUnit: UNIT_SYMBOL.Wh },
  varh: { stored: 'varh', si: 'varh', scale: 0, cimUnit: UNIT_SYMBOL.VArh },
  W: { stored: 'W', si: 'W', scale: 0, cimUnit: UNIT_SYMBOL.W },
  var: { stored: 'var', si: 'var', scale: 0, cimUnit: UNIT_SYMBOL.VAr },
  mV: { stored: 'mV', si: 'V', scale: -3, cimUnit: UNIT_SYMBOL.V },
  mA: { stored: 'mA', si: 'A', scale: -3, cimUnit: UNIT_SYMBOL.A },
  mHz: { stored: 'mHz', si: 'Hz', scale: -3, cimUnit: UNIT_SYMBOL.Hz },
  L: { stored: 'L', si: 'm3', scale: -3, cimUnit: UNIT_SYMBOL.m3 },
  permille: { stored: 'permille', si: 'PF', scale: -3, cimUnit: UNIT_SYMBOL.cosTheta },
} as const satisfies Record<string, UnitSpec>;

export type StoredUnit = keyof typeof UNITS;

export type Quantity = 'energy' | 'reactive-energy' | 'power' | 'reactive-power' | 'voltage' | 'current' | 'frequency' | 'power-factor' | 'volume';

export interface ObisDefinition {
  readonly obis: Obis;
  readonly name: string;
  readonly quantity: Quantity;
  readonly unit: StoredUnit;
  readonly commodity: number;
  readonly kind: number;
  readonly flow: number;
  readonly phase: number;
  readonly tou: number;
  /** Cumulative register (energy/volume): intervals are its deltas. Else a sampled value. */
  readonly cumulative: boolean;
  /** Direction of energy flow for checks such as "negative energy on an import register". */
  readonly direction: 'import' | 'export' | 'none';
}

type Row = Omit<ObisDefinition, 'obis' | 'commodity' | 'tou'> & { obis: string; commodity?: number; tou?: number };

const E = COMMODITY.electricity;
const energy = (name: string, flow: number, direction: 'import' | 'export', tou = 0): Omit<Row, 'obis'> => ({
  name, quantity: 'energy', unit: 'Wh', kind: KIND.energy, flow, phase: PHASE.none, tou, cumulative: true, direction,
});
const sampled = (name: string, quantity: Quantity, unit: StoredUnit, kind: number, phase: number, flow: number = FLOW.none): Omit<Row, 'obis'> => ({
  name, quantity, unit, kind, flow, phase, cumulative: false, direction: flow === FLOW.reverse ? 'export' : flow === FLOW.forward ? 'import' : 'none',
});

const mbusVolume = (commodity: number): Omit<Row, 'obis' | 'name'> => ({
  quantity: 'volume', unit: 'L', commodity, kind: KIND.volume, flow: FLOW.forward, phase: PHASE.none, cumulative: true, direction: 'import',
});

const ROWS: readonly Row[] = [
  { obis: '1-0:1.8.0', ...energy('Active energy import (+A) total', FLOW.forward, 'import') },
  ...[1, 2, 3, 4].map((t) => ({ obis: `1-0:1.8.${t}`, ...energy(`Active energy import (+A) tariff ${t}`, FLOW.forward, 'import', t) })),
  { obis: '1-0:2.8.0', ...energy('Active energy export (-A) total', FLOW.reverse, 'export') },
  ...[1, 2, 3, 4].map((t) => ({ obis: `1-0:2.8.${t}`, ...energy(`Active energy export (-A) tariff ${t}`, FLOW.reverse, 'export', t) })),
  { obis: '1-0:3.8.0', name: 'Reactive energy import (+R, QI+QII)', quantity: 'reactive-energy', unit: 'varh', kind: KIND.energy, flow: FLOW.lagging, phase: PHASE.none, cumulative: true, direction: 'import' },
  { obis: '1-0:4.8.0', name: 'Reactive energy export (-R, QIII+QIV)', quantity: 'reactive-energy', unit: 'varh', kind: KIND.energy, flow: FLOW.leading, phase: PHASE.none, cumulative: true, direction: 'export' },
  { obis: '1-0:1.7.0', ...sampled('Instantaneous active power import', 'power', 'W', KIND.power, PHASE.none, FLOW.forward) },
  { obis: '1-0:2.7.0', ...sampled('Instantaneous active power export', 'power', 'W', KIND.power, PHASE.none, FLOW.reverse) },
  { obis: '1-0:21.7.0', ...sampled('Active power import L1', 'power', 'W', KIND.power, PHASE.A, FLOW.forward) },
  { obis: '1-0:41.7.0', ...sampled('Active power import L2', 'power', 'W', KIND.power, PHASE.B, FLOW.forward) },
  { obis: '1-0:61.7.0', ...sampled('Active power import L3', 'power', 'W', KIND.power, PHASE.C, FLOW.forward) },
  { obis: '1-0:22.7.0', ...sampled('Active power export L1', 'power', 'W', KIND.power, PHASE.A, FLOW.reverse) },
  { obis: '1-0:42.7.0', ...sampled('Active power export L2', 'power', 'W', KIND.power, PHASE.B, FLOW.reverse) },
  { obis: '1-0:62.7.0', ...sampled('Active power export L3', 'power', 'W', KIND.power, PHASE.C, FLOW.reverse) },
  { obis: '1-0:32.7.0', ...sampled('Voltage L1', 'voltage', 'mV', KIND.voltage, PHASE.AN) },
  { obis: '1-0:52.7.0', ...sampled('Voltage L2', 'voltage', 'mV', KIND.voltage, PHASE.BN) },
  { obis: '1-0:72.7.0', ...sampled('Voltage L3', 'voltage', 'mV', KIND.voltage, PHASE.CN) },
  { obis: '1-0:31.7.0', ...sampled('Current L1', 'current', 'mA', KIND.current, PHASE.A) },
  { obis: '1-0:51.7.0', ...sampled('Current L2', 'current', 'mA', KIND.current, PHASE.B) },
  { obis: '1-0:71.7.0', ...sampled('Current L3', 'current', 'mA', KIND.current, PHASE.C) },
  { obis: '1-0:13.7.0', ...sampled('Power factor', 'power-factor', 'permille', KIND.powerFactor, PHASE.none) },
  { obis: '1-0:14.7.0', ...sampled('Supply frequency', 'frequency', 'mHz', KIND.frequency, PHASE.none) },
  // Gas: 7-0:3.0.0 is the unconverted volume register (EN 13757-1 / IEC 62056-61 gas group);
  // 0-1:24.2.1 is the same reading as DSMR carries it over M-Bus channel 1.
  { obis: '7-0:3.0.0', name: 'Gas volume (unconverted)', quantity: 'volume', unit: 'L', commodity: COMMODITY.naturalGas, kind: KIND.volume, flow: FLOW.forward, phase: PHASE.none, cumulative: true, direction: 'import' },
  // DSMR M-Bus channels 1-4 (B = channel): gas on 0-n:24.2.1 (e-MUCS: 24.2.3, not temperature
  // corrected); a water meter on channel n is 8-n:1.0.0, whatever code its telegram line used.
  ...[1, 2, 3, 4].flatMap((n): Row[] => [
    { obis: `0-${n}:24.2.1`, name: `Gas volume (M-Bus channel ${n})`, ...mbusVolume(COMMODITY.naturalGas) },
    { obis: `0-${n}:24.2.3`, name: `Gas volume, not temperature corrected (M-Bus channel ${n})`, ...mbusVolume(COMMODITY.naturalGas) },
    { obis: `8-${n}:1.0.0`, name: `Water volume (M-Bus channel ${n})`, ...mbusVolume(COMMODITY.potableWater) },
  ]),
  { obis: '8-0:1.0.0', name: 'Water volume', quantity: 'volume', unit: 'L', commodity: COMMODITY.potableWater, kind: KIND.volume, flow: FLOW.forward, phase: PHASE.none, cumulative: true, direction: 'import' },
];

export const OBIS_TABLE: ReadonlyMap<Obis, ObisDefinition> = new Map(
  ROWS.map((r) => {
    const def: ObisDefinition = { ...r, obis: obis(r.obis), commodity: r.commodity ?? E, tou: r.tou ?? 0 };
    return [def.obis, def];
  }),
);

const channelRows = new Map<Obis, ObisDefinition>();

/**
 * The definition of an OBIS code. An electricity code with a measurement channel B = 1..127
 * (IEC 62056-61: 1..64 channels, 65..127 utility specific) means the same quantity, unit and
 * direction as its channel-0 row: AEMO NMI suffixes (E2 controlled load, NEM13 register 41 …) map
 * to B so that several data streams of one meter do not collide.
 */
export function obisDefinition(code: string): ObisDefinition | undefined {
  const o = obis(code);
  const exact = OBIS_TABLE.get(o);
  if (exact !== undefined) return exact;
  const cached = channelRows.get(o);
  if (cached !== undefined) return cached;
  const p = parseObisParts(o);
  if (p.a !== 1 || p.b < 1 || p.b > 127) return undefined;
  const base = OBIS_TABLE.get(formatObis({ ...p, b: 0 }));
  if (base === undefined) return undefined;
  const def: ObisDefinition = { ...base, obis: o, name: `${base.name}, channel ${p.b}` };
  if (channelRows.size < 4096) channelRows.set(o, def);
  return def;
}

/** CIM measuringPeriod (TimeAttribute) for an interval length in seconds. */
const MEASURING_PERIOD: Record<number, number> = { 60: 3, 120: 10, 180: 14, 300: 6, 600: 1, 900: 2, 1200: 31, 1800: 5, 3600: 7, 86400: 4 };

export function measuringPeriodCode(intervalS: number): number {
  return MEASURING_PERIOD[intervalS] ?? 0;
}

/**
 * The 18-part CIM ReadingType for a channel: an energy register read as intervals becomes
 * deltaData with the interval's measuring period; read as a register (intervalS = 0) it is a
 * bulkQuantity. Sampled quantities are indicating (interval) or instantaneous (register).
 */
export function readingTypeCode(def: ObisDefinition, intervalS: number): string {
  const accumulation = def.cumulative
    ? intervalS > 0 ? ACCUMULATION.deltaData : ACCUMULATION.bulkQuantity
    : intervalS > 0 ? ACCUMULATION.indicating : ACCUMULATION.instantaneous;
  const unit = UNITS[def.unit];
  const parts = [
    0, 0, intervalS > 0 ? measuringPeriodCode(intervalS) : 0, accumulation, def.flow, def.commodity, def.kind,
    0, 0, 0, 0, def.tou, 0, 0, def.phase, unit.scale, unit.cimUnit, 0,
  ];
  return parts.join('.');
}
