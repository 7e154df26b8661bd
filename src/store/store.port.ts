import type {
  Account, MeterAssignment, Channel, EpochSeconds, IntervalSeries, LocalPeriod, Meter, MeterEvent, MeterKind, MeterStatus, Obis,
  RegisterReading, Topology,
} from '../model/index.ts';
import type { ConsentStore } from './consent.port.ts';
import type { DrStore } from './dr.port.ts';

export type * from './consent.port.ts';
export type * from './dr.port.ts';

/**
 * The one storage port. Two implementations (sqlite: embedded default; postgres: scale) pass the
 * same conformance suite in ./conformance. Services and faces see only this interface.
 * All methods are async so that a networked database fits behind the same shape.
 */

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  /** Opaque cursor for the next page, null at the end. */
  readonly next: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | null;
}

export interface MeterFilter {
  readonly feederId?: string;
  readonly transformerId?: string;
  readonly kind?: MeterKind;
  readonly status?: MeterStatus;
  readonly tag?: string;
  /** Substring of the meter id. */
  readonly q?: string;
}

/** Who or what causes a write: goes into audit entries for versioned changes. */
export interface WriteContext {
  readonly source: string;
  readonly actor: string;
  readonly reason?: string;
}

export interface WriteResult {
  /** Intervals stored for the first time (including a missing interval being filled). */
  readonly written: number;
  /** Intervals that matched what was stored: idempotent no-ops. */
  readonly unchanged: number;
  /** Intervals whose value or quality differed: stored as a new version, the old one kept. */
  readonly versioned: number;
}

export interface Reject {
  readonly id?: number;
  readonly at: EpochSeconds;
  readonly source: string;
  /** The receipt (integrity chain entry) of the message the item came from, if any. */
  readonly receiptSeq?: number;
  /** Position of the item in its message/file (index or line). */
  readonly position: number;
  readonly meterId?: string;
  readonly channel?: string;
  readonly code: string;
  readonly reason: string;
  /** The item as received, JSON. */
  readonly item: string;
}

export interface RejectFilter {
  readonly source?: string;
  readonly meterId?: string;
  readonly code?: string;
  readonly since?: EpochSeconds;
}

/** One received message or file, hash-chained so that stored data can be proven to be what arrived. */
export interface Receipt {
  readonly sha256: string;
  readonly source: string;
  readonly receivedAt: EpochSeconds;
  readonly bytes: number;
}

