import type { Obis } from './obis.ts';
import type { StoredUnit } from './reading-type.ts';

export type MeterKind = 'electricity' | 'gas' | 'water' | 'heat';
export type MeterStatus = 'active' | 'inactive' | 'installed' | 'removed';
export type Phase = 'L1' | 'L2' | 'L3' | '3ph';

export interface GridPosition {
  readonly feederId?: string;
  readonly transformerId?: string;
  readonly phase?: Phase;
}

export interface Meter {
  /** Serial number or DLMS logical device name; the stable key everywhere. */
  readonly id: string;
  readonly kind: MeterKind;
  readonly vendor?: string;
  readonly model?: string;
  readonly firmware?: string;
  readonly protocol?: string;
  readonly servicePoint?: string;
  readonly premise?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly grid?: GridPosition;
  /** IANA zone of the meter's site, used for local-day rules. */
  readonly timeZone: string;
  readonly status: MeterStatus;
  /** Free-form profile the simulator or an installer gave (e.g. household, pv, ev, business). */
  readonly tags?: readonly string[];
  readonly installedAt?: number;
  readonly removedAt?: number;
}

export interface Channel {
  readonly meterId: string;
  readonly obis: Obis;
  readonly unit: StoredUnit;
  /** Interval length in seconds; 0 for a register. */
  readonly intervalS: number;
  readonly readingType: string;
}

export interface Feeder {
  readonly id: string;
  readonly name: string;
  readonly substation?: string;
}

export interface Transformer {
  readonly id: string;
  readonly feederId: string;
  readonly ratingKva: number;
  readonly lat?: number;
  readonly lon?: number;
}

export interface Topology {
  readonly feeders: readonly Feeder[];
  readonly transformers: readonly Transformer[];
}
