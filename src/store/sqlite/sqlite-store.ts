import type Database from 'better-sqlite3';
import {
  type Account, type MeterAssignment,
  assertSeries, type Channel, type EpochSeconds, type IntervalSeries, type Meter, type MeterEvent, type Obis, type RegisterReading, type Topology,
} from '../../model/index.ts';
import type {
  ApiKeyRecord, AuditEntry, AuditFilter, AuditInput, ChainCheck, IngestOutcome, IngestUnit, LocalTotal, LocalTotalsQuery, MeterFilter, MqttCredentialRecord,
  Page, PageRequest, ReceiptEntry, Reject, RejectFilter, SeriesVersion, Store, SumResult, WriteContext, WriteResult,
  AccountFilter, BillFilter, BillingRunRecord, BillRecord, PricePoint, TariffVersionRecord,
  ArrivalBlock, ArrivalInput, ExceptionFilter, ExceptionPatch, VeeEstimateRecord, VeeException, VeeFindingRecord, VeeRunRecord,
  SessionRecord, UserRecord,
  SettlementRunFilter, SettlementRunHeader, SettlementRunRecord,
  FirmwareCampaignRecord, FirmwareCampaignState, FirmwareImageRecord, FirmwareJobFilter, FirmwareJobRecord, FirmwareJobTally, FirmwareKeyRecord,
} from '../store.port.ts';
import { BlockCache } from '../common/block-cache.ts';
import { BillingTables } from './billing.ts';
import { ConsentTables } from './consent.ts';
import type {
  ConsentAccessEntry, ConsentAccessFilter, ConsentAccessInput, ConsentFilter, ConsentRecord, ThirdPartyKeyRecord, ThirdPartyRecord,
} from '../consent.port.ts';
import { ApiKeyTable } from './api-keys.ts';
import { Chains } from './chains.ts';
import { ChannelRegistry } from './channels.ts';
import { IntervalReader } from './interval-read.ts';
import { IntervalWriter, type Tally } from './interval-write.ts';
import { MeterTable } from './meters.ts';
import { migrate } from './migrate.ts';
import { MqttCredentialTable } from './mqtt-credentials.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { RecordTables } from './records.ts';
import { SettlementTables } from './settlement.ts';
import { FirmwareTables } from './firmware.ts';
import { DrTables } from './dr.ts';
import type { DrDeliveryRecord, DrEventFilter, DrEventRecord, DrPerformanceRecord, DrResponseRecord, DrTargetRecord } from '../dr.port.ts';
import { VeeTables } from './vee.ts';
import { UserTables } from './users.ts';

export interface SqliteStoreConfig {
  readonly cacheIntervals: number;
  readonly clock: () => EpochSeconds;
}

