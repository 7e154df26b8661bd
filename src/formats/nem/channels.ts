import { formatObis, obisDefinition, readingTypeCode, type Channel, type Meter, type Obis, type StoredUnit } from '../../model/index.ts';
import { NEM_TIME_ZONE } from './aest.ts';

/**
 * From an NMI data stream to a canonical channel (docs/decisions/2026-11-26-nem12.md).
 *
 * Meter id = NMI: the market's stable key for a connection point. The meter serial in the 200/250
 * record changes at a meter exchange, the NMI does not, so history stays on one meter.
 *
 * Direction: MDFF names flows from the market's side (DOMAIN.md §1.1): "export" is energy to the
 * customer. Canonical OBIS is the customer's side (+A = import = consumption). So NEM12 master
 * stream E (market export Wh) is 1.8.0, B (market import Wh, e.g. solar) is 2.8.0, Q (export
 * varh) 3.8.0, K (import varh) 4.8.0; NEM13 direction E/I the same way.
 *
 * Several streams of one letter: the suffix number goes into OBIS value group B (the measurement
 * channel): E1 → 1-0:1.8.0 (channel 0, what every other source of meterstack calls consumption),
 * E2 (controlled load) → 1-2:1.8.0, B2 → 1-2:2.8.0 … (B = 1 stays unused, so nothing collides).
 * A NEM13 register suffix (two digits, 10..99) is B as a whole: 11 → 1-11:1.8.0, 41 → 1-41:1.8.0,
 * apart from NEM12's 0..9.
 */

export type Family = 'energy' | 'reactive' | 'voltage' | 'current';

interface UnitRow { readonly family: Family; readonly exp: number }

/** Unit of measure (case-insensitive) → family and power of ten to the stored unit. */
const UOM: Readonly<Record<string, UnitRow>> = {
  WH: { family: 'energy', exp: 0 }, KWH: { family: 'energy', exp: 3 }, MWH: { family: 'energy', exp: 6 },
  VARH: { family: 'reactive', exp: 0 }, KVARH: { family: 'reactive', exp: 3 }, MVARH: { family: 'reactive', exp: 6 },
  V: { family: 'voltage', exp: 3 }, KV: { family: 'voltage', exp: 6 },
  A: { family: 'current', exp: 3 }, KA: { family: 'current', exp: 6 },
};

/** MDFF units we know but have no stored unit or channel for (demand, apparent energy, PF). */
const KNOWN_UNSUPPORTED = new Set(['MVAR', 'KVAR', 'VAR', 'MW', 'KW', 'W', 'MVAH', 'KVAH', 'VAH', 'MVA', 'KVA', 'VA', 'PF']);

/** NEM12 master data streams we map: letter → OBIS C per unit family. */
const NEM12_STREAMS: Readonly<Record<string, Partial<Record<Family, number>>>> = {
  E: { energy: 1 }, B: { energy: 2 }, Q: { reactive: 3 }, K: { reactive: 4 },
  // V carries "volts or V²h or amps or A²h" (no fixed unit); the UOM says which.
  V: { voltage: 32, current: 31 },
};

/** Data-stream letters MDFF defines that have no canonical channel here (average and check streams, kVAh, PF, Q/par metering). */
const NEM12_UNMAPPED: Readonly<Record<string, string>> = {
  A: 'average import Wh', D: 'average export Wh', J: 'average import varh', P: 'average export varh', S: 'average VAh',
  C: 'check import Wh', F: 'check export Wh', L: 'check import varh', R: 'check export varh', U: 'check VAh',
  T: 'master VAh', G: 'power factor', H: 'Q metering', M: 'par metering', Y: 'check Q metering', W: 'check par metering',
  Z: 'check volts/amps',
};

/** OBIS D/E and stored unit per family: interval energy is a cumulative quantity (x.8.0), V and A are sampled (x.7.0). */
const D_OF: Readonly<Record<Family, number>> = { energy: 8, reactive: 8, voltage: 7, current: 7 };

export interface StreamChannel {
  readonly obis: Obis;
  readonly unit: StoredUnit;
  /** Power of ten from the file's unit to the stored unit. */
  readonly exp: number;
}

/** A mapping result: the channel, or why not (`unsupported` = valid MDFF we do not import). */
export type Mapped = StreamChannel | { readonly why: string; readonly unsupported: boolean };

