import { DAY_S, isMeterstackError, MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type { ConsentRecord, Page, PageRequest, Store, ThirdPartyRecord } from '../../store/store.port.ts';
import type { Principal } from '../auth.service.ts';
import type { Clock } from '../clock.ts';
import { MAX_LIMIT } from '../paging.ts';
import type { ReadingsService } from '../readings.service.ts';
import type { Aggregate } from '../readings.rules.ts';
import {
  clampWindow, coarseEnough, GRANULARITIES, isGranularity, isScope, liveness, MAX_REQUEST_DAYS, SCOPE_OBIS, SCOPES,
  type Granularity, type Scope,
} from './consent.rules.ts';
import type { ConsentService, ConsentView } from './consent.service.ts';

export interface DataRequest {
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  /** Default: the consent's own granularity. */
  readonly granularity?: string;
  /** Default: every scope the consent covers. */
  readonly scopes?: readonly string[];
  readonly purpose?: string;
}

export interface DataPoint {
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** Wh in the bucket (sum of the intervals with a value). */
  readonly value: number;
  readonly intervals: number;
  readonly expected: number;
  readonly estimated: number;
}

export interface DataSeries {
  readonly meter: string;
  readonly scope: Scope;
  readonly obis: string;
  readonly points: readonly DataPoint[];
}

export interface ThirdPartyData {
  readonly premise: string;
  readonly zone: string;
  readonly consent: ConsentRecord;
  readonly granularity: Granularity;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly clamped: boolean;
  readonly series: readonly DataSeries[];
}

type DataPorts = Pick<Store, 'getThirdPartyKey' | 'getThirdParty' | 'listConsents' | 'meterIdsAtPremise' | 'getMeter' | 'listChannels' | 'appendConsentAccess' | 'appendAudit'>;

const AGGREGATE: Readonly<Record<Granularity, Aggregate | 'raw'>> = { PT15M: 'raw', PT1H: 'hour', P1D: 'day', P1M: 'month' };

/**
 * What a third party may read: only under a live consent (active, in validity, the party active),
 * for that premise, purpose and scope, within the consented history, never finer than consented.
 * Every attempt, served or refused, lands in the access log the customer sees, and in the audit log.
 */
export class ThirdPartyDataService {
  constructor(private readonly store: DataPorts, private readonly consents: Pick<ConsentService, 'list'>, private readonly reader: ReadingsService, private readonly now: Clock) {}

  /** The registered party an API key acts for; a suspended or removed party gets nothing. */
  async partyOf(p: Principal): Promise<ThirdPartyRecord> {
    const bound = p.role === 'third-party' ? await this.store.getThirdPartyKey(p.keyId) : undefined;
    if (!bound || bound.revokedAt !== undefined) throw new MeterstackError('THIRD_PARTY_KEY_UNBOUND', 'this API key does not act for a registered third party');
    const party = await this.store.getThirdParty(bound.thirdPartyId);
    if (!party) throw new MeterstackError('THIRD_PARTY_KEY_UNBOUND', 'this API key does not act for a registered third party');
    if (party.status !== 'active') throw new MeterstackError('THIRD_PARTY_SUSPENDED', `${party.legalName} is ${party.status}: its access is stopped`);
    return party;
  }

  /** The party's own consents, so it knows what it may read. */
  async ownConsents(p: Principal, page: PageRequest): Promise<Page<ConsentView>> {
    const party = await this.partyOf(p);
    return this.consents.list({ thirdPartyId: party.id }, page);
  }

  async readings(p: Principal, premise: string, q: DataRequest): Promise<ThirdPartyData> {
    const party = await this.partyOf(p);
    const at = this.now();
    const log = { at, thirdPartyId: party.id, premise, keyId: p.keyId, from: q.from, to: q.to };
    let consentId: string | undefined;
    try {
      const { consent, granularity, scopes } = await this.choose(party, premise, q, at);
      consentId = consent.id;
      const data = await this.read(premise, consent, granularity, scopes, q, at);
      const values = data.series.reduce((n, s) => n + s.points.length, 0);
      await this.store.appendConsentAccess({ ...log, consentId, scopes, granularity, from: data.from, to: data.to, outcome: 'served', values });
      await this.store.appendAudit([{
        at, actor: `thirdparty:${party.id}`, action: 'consent.access', object: `premise:${premise}`,
        details: { consent: consent.id, keyId: p.keyId, granularity, scopes, from: data.from, to: data.to, values },
      }]);
      return data;
    } catch (e) {
      if (isMeterstackError(e) && e.status === 403) {
        const scopes = (q.scopes ?? []).filter(isScope);
        await this.store.appendConsentAccess({ ...log, ...(consentId ? { consentId } : {}), scopes, granularity: q.granularity ?? '', outcome: 'refused', reason: e.code, values: 0 });
        await this.store.appendAudit([{ at, actor: `thirdparty:${party.id}`, action: 'consent.access-refused', object: `premise:${premise}`, details: { code: e.code, keyId: p.keyId } }]);
      }
      throw e;
    }
  }

  /** The live consent that covers the request: matching purpose and scopes, the finest one if several do. */
  private async choose(party: ThirdPartyRecord, premise: string, q: DataRequest, at: EpochSeconds)
    : Promise<{ consent: ConsentRecord; granularity: Granularity; scopes: Scope[] }> {
    if (q.granularity !== undefined && !isGranularity(q.granularity)) throw new MeterstackError('QUERY_INVALID', 'granularity is PT15M, PT1H, P1D or P1M');
    const wanted = q.scopes === undefined || q.scopes.length === 0 ? undefined : [...new Set(q.scopes)];
    if (wanted && !wanted.every(isScope)) throw new MeterstackError('QUERY_INVALID', 'scope is "import" or "export"');
    const all = (await this.store.listConsents({ premise, thirdPartyId: party.id, status: 'active', at }, { limit: 100 })).items;
    const live = all.filter((c) => liveness(c, party.status, at).live && (q.purpose === undefined || c.purpose === q.purpose));
    if (live.length === 0) throw new MeterstackError('CONSENT_REQUIRED', `no live consent of premise "${premise}" for ${party.legalName}${q.purpose ? ` for purpose "${q.purpose}"` : ''}`);
    const covering = live.filter((c) => (wanted ?? []).every((s) => c.scopes.includes(s)));
    if (covering.length === 0) throw new MeterstackError('CONSENT_SCOPE_EXCEEDED', `the consent covers ${[...new Set(live.flatMap((c) => c.scopes))].join(' and ')} only`);
    const rank = (c: ConsentRecord) => GRANULARITIES.indexOf(c.granularity as Granularity);
    const consent = [...covering].sort((a, b) => rank(a) - rank(b) || a.historyFrom - b.historyFrom)[0]!;
    const consented = consent.granularity as Granularity;
    const granularity = (q.granularity ?? consented) as Granularity;
    if (!coarseEnough(consented, granularity)) {
      throw new MeterstackError('CONSENT_GRANULARITY_EXCEEDED', `the consent allows ${consented} or coarser, not ${granularity}`, { details: { consented, requested: granularity } });
    }
    return { consent, granularity, scopes: (wanted ?? consent.scopes.filter(isScope)) as Scope[] };
  }

  private async read(premise: string, consent: ConsentRecord, g: Granularity, scopes: readonly Scope[], q: DataRequest, at: EpochSeconds): Promise<ThirdPartyData> {
    if (!(q.from < q.to)) throw new MeterstackError('QUERY_INVALID', '"from" must be before "to"');
    if (q.to - q.from > MAX_REQUEST_DAYS[g] * DAY_S) throw new MeterstackError('QUERY_INVALID', `at ${g} one request spans at most ${MAX_REQUEST_DAYS[g]} days`);
    const ids = await this.store.meterIdsAtPremise(premise);
    const meters = (await Promise.all(ids.map((id) => this.store.getMeter(id)))).filter((m) => m !== undefined);
    const zone = meters[0]?.timeZone ?? 'UTC';
    const w = clampWindow(q, consent.historyFrom, at, zone, g);
    const series: DataSeries[] = [];
    for (const m of meters) {
      const channels = await this.store.listChannels(m.id);
      for (const scope of SCOPES) {
        if (!scopes.includes(scope)) continue;
        const ch = channels.find((c) => c.obis === SCOPE_OBIS[scope] && c.intervalS > 0);
        if (!ch) continue;
        const points = w.from < w.to ? await this.points(m.id, ch.obis, zone, g, w.from, w.to) : [];
        series.push({ meter: m.id, scope, obis: ch.obis, points });
      }
    }
    return { premise, zone, consent, granularity: g, from: w.from, to: w.to, clamped: w.clamped, series };
  }

  private async points(meterId: string, channel: string, zone: string, g: Granularity, from: EpochSeconds, to: EpochSeconds): Promise<DataPoint[]> {
    const out: DataPoint[] = [];
    let cursor: string | null = null;
    const period = AGGREGATE[g];
    do {
      const page: PageRequest = { limit: MAX_LIMIT, cursor };
      if (period === 'raw') {
        const r = await this.reader.raw({ meterId, channel, from, to, zone }, page);
        for (const x of r.items) {
          const q = x.quality;
          const has = q !== 'N';
          out.push({ start: x.end - x.intervalS, end: x.end, value: has ? x.value : 0, intervals: has ? 1 : 0, expected: 1, estimated: q === 'E' || q === 'S' || q === 'F' ? 1 : 0 });
        }
        cursor = r.next;
      } else {
        const r = await this.reader.aggregate({ meterId, channel, from, to, zone, period }, page);
        for (const b of r.items) out.push({ start: b.start, end: b.end, value: b.total, intervals: b.intervals, expected: b.expected, estimated: b.estimated });
        cursor = r.next;
      }
    } while (cursor);
    return out.filter((x) => x.start >= from);
  }
}

