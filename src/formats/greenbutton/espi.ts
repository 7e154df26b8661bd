/**
 * NAESB ESPI (Green Button) vocabulary as the XSD in ../shared/schemas/espi/espi.xsd defines it
 * (REQ.21 ESPI 4.0): namespaces, the resources meterstack reads and writes, and the enumeration
 * values the mapping to the canonical model needs.
 */

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ESPI_NS = 'http://naesb.org/espi';

/** The ESPI resources an Atom entry's content can hold that meterstack reads. */
export const RESOURCES = ['UsagePoint', 'MeterReading', 'ReadingType', 'IntervalBlock', 'LocalTimeParameters'] as const;
export type ResourceName = (typeof RESOURCES)[number];

export function isResourceName(name: string): name is ResourceName {
  return (RESOURCES as readonly string[]).includes(name);
}

/** ServiceKind. */
export const SERVICE = { electricity: 0, gas: 1, water: 2, time: 3, heat: 4 } as const;

/** AccumulationKind values that mean "a register reading" rather than "consumption in the interval". */
export const REGISTER_ACCUMULATIONS: ReadonlySet<number> = new Set([1, 2, 3, 9]); // bulkQuantity, continuousCumulative, cumulative, summation
export const ACCUMULATION_DELTA = 4;

/** QualityOfReading. */
export const ESPI_QUALITY = {
  valid: 0, manuallyEdited: 7, estimatedReferenceDay: 8, estimatedLinear: 9, questionable: 10, derived: 11,
  projected: 12, mixed: 13, raw: 14, normalizedForWeather: 15, other: 16, validated: 17, verified: 18, revenueQuality: 19,
} as const;

/** UnitSymbolKind values with a canonical stored unit (see reading-type-map.ts). */
export const UOM = {
  A: 5, V: 29, Hz: 33, W: 38, m3: 42, cosTheta: 65, Wh: 72, VArh: 73, ft3: 119, usGal: 128, imperialGal: 130, litre: 134,
  btu: 132, therm: 169,
} as const;

/** LocalTimeParameters dstStartRule/dstEndRule value that disables DST. */
export const DST_DISABLED = 'FFFFFFFF';