/**
 * The embedded Store. better-sqlite3 is synchronous, so every method does its work before its
 * promise is returned; each write method is one IMMEDIATE transaction (all or nothing).
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly cache: BlockCache;
  private readonly channels: ChannelRegistry;
  private readonly writer: IntervalWriter;
  private readonly reader: IntervalReader;
  private readonly meters: MeterTable;
  private readonly records: RecordTables;
  private readonly chains: Chains;
  private readonly keys: ApiKeyTable;
  private readonly mqtt: MqttCredentialTable;
  private readonly vee: VeeTables;
  private readonly users: UserTables;
  private readonly billing: BillingTables;
  private readonly settlement: SettlementTables;
  private readonly consent: ConsentTables;
  private readonly firmware: FirmwareTables;
  private readonly dr: DrTables;
  private readonly runner: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly dataVersion: Database.Statement<[], number>;
  private seenVersion = -1;

  constructor(private readonly db: Database.Database, private readonly config: SqliteStoreConfig) {
    this.cache = new BlockCache(config.cacheIntervals);
    this.channels = new ChannelRegistry(db);
    this.writer = new IntervalWriter(db, this.channels, this.cache);
    this.reader = new IntervalReader(db, this.channels);
    this.meters = new MeterTable(db);
    this.records = new RecordTables(db);
    this.chains = new Chains(db);
    this.keys = new ApiKeyTable(db);
    this.mqtt = new MqttCredentialTable(db);
    this.vee = new VeeTables(db);
    this.users = new UserTables(db);
    this.billing = new BillingTables(db);
    this.settlement = new SettlementTables(db);
    this.consent = new ConsentTables(db);
    this.firmware = new FirmwareTables(db);
    this.dr = new DrTables(db);
    this.runner = db.transaction((fn: () => unknown) => fn());
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** Another connection's commit changes data_version: then cached blocks and channels may be stale. */
  private sync(): void {
    const v = this.dataVersion.get()!;
    if (v === this.seenVersion) return;
    this.seenVersion = v;
    this.cache.clear();
    this.channels.reset();
  }

  private tx<T>(fn: () => T): T {
    try {
      const out = this.runner.immediate(() => {
        this.sync();
        const result = fn();
        this.writer.flush();
        this.channels.flush();
        return result;
      }) as T;
      this.channels.commit();
      return out;
    } catch (e) {
      this.writer.discard();
      this.cache.clear();
      this.channels.rollback();
      throw e;
    }
  }

  async migrate(): Promise<number> {
    return migrate(this.db, MIGRATIONS, this.config.clock());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async upsertMeters(meters: readonly Meter[]): Promise<void> {
    this.tx(() => this.meters.upsertAll(meters));
  }

  async getMeter(id: string): Promise<Meter | undefined> {
    return this.meters.get(id);
  }

  async listMeters(filter: MeterFilter, page: PageRequest): Promise<Page<Meter>> {
    return this.meters.list(filter, page);
  }

  async meterIds(filter: MeterFilter): Promise<string[]> {
    return this.meters.ids(filter);
  }

  async upsertChannels(channels: readonly Channel[]): Promise<void> {
    this.tx(() => this.channels.upsertAll(channels));
  }

  async listChannels(meterId: string): Promise<Channel[]> {
    return this.channels.list(meterId);
  }

  async upsertTopology(topology: Topology): Promise<void> {
    this.tx(() => this.meters.upsertTopology(topology));
  }

  async getTopology(): Promise<Topology> {
    return this.meters.topology();
  }

  async writeSeries(batch: readonly IntervalSeries[], ctx: WriteContext): Promise<WriteResult> {
    for (const s of batch) assertSeries(s);
    const now = this.config.clock();
    return this.tx(() => {
      const tally: Tally = { written: 0, unchanged: 0, versioned: 0 };
      const audits: AuditInput[] = [];
      this.writer.write(batch, ctx, now, tally, audits);
      this.chains.appendAudit(audits);
      return tally;
    });
  }

  async readSeries(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<IntervalSeries> {
    this.sync();
    return this.reader.readSeries(meterId, channel, from, to);
  }

  async readVersions(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<SeriesVersion[]> {
    this.sync();
    return this.reader.readVersions(meterId, channel, from, to);
  }

  async sumSeries(meterIds: readonly string[], channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<SumResult> {
    this.sync();
    return this.reader.sumSeries(meterIds, channel, from, to);
  }

  async localTotals(q: LocalTotalsQuery): Promise<LocalTotal[]> {
    this.sync();
    return this.reader.localTotals(q);
  }

  async writeRegisters(readings: readonly RegisterReading[]): Promise<number> {
    return this.tx(() => this.records.writeRegisters(readings));
  }

  async readRegisters(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<RegisterReading[]> {
    return this.records.readRegisters(meterId, channel, from, to);
  }

  async writeEvents(events: readonly MeterEvent[]): Promise<number> {
    return this.tx(() => this.records.writeEvents(events));
  }

  async listEvents(meterId: string | undefined, from: EpochSeconds, to: EpochSeconds, page: PageRequest): Promise<Page<MeterEvent>> {
    return this.records.listEvents(meterId, from, to, page);
  }

  async ingest(units: readonly IngestUnit[], ctx: WriteContext): Promise<IngestOutcome> {
    for (const u of units) for (const s of u.series) assertSeries(s);
    const now = this.config.clock();
    return this.tx(() => {
      const audits: AuditInput[] = [];
      const receipts: ReceiptEntry[] = [];
      const perUnit: Tally[] = [];
      const chained = this.chains.appendReceipts(units.map((u) => u.receipt));
      for (const [i, u] of units.entries()) {
        const receipt = chained[i]!;
        receipts.push(receipt);
        const tally: Tally = { written: 0, unchanged: 0, versioned: 0 };
        this.writer.write(u.series, ctx, now, tally, audits);
        perUnit.push(tally);
        if (u.registers) this.records.writeRegisters(u.registers);
        if (u.events) this.records.writeEvents(u.events);
        if (u.rejects) this.records.addRejects(u.rejects, receipt.seq);
      }
      this.chains.appendAudit(audits);
      const result = perUnit.reduce((a, t) => ({ written: a.written + t.written, unchanged: a.unchanged + t.unchanged, versioned: a.versioned + t.versioned }), { written: 0, unchanged: 0, versioned: 0 });
      return { receipts, result, units: perUnit };
    });
  }

  async addRejects(rejects: readonly Reject[]): Promise<void> {
    this.tx(() => this.records.addRejects(rejects));
  }

  async listRejects(filter: RejectFilter, page: PageRequest): Promise<Page<Reject>> {
    return this.records.listRejects(filter, page);
  }

  async listReceipts(page: PageRequest): Promise<Page<ReceiptEntry>> {
    return this.chains.listReceipts(page);
  }

  async verifyReceipts(): Promise<ChainCheck> {
    return this.chains.verifyReceipts();
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<void> {
    this.tx(() => this.chains.appendAudit(entries));
  }

  async listAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
    return this.chains.listAudit(filter, page);
  }

  async verifyAudit(): Promise<ChainCheck> {
    return this.chains.verifyAudit();
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    this.tx(() => this.keys.putKey(key));
  }

  async findApiKey(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.keys.find(hash);
  }

  async countApiKeys(): Promise<number> {
    return this.keys.total();
  }

  async putMqttCredential(c: MqttCredentialRecord): Promise<void> {
    this.tx(() => this.mqtt.putCredential(c));
  }

  async getMqttCredential(id: string): Promise<MqttCredentialRecord | undefined> {
    return this.mqtt.get(id);
  }

  async listMqttCredentials(): Promise<MqttCredentialRecord[]> {
    return this.mqtt.list();
  }

  async recordVeeRun(run: VeeRunRecord): Promise<VeeException[]> {
    return this.tx(() => this.vee.recordRun(run));
  }

  async listVeeFindings(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<VeeFindingRecord[]> {
    return this.vee.listFindings(meterId, channel, from, to);
  }

  async listVeeEstimates(meterId: string, channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<VeeEstimateRecord[]> {
    return this.vee.listEstimates(meterId, channel, from, to);
  }

  async listExceptions(filter: ExceptionFilter, page: PageRequest): Promise<Page<VeeException>> {
    return this.vee.listExceptions(filter, page);
  }

  async getException(id: number): Promise<VeeException | undefined> {
    return this.vee.getException(id);
  }

  async updateExceptions(ids: readonly number[], patch: ExceptionPatch, at: EpochSeconds): Promise<VeeException[]> {
    return this.tx(() => this.vee.updateExceptions(ids, patch, at));
  }

  async recordArrivals(items: readonly ArrivalInput[]): Promise<void> {
    if (items.length > 0) this.tx(() => this.vee.recordArrivals(items));
  }

  async readArrivals(meterIds: readonly string[], channel: Obis, from: EpochSeconds, to: EpochSeconds): Promise<ArrivalBlock[]> {
    return this.vee.readArrivals(meterIds, channel, from, to);
  }

  async getVeeJob(id: string): Promise<string | undefined> {
    return this.vee.getJob(id);
  }

  async putVeeJob(id: string, state: string, at: EpochSeconds): Promise<void> {
    this.tx(() => this.vee.putJob(id, state, at));
  }

  async putUser(u: UserRecord): Promise<void> {
    this.tx(() => this.users.putUser(u));
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.users.getUser(id);
  }

  async findUser(username: string): Promise<UserRecord | undefined> {
    return this.users.findUser(username);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.users.listUsers();
  }

  async countUsers(): Promise<number> {
    return this.users.countUsers();
  }

  async putSession(s: SessionRecord): Promise<void> {
    this.tx(() => this.users.putSession(s));
  }

  async findSession(hash: string): Promise<SessionRecord | undefined> {
    return this.users.findSession(hash);
  }

  async touchSession(hash: string, seenAt: EpochSeconds, expiresAt: EpochSeconds): Promise<void> {
    this.tx(() => this.users.touchSession(hash, seenAt, expiresAt));
  }

  async deleteSession(hash: string): Promise<void> {
    this.tx(() => this.users.deleteSession(hash));
  }

  async deleteUserSessions(userId: string): Promise<number> {
    return this.tx(() => this.users.deleteUserSessions(userId));
  }

  async deleteExpiredSessions(now: EpochSeconds): Promise<number> {
    return this.tx(() => this.users.deleteExpiredSessions(now));
  }

  async meterIdsAtPremise(premise: string): Promise<string[]> {
    return this.users.meterIdsAtPremise(premise);
  }

  async upsertAccounts(accounts: readonly Account[]): Promise<void> {
    this.tx(() => this.billing.upsertAccounts(accounts));
  }

  async getAccount(id: string): Promise<Account | undefined> {
    return this.billing.getAccount(id);
  }

  async listAccounts(filter: AccountFilter, page: PageRequest): Promise<Page<Account>> {
    return this.billing.listAccounts(filter, page);
  }

  async putAssignments(rows: readonly MeterAssignment[]): Promise<void> {
    this.tx(() => this.billing.putAssignments(rows));
  }

  async listAssignments(accountId: string | undefined, from: EpochSeconds, to: EpochSeconds): Promise<MeterAssignment[]> {
    return this.billing.listAssignments(accountId, from, to);
  }

  async putTariffVersion(v: TariffVersionRecord): Promise<void> {
    this.tx(() => this.billing.putTariffVersion(v));
  }

  async listTariffVersions(id: string): Promise<TariffVersionRecord[]> {
    return this.billing.listTariffVersions(id);
  }

  async listTariffs(): Promise<{ id: string; version: number; effectiveFrom: string }[]> {
    return this.billing.listTariffs();
  }

  async putPrices(feed: string, points: readonly PricePoint[]): Promise<number> {
    return this.tx(() => this.billing.putPrices(feed, points));
  }

  async readPrices(feed: string, from: EpochSeconds, to: EpochSeconds): Promise<PricePoint[]> {
    return this.billing.readPrices(feed, from, to);
  }

  async insertBill(bill: BillRecord): Promise<BillRecord> {
    return this.tx(() => this.billing.insertBill(bill));
  }

  async getBill(id: number): Promise<BillRecord | undefined> {
    return this.billing.getBill(id);
  }

  async listBills(filter: BillFilter, page: PageRequest): Promise<Page<BillRecord>> {
    return this.billing.listBills(filter, page);
  }

  async lastBillRevision(accountId: string, periodFrom: string, periodTo: string): Promise<BillRecord | undefined> {
    return this.billing.lastBill(accountId, periodFrom, periodTo);
  }

  async putBillingRun(run: BillingRunRecord): Promise<void> {
    this.tx(() => this.billing.putRun(run));
  }

  async getBillingRun(id: string): Promise<BillingRunRecord | undefined> {
    return this.billing.getRun(id);
  }

  async listBillingRuns(page: PageRequest): Promise<Page<BillingRunRecord>> {
    return this.billing.listRuns(page);
  }

  async insertSettlementRun(run: SettlementRunRecord): Promise<void> {
    this.tx(() => this.settlement.insert(run));
  }

  async getSettlementRun(id: string): Promise<SettlementRunRecord | undefined> {
    return this.settlement.get(id);
  }

  async listSettlementRuns(filter: SettlementRunFilter, page: PageRequest): Promise<Page<SettlementRunHeader>> {
    return this.settlement.list(filter, page);
  }

  async insertFirmwareKey(k: FirmwareKeyRecord): Promise<void> {
    this.tx(() => this.firmware.putKey(k));
  }

  async listFirmwareKeys(vendor?: string): Promise<FirmwareKeyRecord[]> {
    return this.firmware.listKeys(vendor);
  }

  async insertFirmwareImage(image: FirmwareImageRecord, bytes: Uint8Array): Promise<void> {
    this.tx(() => this.firmware.putImage(image, bytes));
  }

  async getFirmwareImage(id: string): Promise<FirmwareImageRecord | undefined> {
    return this.firmware.getImage(id);
  }

  async getFirmwareImageBytes(id: string): Promise<Uint8Array | undefined> {
    return this.firmware.getImageBytes(id);
  }

  async listFirmwareImages(page: PageRequest): Promise<Page<FirmwareImageRecord>> {
    return this.firmware.listImages(page);
  }

  async putFirmwareCampaign(c: FirmwareCampaignRecord): Promise<void> {
    this.tx(() => this.firmware.putCampaign(c));
  }

  async getFirmwareCampaign(id: string): Promise<FirmwareCampaignRecord | undefined> {
    return this.firmware.getCampaign(id);
  }

  async listFirmwareCampaigns(filter: { readonly state?: FirmwareCampaignState }, page: PageRequest): Promise<Page<FirmwareCampaignRecord>> {
    return this.firmware.listCampaigns(filter, page);
  }

  async putFirmwareJobs(jobs: readonly FirmwareJobRecord[]): Promise<void> {
    this.tx(() => this.firmware.putJobs(jobs));
  }

  async getFirmwareJob(campaignId: string, meterId: string): Promise<FirmwareJobRecord | undefined> {
    return this.firmware.getJob(campaignId, meterId);
  }

  async listFirmwareJobs(campaignId: string, filter: FirmwareJobFilter, page: PageRequest): Promise<Page<FirmwareJobRecord>> {
    return this.firmware.listJobs(campaignId, filter, page);
  }

  async tallyFirmwareJobs(campaignId: string): Promise<FirmwareJobTally[]> {
    return this.firmware.tally(campaignId);
  }

  async putThirdParty(p: ThirdPartyRecord): Promise<void> {
    this.tx(() => this.consent.putParty(p));
  }

  async getThirdParty(id: string): Promise<ThirdPartyRecord | undefined> {
    return this.consent.getParty(id);
  }

  async listThirdParties(filter: { readonly status?: ThirdPartyRecord['status'] }): Promise<ThirdPartyRecord[]> {
    return this.consent.listParties(filter);
  }

  async putThirdPartyKey(k: ThirdPartyKeyRecord): Promise<void> {
    this.tx(() => this.consent.putKey(k));
  }

  async getThirdPartyKey(keyId: string): Promise<ThirdPartyKeyRecord | undefined> {
    return this.consent.getKey(keyId);
  }

  async listThirdPartyKeys(thirdPartyId: string): Promise<ThirdPartyKeyRecord[]> {
    return this.consent.listKeys(thirdPartyId);
  }

  async putConsent(c: ConsentRecord): Promise<void> {
    this.tx(() => this.consent.putConsent(c));
  }

  async getConsent(id: string): Promise<ConsentRecord | undefined> {
    return this.consent.getConsent(id);
  }

  async listConsents(filter: ConsentFilter, page: PageRequest): Promise<Page<ConsentRecord>> {
    return this.consent.listConsents(filter, page);
  }

  async appendConsentAccess(e: ConsentAccessInput): Promise<void> {
    this.tx(() => this.consent.appendAccess(e));
  }

  async listConsentAccess(filter: ConsentAccessFilter, page: PageRequest): Promise<Page<ConsentAccessEntry>> {
    return this.consent.listAccess(filter, page);
  }

  // Peak events (demand response, src/store/dr.port.ts)
  async putDrEvent(e: DrEventRecord): Promise<void> { this.tx(() => this.dr.putEvent(e)); }
  async getDrEvent(id: string): Promise<DrEventRecord | undefined> { return this.dr.getEvent(id); }
  async listDrEvents(filter: DrEventFilter, page: PageRequest): Promise<Page<DrEventRecord>> { return this.dr.listEvents(filter, page); }
  async putDrTargets(eventId: string, targets: readonly DrTargetRecord[]): Promise<void> { this.tx(() => this.dr.putTargets(eventId, targets)); }
  async listDrTargets(eventId: string): Promise<DrTargetRecord[]> { return this.dr.listTargets(eventId); }
  async putDrResponse(r: DrResponseRecord): Promise<void> { this.tx(() => this.dr.putResponse(r)); }
  async listDrResponses(eventId: string): Promise<DrResponseRecord[]> { return this.dr.listResponses(eventId); }
  async putDrDeliveries(rows: readonly DrDeliveryRecord[]): Promise<void> { this.tx(() => this.dr.putDeliveries(rows)); }
  async listDrDeliveries(eventId: string): Promise<DrDeliveryRecord[]> { return this.dr.listDeliveries(eventId); }
  async putDrPerformance(eventId: string, rows: readonly DrPerformanceRecord[]): Promise<void> { this.tx(() => this.dr.putPerformance(eventId, rows)); }
  async listDrPerformance(eventId: string): Promise<DrPerformanceRecord[]> { return this.dr.listPerformance(eventId); }
}