export interface ReceiptEntry extends Receipt {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditInput {
  readonly at: EpochSeconds;
  readonly actor: string;
  readonly action: string;
  readonly object: string;
  readonly details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly objectPrefix?: string;
  /** Entries at or after this instant. */
  readonly since?: EpochSeconds;
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly entries: number;
  /** First sequence number whose hash does not match, if broken. */
  readonly brokenAt?: number;
  readonly reason?: string;
}

/** Everything one ingested message produces, committed atomically: ack means all of it is durable. */
export interface IngestUnit {
  readonly receipt: Receipt;
  readonly series: readonly IntervalSeries[];
  readonly registers?: readonly RegisterReading[];
  readonly events?: readonly MeterEvent[];
  readonly rejects?: readonly Omit<Reject, 'receiptSeq'>[];
}

export interface IngestOutcome {
  readonly receipts: readonly ReceiptEntry[];
  readonly result: WriteResult;
  /**
   * The counts of each unit, in the order given (`result` is their sum). The ingest pipeline
   * commits many messages per call and answers each submitter with its own message's counts.
   */
  readonly units: readonly WriteResult[];
}

export interface SeriesVersion {
  /** UTC day (epoch seconds of 00:00Z) the block covers. */
  readonly day: EpochSeconds;
  readonly version: number;
  readonly recordedAt: EpochSeconds;
  readonly series: IntervalSeries;
}

export interface SumResult {
  /** Per-interval sums; meterId is '*'. Quality is the worst of the contributing intervals. */
  readonly series: IntervalSeries;
  /** Per interval, how many meters contributed an actual or estimated value. */
  readonly contributors: Uint32Array;
}

export interface LocalTotalsQuery {
  readonly meterIds: readonly string[];
  readonly channel: Obis;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly zone: string;
  readonly period: LocalPeriod;
  /** 'meter': one row per meter and bucket; 'all': one row per bucket over the set. */
  readonly groupBy: 'meter' | 'all';
}

export interface LocalTotal {
  readonly meterId: string | '*';
  /** Local date YYYY-MM-DD or month YYYY-MM. */
  readonly label: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly total: number;
  /** Intervals with a value (not N). */
  readonly intervals: number;
  /** Intervals the bucket has on the grid (92/96/100 quarter-hours on DST/normal days). */
  readonly expected: number;
  /** Of `intervals`, how many were substituted or estimated. */
  readonly estimated: number;
}

export interface ApiKeyRecord {
  readonly id: string;
  /** SHA-256 hex of the key; the key itself is never stored. */
  readonly hash: string;
  readonly role: string;
  readonly label: string;
  readonly createdAt: EpochSeconds;
  readonly revokedAt?: EpochSeconds;
}

/**
 * An MQTT client's credential (docs/mqtt.md): the username is the id; only the hash of its secret
 * is kept, in mosquitto's `$7$` PBKDF2-SHA512 form, so an external mosquitto can use it as well.
 */
export interface MqttCredentialRecord {
  readonly id: string;
  /** device: publishes for itself; gateway: for itself and `meters`; platform: the ingest consumer. */
  readonly kind: 'device' | 'gateway' | 'platform';
  readonly hash: string;
  /** A gateway's meters; empty otherwise. */
  readonly meters: readonly string[];
  readonly createdAt: EpochSeconds;
  readonly revokedAt?: EpochSeconds;
}

/** One finding of a VEE run, as stored (rule ids, severities and actions are src/vee's). */
export interface VeeFindingRecord {
  readonly meterId: string;
  readonly channel: Obis;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly rule: string;
  readonly severity: string;
  /** flag | invalidate | annotate: flag and invalidate open an exception. */
  readonly action: string;
  readonly reason: number;
  readonly message: string;
  /** measured, limit and the rule's parameters. */
  readonly details: Record<string, unknown>;
}

/** The explanation of one run of estimated intervals: which rule, which method, which inputs. */
export interface VeeEstimateRecord {
  readonly meterId: string;
  readonly channel: Obis;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly method: string;
  readonly methodFlag: number;
  readonly quality: string;
  readonly reason: number;
  readonly energy: number;
  readonly triggers: readonly string[];
  readonly inputs: Record<string, unknown>;
}

/** A VEE run over one channel window: replaces the findings and estimates stored for that window. */
export interface VeeRunRecord {
  readonly meterId: string;
  readonly channel: Obis;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly at: EpochSeconds;
  /** Rule-set id@version#fingerprint the run used. */
  readonly ruleSet: string;
  readonly findings: readonly VeeFindingRecord[];
  readonly estimates: readonly VeeEstimateRecord[];
}

export const EXCEPTION_STATUSES = ['open', 'estimated', 'accepted', 'edited', 'escalated'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/** A failed validation in the work queue: one per (meter, channel, rule, first interval). */
export interface VeeException {
  readonly id: number;
  readonly meterId: string;
  readonly channel: Obis;
  readonly rule: string;
  readonly severity: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  readonly message: string;
  readonly status: ExceptionStatus;
  readonly assignee?: string;
  readonly createdAt: EpochSeconds;
  readonly updatedAt: EpochSeconds;
}

export interface ExceptionFilter {
  readonly rule?: string;
  readonly status?: ExceptionStatus;
  readonly meterIds?: readonly string[];
  readonly channel?: Obis;
  /** Only exceptions created at or before this instant (an age filter). */
  readonly createdBefore?: EpochSeconds;
}

export interface ExceptionPatch {
  readonly status?: ExceptionStatus;
  /** null unassigns. */
  readonly assignee?: string | null;
}

/** Intervals of one channel that arrived at one instant (an acknowledged message). */
export interface ArrivalInput {
  readonly meterId: string;
  readonly channel: Obis;
  readonly start: EpochSeconds;
  readonly intervalS: number;
  /** Which intervals from `start` arrived (quality not N); all when absent. */
  readonly present?: Uint8Array;
  readonly count: number;
  readonly receivedAt: EpochSeconds;
}

/** First arrival per interval of one channel's UTC day: minutes after the interval end + 1, 0 = never. */
export interface ArrivalBlock {
  readonly meterId: string;
  readonly channel: Obis;
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly late: Uint16Array;
}

export interface AccountFilter {
  readonly cycleDay?: number;
  readonly premise?: string;
  readonly tariffId?: string;
  readonly gridArea?: string;
  /** Substring of the id or name. */
  readonly q?: string;
}

/** One immutable version of a tariff document (src/services/tariffs validates `doc`). */
export interface TariffVersionRecord {
  readonly id: string;
  readonly version: number;
  /** Local date YYYY-MM-DD from which this version applies (in each account's zone). */
  readonly effectiveFrom: string;
  /** The tariff document, JSON. */
  readonly doc: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
}

/** A price of a dynamic feed for [start, start + intervalS), integer micro-units per kWh. */
export interface PricePoint {
  readonly start: EpochSeconds;
  readonly intervalS: number;
  readonly price: number;
}

/** A computed bill: immutable; a re-bill is the next revision of the same account and period. */
export interface BillRecord {
  readonly id?: number;
  readonly accountId: string;
  /** Local dates [from, to) in the account's zone. */
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly revision: number;
  /** Interval versions recorded after this instant were not used: recomputing as of it gives the same bill. */
  readonly asOf: EpochSeconds;
  readonly runId?: string;
  /** Micro-units of the currency. */
  readonly total: number;
  /** The bill document, JSON. */
  readonly doc: string;
  readonly createdAt: EpochSeconds;
}

export interface BillFilter {
  readonly accountId?: string;
  readonly runId?: string;
}

export interface BillingRunRecord {
  readonly id: string;
  readonly cycleDay: number;
  /** Month YYYY-MM in which the bill periods start. */
  readonly period: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly startedAt: EpochSeconds;
  readonly finishedAt?: EpochSeconds;
  readonly actor: string;
  /** Totals and failures, JSON. */
  readonly summary: string;
}

/** A person who logs in to the console or portal. API keys (ApiKeyRecord) are for automation. */
export interface UserRecord {
  readonly id: string;
  /** Unique, compared case-insensitively. */
  readonly username: string;
  readonly name: string;
  readonly role: string;
  /** A customer's premise: the only meters they may see. */
  readonly premise?: string;
  /** scrypt hash with its parameters and salt (src/services/users.rules.ts); never the password. */
  readonly password: string;
  readonly createdAt: EpochSeconds;
  readonly updatedAt: EpochSeconds;
  readonly disabledAt?: EpochSeconds;
}

/** A logged-in browser: the cookie's token is never stored, only its SHA-256. */
export interface SessionRecord {
  readonly hash: string;
  readonly userId: string;
  /** Sent back by the page on every state-changing request (double-submit CSRF token). */
  readonly csrf: string;
  readonly createdAt: EpochSeconds;
  readonly seenAt: EpochSeconds;
  readonly expiresAt: EpochSeconds;
}

/** One settlement period (quarter-hour) of one market-party group: energy and metering-point counts. */
export interface SettlementPeriodRecord {
  /** 1-based position in the local day (1..92/96/100). */
  readonly position: number;
  readonly start: EpochSeconds;
  readonly importWh: number;
  readonly exportWh: number;
  /** Metering points (accounts) assigned in the period; expected = actual + estimated + missing. */
  readonly expected: number;
  readonly actual: number;
  readonly estimated: number;
  readonly missing: number;
}

/** The results of one (grid area, BRP, supplier) group in a settlement run. */
export interface SettlementGroupRecord {
  readonly gridArea: string;
  readonly brp: string;
  readonly supplier: string;
  readonly meteringPoints: number;
  readonly meters: number;
  /** Meters with an export channel. */
  readonly exportMeters: number;
  readonly periods: readonly SettlementPeriodRecord[];
}

/** A settlement run without its group results (src/services/settlement). Immutable: a re-run is the next run number. */
export interface SettlementRunHeader {
  readonly id: string;
  /** Local date YYYY-MM-DD in `zone`. */
  readonly day: string;
  readonly zone: string;
  /** 1, 2, … per (day, zone). */
  readonly runNo: number;
  readonly at: EpochSeconds;
  readonly actor: string;
  /** Completeness against the run's threshold. */
  readonly status: 'complete' | 'incomplete';
  /** Whether the consistency checks (period count, period sums, group totals, allocation) passed. */
  readonly consistent: boolean;
  /** Totals and settings, JSON. */
  readonly summary: string;
  /** The checks and their outcomes, JSON. */
  readonly checks: string;
}

export interface SettlementRunRecord extends SettlementRunHeader {
  readonly groups: readonly SettlementGroupRecord[];
}

export interface SettlementRunFilter {
  readonly day?: string;
  readonly zone?: string;
}

/** A firmware signing public key of a vendor (src/services/firmware). The private key is never stored. */
export interface FirmwareKeyRecord {
  /** `fwk-` + the first 16 hex digits of the SHA-256 of the DER SPKI. */
  readonly id: string;
  readonly vendor: string;
  readonly algorithm: 'ed25519' | 'ecdsa-p256';
  /** DER SubjectPublicKeyInfo, base64. */
  readonly publicKey: string;
  readonly label?: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
}

/** A signed firmware image without its bytes (those are read with getFirmwareImageBytes). */
export interface FirmwareImageRecord {
  readonly id: string;
  readonly vendor: string;
  /** The meter models it fits. */
  readonly models: readonly string[];
  readonly version: string;
  readonly identifier: string;
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
  /** The signing key that verified the signature. */
  readonly keyId: string;
  /** Base64 signature over the image bytes. */
  readonly signature: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
}

export type FirmwareCampaignState = 'draft' | 'running' | 'halted' | 'completed' | 'cancelled';
export type FirmwareJobState = 'pending' | 'transferring' | 'verifying' | 'activating' | 'succeeded' | 'failed' | 'skipped';

/** A firmware campaign; target, settings and the halt reason are JSON documents of the service. */
export interface FirmwareCampaignRecord {
  readonly id: string;
  readonly name: string;
  readonly imageId: string;
  readonly state: FirmwareCampaignState;
  /** The wave being worked on (0 = canary). */
  readonly wave: number;
  readonly waves: number;
  readonly target: string;
  readonly settings: string;
  /** Why it last halted (operator or threshold), JSON; absent if it never halted. */
  readonly halt?: string;
  /** Per-wave results once a wave is done, JSON. */
  readonly results: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
  readonly updatedAt: EpochSeconds;
  readonly startedAt?: EpochSeconds;
  readonly finishedAt?: EpochSeconds;
}

/** One meter of a campaign. */
export interface FirmwareJobRecord {
  readonly campaignId: string;
  readonly meterId: string;
  /** 0 = canary; absent for jobs skipped when the campaign was made. */
  readonly wave?: number;
  /** Order inside the campaign (jobs run by wave, then seq). */
  readonly seq: number;
  readonly state: FirmwareJobState;
  readonly fromVersion?: string;
  /** Error code of a failed job, or the reason of a skipped one (no-path, already-on-version, wrong-model, cancelled). */
  readonly code?: string;
  readonly message?: string;
  readonly path?: string;
  readonly blocksDone: number;
  readonly blocksTotal: number;
  readonly attempts: number;
  readonly startedAt?: EpochSeconds;
  readonly finishedAt?: EpochSeconds;
}

export interface FirmwareJobFilter {
  readonly state?: FirmwareJobState;
  readonly wave?: number;
}

/** Job counts of a campaign per (wave, state), with their blocks. */
export interface FirmwareJobTally {
  readonly wave: number | null;
  readonly state: FirmwareJobState;
  readonly count: number;
  readonly blocksDone: number;
  readonly blocksTotal: number;
  /** Sum of finishedAt - startedAt over finished jobs of the group. */
  readonly seconds: number;
}

export interface Store extends ConsentStore, DrStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Apply pending migrations; returns the schema version. */
  migrate(): Promise<number>;
  close(): Promise<void>;

  upsertMeters(meters: readonly Meter[]): Promise<void>;
  getMeter(id: string): Promise<Meter | undefined>;
  listMeters(filter: MeterFilter, page: PageRequest): Promise<Page<Meter>>;
  meterIds(filter: MeterFilter): Promise<string[]>;
  upsertChannels(channels: readonly Channel[]): Promise<void>;
  listChannels(meterId: string): Promise<Channel[]>;
  upsertTopology(topology: Topology): Promise<void>;
  getTopology(): Promise<Topology>;

  /** Idempotent: same values again = no-op; a different value = new block version + audit entry. */
  writeSeries(batch: readonly IntervalSeries[], ctx: WriteContext): Promise<WriteResult>;
  /** Latest version over [from, to); intervals never received come back as QUALITY.N. */
  readSeries(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<IntervalSeries>;
  /** Every stored version of the blocks overlapping [from, to), oldest first. */
  readVersions(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<SeriesVersion[]>;
  sumSeries(meterIds: readonly string[], channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<SumResult>;
  localTotals(q: LocalTotalsQuery): Promise<LocalTotal[]>;

  writeRegisters(readings: readonly RegisterReading[]): Promise<number>;
  readRegisters(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<RegisterReading[]>;
  writeEvents(events: readonly MeterEvent[]): Promise<number>;
  listEvents(meterId: string | undefined, from: EpochSeconds, to: EpochSeconds, page: PageRequest): Promise<Page<MeterEvent>>;

  /** Commit several messages' worth of data in one transaction, receipts chained in order. */
  ingest(units: readonly IngestUnit[], ctx: WriteContext): Promise<IngestOutcome>;
  addRejects(rejects: readonly Reject[]): Promise<void>;
  listRejects(filter: RejectFilter, page: PageRequest): Promise<Page<Reject>>;
  listReceipts(page: PageRequest): Promise<Page<ReceiptEntry>>;
  verifyReceipts(): Promise<ChainCheck>;

  appendAudit(entries: readonly AuditInput[]): Promise<void>;
  listAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
  verifyAudit(): Promise<ChainCheck>;

  putApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKey(hash: string): Promise<ApiKeyRecord | undefined>;
  countApiKeys(): Promise<number>;

  /** Insert or replace (by id), e.g. to rotate the secret or revoke. */
  putMqttCredential(c: MqttCredentialRecord): Promise<void>;
  getMqttCredential(id: string): Promise<MqttCredentialRecord | undefined>;
  /** Every credential, revoked ones included, ordered by id. */
  listMqttCredentials(): Promise<MqttCredentialRecord[]>;

  /**
   * Store a VEE run: the findings and estimates of [from, to) replace the ones stored for that
   * window, and each flag/invalidate finding opens an exception unless one exists for the same
   * meter, channel, rule and start ('estimated' when an estimate covers it). Returns the new ones.
   */
  recordVeeRun(run: VeeRunRecord): Promise<VeeException[]>;
  listVeeFindings(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<VeeFindingRecord[]>;
  listVeeEstimates(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<VeeEstimateRecord[]>;
  /** Oldest first (by id). */
  listExceptions(filter: ExceptionFilter, page: PageRequest): Promise<Page<VeeException>>;
  getException(id: number): Promise<VeeException | undefined>;
  /** Applies the patch to each existing id; returns the exceptions as they are afterwards (unknown ids left out). */
  updateExceptions(ids: readonly number[], patch: ExceptionPatch, at: EpochSeconds): Promise<VeeException[]>;
  /** Keeps the first arrival time of each interval (later arrivals of the same interval are ignored). */
  recordArrivals(items: readonly ArrivalInput[]): Promise<void>;
  /** Arrival blocks of the meters' channel for the UTC days overlapping [from, to). */
  readArrivals(meterIds: readonly string[], channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<ArrivalBlock[]>;
  /** Progress of a long VEE job (re-validation), opaque JSON; undefined if never saved. */
  getVeeJob(id: string): Promise<string | undefined>;
  putVeeJob(id: string, state: string, at: EpochSeconds): Promise<void>;

  /** Insert or replace (by id): a password change, a new role or disabling is a put. */
  putUser(u: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** By username, case-insensitively. */
  findUser(username: string): Promise<UserRecord | undefined>;
  /** Every user, disabled ones included, by username. */
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  putSession(s: SessionRecord): Promise<void>;
  findSession(hash: string): Promise<SessionRecord | undefined>;
  /** Slides an active session's expiry forward. */
  touchSession(hash: string, seenAt: EpochSeconds, expiresAt: EpochSeconds): Promise<void>;
  deleteSession(hash: string): Promise<void>;
  /** Ends every session of the user (disabled, password changed); returns how many. */
  deleteUserSessions(userId: string): Promise<number>;
  /** Removes sessions expired at `now`; returns how many. */
  deleteExpiredSessions(now: EpochSeconds): Promise<number>;
  /** Ids of the meters whose premise is `premise`, in id order. */
  meterIdsAtPremise(premise: string): Promise<string[]>;

  upsertAccounts(accounts: readonly Account[]): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(filter: AccountFilter, page: PageRequest): Promise<Page<Account>>;
  /** Inserts or replaces (by account, meter, from): ending an assignment is a put with `to`. */
  putAssignments(rows: readonly MeterAssignment[]): Promise<void>;
  /** Assignments of the account (or, without one, of every account) overlapping [from, to), ordered by account, from. */
  listAssignments(accountId: string | undefined, from: EpochSeconds, to: EpochSeconds): Promise<MeterAssignment[]>;

  /** Fails with TARIFF_VERSION_EXISTS if (id, version) is taken: versions are immutable. */
  putTariffVersion(v: TariffVersionRecord): Promise<void>;
  /** Every version of the tariff, oldest first. */
  listTariffVersions(id: string): Promise<TariffVersionRecord[]>;
  /** The ids of every tariff with its newest version number. */
  listTariffs(): Promise<{ id: string; version: number; effectiveFrom: string }[]>;
  /** Replaces points at the same start; returns how many were written. */
  putPrices(feed: string, points: readonly PricePoint[]): Promise<number>;
  /** Points starting in [from, to), in order. */
  readPrices(feed: string, from: EpochSeconds, to: EpochSeconds): Promise<PricePoint[]>;

  /** Stores the bill and returns it with its id; fails with BILL_REVISION_EXISTS on a taken revision. */
  insertBill(bill: BillRecord): Promise<BillRecord>;
  getBill(id: number): Promise<BillRecord | undefined>;
  /** Newest first. */
  listBills(filter: BillFilter, page: PageRequest): Promise<Page<BillRecord>>;
  /** The newest revision stored for the account and period, if any. */
  lastBillRevision(accountId: string, periodFrom: string, periodTo: string): Promise<BillRecord | undefined>;
  putBillingRun(run: BillingRunRecord): Promise<void>;
  getBillingRun(id: string): Promise<BillingRunRecord | undefined>;
  listBillingRuns(page: PageRequest): Promise<Page<BillingRunRecord>>;

  /** Stores a run with its groups; fails with SETTLEMENT_RUN_EXISTS if its id or (day, zone, runNo) is taken. */
  insertSettlementRun(run: SettlementRunRecord): Promise<void>;
  getSettlementRun(id: string): Promise<SettlementRunRecord | undefined>;
  /** Newest first (the order they were stored). */
  listSettlementRuns(filter: SettlementRunFilter, page: PageRequest): Promise<Page<SettlementRunHeader>>;

  /** Fails with FIRMWARE_KEY_EXISTS if the id is taken. */
  insertFirmwareKey(k: FirmwareKeyRecord): Promise<void>;
  /** By vendor, then id; every vendor when absent. */
  listFirmwareKeys(vendor?: string): Promise<FirmwareKeyRecord[]>;
  /** Stores the image and its bytes in one transaction; FIRMWARE_IMAGE_EXISTS if the id or the bytes (sha256) are taken. */
  insertFirmwareImage(image: FirmwareImageRecord, bytes: Uint8Array): Promise<void>;
  getFirmwareImage(id: string): Promise<FirmwareImageRecord | undefined>;
  getFirmwareImageBytes(id: string): Promise<Uint8Array | undefined>;
  /** Newest first. */
  listFirmwareImages(page: PageRequest): Promise<Page<FirmwareImageRecord>>;
  /** Insert or replace (by id). */
  putFirmwareCampaign(c: FirmwareCampaignRecord): Promise<void>;
  getFirmwareCampaign(id: string): Promise<FirmwareCampaignRecord | undefined>;
  /** Newest first. */
  listFirmwareCampaigns(filter: { readonly state?: FirmwareCampaignState }, page: PageRequest): Promise<Page<FirmwareCampaignRecord>>;
  /** Insert or replace (by campaign and meter). */
  putFirmwareJobs(jobs: readonly FirmwareJobRecord[]): Promise<void>;
  getFirmwareJob(campaignId: string, meterId: string): Promise<FirmwareJobRecord | undefined>;
  /** In run order (wave, seq); skipped-at-creation jobs (no wave) last. */
  listFirmwareJobs(campaignId: string, filter: FirmwareJobFilter, page: PageRequest): Promise<Page<FirmwareJobRecord>>;
  tallyFirmwareJobs(campaignId: string): Promise<FirmwareJobTally[]>;
}
