import type { Ingestor } from '../ingest/ingest.port.ts';
import type { Store } from '../store/store.port.ts';
import { AuthService } from './auth.service.ts';
import { systemClock, type Clock } from './clock.ts';
import { FleetService } from './fleet.service.ts';
import { IngestService } from './ingest.service.ts';
import { LoadService } from './load.service.ts';
import { MetersService } from './meters.service.ts';
import { ReadingsService } from './readings.service.ts';
import { RecordsService } from './records.service.ts';
import { VeeService } from './vee.service.ts';
import { VeeExceptionsService } from './vee-exceptions.service.ts';
import { VeeEditService } from './vee-edit.service.ts';
import { VeeQualityService } from './vee-quality.service.ts';

/** Everything the faces (API, CLI, web) may call. Built once by the composition root. */
export interface Services {
  readonly meters: MetersService;
  readonly readings: ReadingsService;
  readonly load: LoadService;
  readonly fleet: FleetService;
  readonly auth: AuthService;
  readonly ingest: IngestService;
  readonly records: RecordsService;
  readonly vee: VeeService;
  readonly veeExceptions: VeeExceptionsService;
  readonly veeEdit: VeeEditService;
  readonly veeQuality: VeeQualityService;
}

export interface ServiceDeps {
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly now?: Clock;
  /** The VEE runner (the composition root shares it with the background VEE flow); default rule set if absent. */
  readonly vee?: VeeService;
}

export function createServices({ store, ingest, now = systemClock, vee }: ServiceDeps): Services {
  return {
    meters: new MetersService(store),
    readings: new ReadingsService(store),
    load: new LoadService(store),
    fleet: new FleetService(store, now),
    auth: new AuthService(store, now),
    ingest: new IngestService(ingest, store, now),
    records: new RecordsService(store),
    vee: vee ?? new VeeService(store, now),
    veeExceptions: new VeeExceptionsService(store, now),
    veeEdit: new VeeEditService(store, now),
    veeQuality: new VeeQualityService(store),
  };
}

export { AuthService, hashKey, KEY_PREFIX, type CreatedKey, type InitialKey, type Principal, actorOf } from './auth.service.ts';
export { PERMISSIONS, ROLES, GRANTS, allows, type Permission, type Role } from './auth.rules.ts';
export { systemClock, type Clock } from './clock.ts';
export { FleetService, type FleetSummary } from './fleet.service.ts';
export { IngestService, type Submission } from './ingest.service.ts';
export { LoadService, ACTIVE_IMPORT, type Load, type LoadPoint } from './load.service.ts';
export { MetersService, type MeterDetail } from './meters.service.ts';
export { DEFAULT_LIMIT, MAX_LIMIT, type PageQuery } from './paging.ts';
export { ReadingsService, type AggregateQuery, type AggregatedReadings, type RawReadings, type ReadingsQuery } from './readings.service.ts';
export type { Aggregate, BucketTotal } from './readings.rules.ts';
export { RecordsService, type ChainReport } from './records.service.ts';
export { VeeService, type RunOptions, type RunOutcome, type VeeSettings } from './vee.service.ts';
export { VeeExceptionsService, MAX_BULK, type ExceptionQuery, type ExceptionView } from './vee-exceptions.service.ts';
export { VeeEditService, EDIT_METHODS, type EditMethod, type EditRequest, type EditResult } from './vee-edit.service.ts';
export { EXCEPTION_STATUSES, type ExceptionPatch, type ExceptionStatus } from '../store/store.port.ts';
export { assertRuleSet } from '../vee/index.ts';
export { VeeQualityService, type Completeness, type QualityQuery, type QualityReport } from './vee-quality.service.ts';
export type { TimeRange } from './range.ts';
export type {
  AuditEntry, AuditFilter, MeterFilter, Page, ReceiptEntry, Reject, RejectFilter,
} from '../store/store.port.ts';
export type { IngestResult, ItemRejection } from '../ingest/ingest.port.ts';
