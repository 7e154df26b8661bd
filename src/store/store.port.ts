import type {
  Channel, EpochSeconds, IntervalSeries, LocalPeriod, Meter, MeterEvent, MeterKind, MeterStatus, Obis,
  RegisterReading, Topology,
} from '../model/index.ts';

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

export interface Store {
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
}
