import type { Phase } from '../../model/index.ts';

/**
 * What the simulator knows about each meter's site: plain data (JSON-safe), derived from the
 * seed by createFleet and read by the day generator. Absent technologies are null rather than
 * missing so that every profile has the same shape.
 */

export interface HouseholdProfile {
  /** Expected annual consumption of the household itself (without EV / heat pump), kWh. */
  readonly annualKwh: number;
  /** Always-on load: standby, fridge, router, ventilation. */
  readonly standbyW: number;
  /** Lighting drawn when the household is awake and it is dark. */
  readonly lightingW: number;
  /** Everything that follows presence: cooking small, TV, computers, pumps. */
  readonly activityW: number;
  /** How often appliances run compared with an average household (household size). */
  readonly usageScale: number;
  /** Bit set of the appliances owned (see APPLIANCES). */
  readonly appliances: number;
}

export interface BusinessProfile {
  readonly type: 'office' | 'shop';
  readonly baseW: number;
  readonly peakW: number;
}

export interface PvProfile {
  readonly kWp: number;
  readonly tiltDeg: number;
  /** Compass bearing the panels face, 180 = south. */
  readonly azimuthDeg: number;
  /** AC limit of the inverter. */
  readonly inverterW: number;
  /** Performance ratio before temperature losses: wiring, soiling, inverter efficiency. */
  readonly performance: number;
}

export interface EvProfile {
  readonly chargeW: number;
  /** Chance of a charging session on a weekday / weekend date. */
  readonly weekdayChance: number;
  readonly weekendChance: number;
  readonly meanSessionWh: number;
  /** Waits for night tariff (starts around midnight) instead of charging on arrival. */
  readonly delayed: boolean;
}

export interface HeatPumpProfile {
  /** Heat loss of the house per kelvin below the balance point, W/K. */
  readonly lossWPerK: number;
  /** Outside temperature above which the house needs no heating, °C. */
  readonly balanceC: number;
  readonly maxElectricW: number;
  /** Resistive backup heater that cuts in when the compressor cannot keep up. */
  readonly backupW: number;
  readonly hotWaterWhPerDay: number;
  /** Local hour the daily hot-water run starts. */
  readonly hotWaterHour: number;
}

export interface MeterProfile {
  readonly meterId: string;
  readonly index: number;
  readonly kind: 'household' | 'business';
  readonly tags: readonly string[];
  readonly threePhase: boolean;
  readonly phase: Phase;
  readonly transformerIndex: number;
  readonly feederIndex: number;
  /** Cable distance from the transformer along its LV feeder, m. */
  readonly lvPositionM: number;
  readonly household: HouseholdProfile | null;
  readonly business: BusinessProfile | null;
  readonly pv: PvProfile | null;
  readonly ev: EvProfile | null;
  readonly heatPump: HeatPumpProfile | null;
  /** Register values (Wh) at the simulator's start instant. */
  readonly initialImportWh: number;
  readonly initialExportWh: number;
}

/** Electrical side of one LV transformer, for the voltage model. */
export interface TransformerProfile {
  readonly id: string;
  readonly index: number;
  readonly feederIndex: number;
  readonly ratingKva: number;
  /** Secondary voltage at no load with its tap setting, V. */
  readonly noLoadV: number;
  /** Number of LV cables leaving the transformer, over which its load is shared. */
  readonly lvCables: number;
  /** Length of the longest LV cable, m. */
  readonly lvCableLengthM: number;
  readonly meterIndices: readonly number[];
}

export interface GridProfile {
  readonly transformers: readonly TransformerProfile[];
}
