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
import { AccountsService } from './billing/accounts.service.ts';
import { BillingRuns } from './billing/billing-run.ts';
import { BillingService } from './billing/billing.service.ts';
import { TariffsService } from './tariffs/tariffs.service.ts';
import { GridService } from './grid.service.ts';
import { SecurityAlertsService } from './security-alerts.service.ts';
import { OutagesService } from './outages.service.ts';
import { PortalBillingService } from './billing/portal-billing.service.ts';
import { UsersService } from './users.service.ts';
import { PortalService, type DataExporter } from './portal.service.ts';
import { LiveService } from './live.service.ts';
import { SettlementService, type SettlementSettings } from './settlement/index.ts';
import { TouVerificationService } from './billing/tou-verify.service.ts';
import { DrService, type OpenAdrReader } from './dr/index.ts';
import { FirmwareService } from './firmware/index.ts';
import { ConsentService, ThirdPartiesService, ThirdPartyDataService } from './consent/index.ts';

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
  readonly users: UsersService;
  readonly portal: PortalService;
  readonly live: LiveService;
  readonly settlement: SettlementService;
  readonly tariffs: TariffsService;
  readonly accounts: AccountsService;
  readonly billing: BillingService;
  readonly billingRuns: BillingRuns;
  readonly grid: GridService;
  readonly outages: OutagesService;
  readonly portalBilling: PortalBillingService;
  readonly securityAlerts: SecurityAlertsService;
  readonly touVerification: TouVerificationService;
  /** Peak events (demand response), src/services/dr. */
  readonly dr: DrService;
  /** Firmware signing keys, images and campaigns; the composition root starts its runner with the paths to meters. */
  readonly firmware: FirmwareService;
  readonly consents: ConsentService;
  readonly thirdParties: ThirdPartiesService;
  readonly thirdPartyData: ThirdPartyDataService;
}

export interface ServiceDeps {
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly now?: Clock;
  /** The VEE runner (the composition root shares it with the background VEE flow); default rule set if absent. */
  readonly vee?: VeeService;
  /** Export formats the customer portal offers (the composition root passes src/formats' Green Button writer). */
  readonly exporters?: Readonly<Record<string, DataExporter>>;
  /** Default market zone and completeness threshold of settlement runs (Europe/Amsterdam, 0.99 if absent). */
  readonly settlement?: Partial<SettlementSettings>;
  /** Reads OpenADR 2.0b documents for peak-event import (the composition root passes src/formats/openadr). */
  readonly openadr?: OpenAdrReader;
}

export function createServices({ store, ingest, now = systemClock, vee, exporters, settlement, openadr }: ServiceDeps): Services {
  const tariffs = new TariffsService(store, now);
  const billing = new BillingService(store, tariffs, now);
  const consents = new ConsentService(store, now);
  const outages = new OutagesService(store, now);
  const securityAlerts = new SecurityAlertsService(store, now);
  return {
    tariffs,
    accounts: new AccountsService(store, now),
    billing,
    billingRuns: new BillingRuns(store, billing, now),
    grid: new GridService(store, now),
    outages,
    portalBilling: new PortalBillingService(store, billing, tariffs, now),
    securityAlerts,
    touVerification: new TouVerificationService(store, now),
    firmware: new FirmwareService(store, now),
    consents,
    thirdParties: new ThirdPartiesService(store, new AuthService(store, now), now),
    thirdPartyData: new ThirdPartyDataService(store, consents, new ReadingsService(store), now),
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
    users: new UsersService(store, now),
    portal: new PortalService(store, now, exporters),
    live: new LiveService(store, now, {
      activeOutages: async () => (await outages.list({ status: 'active' })).length,
      recentAlerts: async () => (await securityAlerts.list({ since: now() - 86_400, limit: 1 })).total,
    }),
    settlement: new SettlementService(store, now, settlement),
    dr: new DrService(store, now, openadr),
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
export { UsersService, SESSION_PREFIX, type UserView, type NewUser, type UserPatch, type Login, type ActiveSession, type DemoUser } from './users.service.ts';
export { PortalService, USAGE_PERIODS, type UsagePeriod, type Usage, type UsageBucket, type PortalLive, type PortalMeters, type DataExporter } from './portal.service.ts';
export { LiveService, type LiveSnapshot, type LiveChange } from './live.service.ts';
export { TariffsService, type TariffVersionView } from './tariffs/tariffs.service.ts';
export { parseTariff, type Tariff } from './tariffs/tariff.model.ts';
export { AccountsService, type AccountInput } from './billing/accounts.service.ts';
export { BillingService, type BillView, type LineExplanation } from './billing/billing.service.ts';
export { BillingRuns, cyclePeriod, type RunView } from './billing/billing-run.ts';
export type { BillDocument } from './billing/bill.ts';
export type { BillLine } from './tariffs/charges.ts';
export { TouVerificationService, type TouVerifyRequest, type TouReport, type TouReportPage, type TouPageQuery, type TouMeterReport, type TouTotals } from './billing/tou-verify.service.ts';
export { describeFault, TOU_FAULT_KINDS, type TouFault, type TouFaultKind, type TouVerdict } from './billing/tou-verify.rules.ts';
export {
  SettlementService, DEFAULT_SETTLEMENT, EXPORT_FORMATS as SETTLEMENT_EXPORT_FORMATS, CHECK_NAMES as SETTLEMENT_CHECKS,
  type SettlementSettings, type SettlementExport, type RunOutcome as SettlementRunOutcome, type RunDetail as SettlementRunDetail,
  type RunSummary as SettlementRunSummary, type GroupView as SettlementGroupView, type CheckResult as SettlementCheck,
  type RunComparison as SettlementComparison, type ExportFormat as SettlementExportFormat,
} from './settlement/index.ts';
export { GridService, type GridMap, type TransformerDetail } from './grid.service.ts';
export { OutagesService, type Outage } from './outages.service.ts';
export { PortalBillingService, type Advice } from './billing/portal-billing.service.ts';
export { SecurityAlertsService, SECURITY_ACTIONS, type SecurityAlert } from './security-alerts.service.ts';
export * from './consent/index.ts';
export {
  FirmwareService, MAX_IMAGE_BYTES, CAMPAIGN_STATES, JOB_STATES, SKIP_REASONS, DEFAULT_SETTINGS as FIRMWARE_DEFAULTS, parseWindowSpec,
  type CampaignView, type CampaignProgress, type ImageView, type KeyView, type NewCampaign, type NewImage, type NewSigningKey, type WaveResult,
  type CampaignSettings, type CampaignTarget, type HaltReason,
} from './firmware/index.ts';
export { DrService, DR_KINDS, DR_STATUSES, type DrChange, type DrEventDetail, type DrEventInput, type DrEventView, type DrStatus, type IhdDelivery, type ImportOutcome, type Notice, type OpenAdrReader, type DrLevelRecord, type DrPerformanceRecord, type DrTargetSpec } from './dr/index.ts';
