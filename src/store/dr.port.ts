import type { EpochSeconds } from '../model/index.ts';
// Structurally the Store's Page and PageRequest (store.port.ts imports this file, so not from there).
interface Page<T> { readonly items: T[]; readonly total: number; readonly next: string | null }
interface PageRequest { readonly limit: number; readonly cursor?: string | null }

/** Peak events (demand response, src/services/dr): what the store keeps of them. */

export type DrEventKind = 'critical-peak-price' | 'load-reduction' | 'price-signal';

/** One interval of the event's signal: a level (0..3, OpenADR SIMPLE), and a price per kWh for price events. */
export interface DrLevelRecord {
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly level: number;
  /** Price per kWh in the tariff currency, for critical-peak-price and price-signal events. */
  readonly price?: number;
}

/** Whom the event is for, as the operator (or the VTN) said it; resolved to meters in DrTargetRecord. */
export interface DrTargetSpec {
  readonly all?: boolean;
  readonly gridAreas?: readonly string[];
  readonly feeders?: readonly string[];
  readonly transformers?: readonly string[];
  readonly premises?: readonly string[];
}

export interface DrEventRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: DrEventKind;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** When customers were (or are to be) told. */
  readonly noticeAt: EpochSeconds;
  readonly levels: readonly DrLevelRecord[];
  readonly targets: DrTargetSpec;
  /** What customers are asked to do, in the operator's words (the portal adds its own translated advice). */
  readonly message?: string;
  readonly source: 'console' | 'openadr';
  /** For events from an oadrDistributeEvent: `<vtnId>/<eventId>`, and the VTN's modification number. */
  readonly externalKey?: string;
  readonly modification?: number;
  readonly createdBy: string;
  readonly createdAt: EpochSeconds;
  readonly updatedAt: EpochSeconds;
  readonly cancelledAt?: EpochSeconds;
  readonly cancelledBy?: string;
}

/** A meter the event's targets resolved to, with its premise (if any). */
export interface DrTargetRecord {
  readonly meterId: string;
  readonly premise: string | null;
}

/** A premise's answer to an event (one row per event and premise; the audit log keeps the history). */
export interface DrResponseRecord {
  readonly eventId: string;
  readonly premise: string;
  readonly acknowledgedAt?: EpochSeconds;
  readonly optedOutAt?: EpochSeconds;
  readonly actor: string;
  readonly at: EpochSeconds;
}

export type DrDeliveryStatus = 'sent' | 'answered' | 'failed';

/** The in-home-display notice sent to one meter over the MQTT command channel. */
export interface DrDeliveryRecord {
  readonly eventId: string;
  readonly meterId: string;
  readonly status: DrDeliveryStatus;
  readonly at: EpochSeconds;
  readonly detail?: string;
}

/** A premise's result in an event (src/services/dr/baseline.rules.ts); figures null without one. */
export interface DrPerformanceRecord {
  readonly eventId: string;
  readonly premise: string;
  readonly status: 'ok' | 'insufficient-history' | 'missing-data';
  readonly method: string;
  readonly days: readonly string[];
  readonly intervals: number;
  readonly baselineWh: number | null;
  readonly actualWh: number | null;
  readonly reductionWh: number | null;
  readonly estimatedActual: number;
  readonly estimatedBaseline: number;
  readonly missingActual: number;
  readonly computedAt: EpochSeconds;
}

export interface DrEventFilter {
  /** Only events whose resolved targets include this premise. */
  readonly premise?: string;
  readonly externalKey?: string;
  /** Events overlapping [from, to). */
  readonly from?: EpochSeconds;
  readonly to?: EpochSeconds;
}

export interface DrStore {
  /** Insert or replace by id (a cancel or an OpenADR modification is a put). */
  putDrEvent(e: DrEventRecord): Promise<void>;
  getDrEvent(id: string): Promise<DrEventRecord | undefined>;
  /** Newest start first. */
  listDrEvents(filter: DrEventFilter, page: PageRequest): Promise<Page<DrEventRecord>>;
  /** Replaces the event's resolved targets. */
  putDrTargets(eventId: string, targets: readonly DrTargetRecord[]): Promise<void>;
  /** By meter id. */
  listDrTargets(eventId: string): Promise<DrTargetRecord[]>;
  /** Insert or replace by (event, premise). */
  putDrResponse(r: DrResponseRecord): Promise<void>;
  /** By premise. */
  listDrResponses(eventId: string): Promise<DrResponseRecord[]>;
  /** Insert or replace by (event, meter). */
  putDrDeliveries(rows: readonly DrDeliveryRecord[]): Promise<void>;
  listDrDeliveries(eventId: string): Promise<DrDeliveryRecord[]>;
  /** Replaces the event's performance rows. */
  putDrPerformance(eventId: string, rows: readonly DrPerformanceRecord[]): Promise<void>;
  /** By premise. */
  listDrPerformance(eventId: string): Promise<DrPerformanceRecord[]>;
}