function unitRow(uom: string, emptyMeans?: UnitRow): UnitRow | { why: string; unsupported: boolean } {
  const u = uom.trim().toUpperCase();
  if (u === '' && emptyMeans) return emptyMeans;
  const row = UOM[u];
  if (row) return row;
  if (KNOWN_UNSUPPORTED.has(u)) return { why: `unit of measure ${uom} (demand, apparent energy or power factor) has no stored unit in meterstack`, unsupported: true };
  return { why: `unit of measure "${uom}" is not an MDFF unit (kWh, Wh, MWh, kVArh, VArh, MVArh, V, kV, A, kA …)`, unsupported: false };
}

function channel(b: number, c: number, family: Family, exp: number): StreamChannel {
  const obis = formatObis({ a: 1, b, c, d: D_OF[family], e: 0, f: 255 });
  return { obis, unit: obisDefinition(obis)!.unit, exp };
}

/** NEM12 200 record: NMISuffix + UOM → channel. */
export function nem12Channel(suffix: string, uom: string): Mapped {
  const letter = suffix.charAt(0).toUpperCase();
  const digit = suffix.charCodeAt(1) - 48;
  const streams = NEM12_STREAMS[letter];
  if (suffix.length !== 2 || !/^[A-Z]$/.test(letter)) return { why: `NMI suffix "${suffix}" is not a letter and a digit such as E1`, unsupported: false };
  if (!streams) {
    const what = NEM12_UNMAPPED[letter];
    return what
      ? { why: `NMI suffix ${suffix} (${what}) is not imported; meterstack maps master streams E, B (Wh), Q, K (varh) and V (volts/amps)`, unsupported: true }
      : { why: `NMI suffix "${suffix}" does not start with an MDFF data stream letter`, unsupported: false };
  }
  if (!(digit >= 1 && digit <= 9)) return { why: `NMI suffix ${suffix}: only data streams numbered 1–9 are mapped`, unsupported: true };
  // Files in the wild leave the UOM of a V stream empty; they carry volts.
  const u = unitRow(uom, letter === 'V' ? UOM.V : undefined);
  if ('why' in u) return u;
  const c = streams[u.family];
  if (c === undefined) return { why: `NMI suffix ${suffix} measures ${letter === 'V' ? 'volts or amps' : letter === 'Q' || letter === 'K' ? 'reactive energy' : 'active energy'} but its unit of measure is ${uom || 'empty'}`, unsupported: false };
  return channel(digit === 1 ? 0 : digit, c, u.family, u.exp);
}

/** NEM13 250 record: NMISuffix (two digits) + DirectionIndicator (E/I) + UOM → register channel. */
export function nem13Channel(suffix: string, direction: string, uom: string): Mapped {
  if (!/^[1-9][0-9]$/.test(suffix)) {
    // Two letters/digits is a well-formed suffix we have no channel rule for; anything else is malformed.
    return { why: `NMI suffix "${suffix}" of an accumulation meter is not two digits 10..99 (e.g. 11)`, unsupported: /^[A-Z0-9]{2}$/i.test(suffix) };
  }
  const dir = direction.trim().toUpperCase();
  if (dir !== 'E' && dir !== 'I') return { why: `direction indicator "${direction}" is neither E (export from the market: consumption) nor I (import: generation)`, unsupported: false };
  const u = unitRow(uom);
  if ('why' in u) return u;
  if (u.family !== 'energy' && u.family !== 'reactive') return { why: `a register in ${uom} is not an energy register`, unsupported: true };
  const c = u.family === 'energy' ? (dir === 'E' ? 1 : 2) : (dir === 'E' ? 3 : 4);
  return channel(Number(suffix), c, u.family, u.exp);
}

export function nemMeter(nmi: string, protocol: 'nem12' | 'nem13'): Meter {
  return { id: nmi, kind: 'electricity', servicePoint: nmi, protocol, timeZone: NEM_TIME_ZONE, status: 'active' };
}

export function nemChannel(meterId: string, ch: StreamChannel, intervalS: number): Channel {
  return { meterId, obis: ch.obis, unit: ch.unit, intervalS, readingType: readingTypeCode(obisDefinition(ch.obis)!, intervalS) };
}
