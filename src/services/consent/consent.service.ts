import { randomBytes } from 'node:crypto';
import { MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type { ConsentAccessEntry, ConsentFilter, ConsentRecord, Page, PageRequest, Store, ThirdPartyRecord } from '../../store/store.port.ts';
import { actorOf, type Principal } from '../auth.service.ts';
import type { Clock } from '../clock.ts';
import { portalPremise } from '../users.rules.ts';
import {
  consentStatus, grantTimes, isGranularity, isScope, liveness, nextConsentStatus,
  type ConsentStatus, type Granularity, type NotLive, type Scope,
} from './consent.rules.ts';

export interface ConsentView extends ConsentRecord {
  /** active | revoked | expired, judged now. */
  readonly state: ConsentStatus;
  /** The party may read under it right now (active, in validity, party active). */
  readonly live: boolean;
  readonly notLive?: NotLive;
  readonly party: { readonly id: string; readonly legalName: string; readonly status: ThirdPartyRecord['status'] };
}

export interface GrantRequest {
  readonly premise?: string;
  readonly thirdPartyId: string;
  readonly purpose: string;
  readonly scopes: readonly string[];
  readonly granularity: string;
  /** How long the consent lasts (default 365, at most 366). */
  readonly days?: number;
  /** How far back before today the party may read (default 0). */
  readonly historyDays?: number;
}

type ConsentPorts = Pick<Store,
  'getThirdParty' | 'listThirdParties' | 'putConsent' | 'getConsent' | 'listConsents' | 'listConsentAccess' | 'meterIdsAtPremise' | 'appendAudit'>;

const MAX_REASON = 500;

/**
 * Customers' consents for third parties to read their data. A customer grants and revokes for their
 * own premise only; an operator with consents:write may revoke (fraud, complaint) but never grant.
 * Every grant and revoke is audited; reads by third parties go through ThirdPartyDataService.
 */
export class ConsentService {
  constructor(private readonly store: ConsentPorts, private readonly now: Clock) {}

  /** Consents for the operators' console, newest first. */
  async list(filter: Omit<ConsentFilter, 'at'>, page: PageRequest): Promise<Page<ConsentView>> {
    const at = this.now();
    const res = await this.store.listConsents({ ...filter, at }, page);
    return { ...res, items: await this.views(res.items, at) };
  }

  async get(id: string): Promise<ConsentView> {
    const c = await this.store.getConsent(id);
    if (!c) throw new MeterstackError('CONSENT_NOT_FOUND', `no consent "${id}"`);
    return (await this.views([c], this.now()))[0]!;
  }

  /** The portal: the consents of the premise the principal may see (a customer: their own). */
  async mine(p: Principal, premise: string | undefined, page: PageRequest): Promise<Page<ConsentView> & { premise: string }> {
    const which = this.premiseOf(p, premise);
    return { premise: which, ...(await this.list({ premise: which }, page)) };
  }

  /** The portal: who read this premise's data, when and what (refused attempts included). */
  async accessLog(p: Principal, premise: string | undefined, page: PageRequest): Promise<Page<ConsentAccessEntry & { partyName: string }> & { premise: string }> {
    const which = this.premiseOf(p, premise);
    const res = await this.store.listConsentAccess({ premise: which }, page);
    const names = new Map((await this.store.listThirdParties({})).map((x) => [x.id, x.legalName]));
    return { premise: which, ...res, items: res.items.map((e) => ({ ...e, partyName: names.get(e.thirdPartyId) ?? e.thirdPartyId })) };
  }

  /** The active parties a customer may choose from, with the purposes each may ask for. */
  async parties(): Promise<ThirdPartyRecord[]> {
    return this.store.listThirdParties({ status: 'active' });
  }

  /** Only the customer of the premise grants: an operator viewing the portal cannot act for them. */
  async grant(p: Principal, req: GrantRequest): Promise<ConsentView> {
    const premise = this.customerPremise(p, req.premise);
    const party = await this.store.getThirdParty(req.thirdPartyId);
    if (!party || party.status !== 'active') throw new MeterstackError('THIRD_PARTY_NOT_FOUND', `no active third party "${req.thirdPartyId}"`);
    if (!party.purposes.includes(req.purpose)) {
      throw new MeterstackError('CONSENT_INVALID', `${party.legalName} may not ask for purpose "${req.purpose}" (only ${party.purposes.join(', ')})`, { details: { field: 'purpose' } });
    }
    const scopes = [...new Set(req.scopes)];
    if (scopes.length === 0 || !scopes.every(isScope)) throw new MeterstackError('CONSENT_INVALID', 'scope is "import", "export" or both', { details: { field: 'scopes' } });
    if (!isGranularity(req.granularity)) throw new MeterstackError('CONSENT_INVALID', 'granularity is PT15M, PT1H, P1D or P1M', { details: { field: 'granularity' } });
    if ((await this.store.meterIdsAtPremise(premise)).length === 0) throw new MeterstackError('PREMISE_NOT_FOUND', `no meters at premise "${premise}"`);
    const at = this.now();
    const times = grantTimes({ validFrom: at, ...(req.days !== undefined ? { days: req.days } : {}), ...(req.historyDays !== undefined ? { historyDays: req.historyDays } : {}) });
    const actor = actorOf(p);
    const record: ConsentRecord = {
      id: `cns_${randomBytes(8).toString('hex')}`, premise, thirdPartyId: party.id, purpose: req.purpose, scopes: (scopes as Scope[]).sort(),
      granularity: req.granularity, ...times, status: 'active', grantedBy: actor, grantedAt: at,
    };
    await this.store.putConsent(record);
    await this.store.appendAudit([{
      at, actor, action: 'consent.grant', object: `consent:${record.id}`,
      details: { premise, thirdParty: party.id, purpose: record.purpose, scopes: record.scopes, granularity: record.granularity, validUntil: record.validUntil, historyFrom: record.historyFrom },
    }]);
    return (await this.views([record], at))[0]!;
  }

  /** The customer revokes one of their own consents; another premise's consent is not found (no hint it exists). */
  async revokeAsCustomer(p: Principal, id: string, reason?: string): Promise<ConsentView> {
    const premise = this.customerPremise(p, undefined);
    const c = await this.store.getConsent(id);
    if (!c || c.premise !== premise) throw new MeterstackError('CONSENT_NOT_FOUND', `no consent "${id}" for your premise`);
    return this.revoke(c, actorOf(p), reason?.trim() || 'revoked by the customer');
  }

  /** An operator with consents:write revokes (fraud, complaint); the reason is required. */
  async revokeAsOperator(actor: string, id: string, reason: string): Promise<ConsentView> {
    const c = await this.store.getConsent(id);
    if (!c) throw new MeterstackError('CONSENT_NOT_FOUND', `no consent "${id}"`);
    if (reason.trim() === '') throw new MeterstackError('CONSENT_INVALID', 'an operator gives the reason for revoking a customer\'s consent', { details: { field: 'reason' } });
    return this.revoke(c, actor, reason.trim());
  }

  private async revoke(c: ConsentRecord, actor: string, reason: string): Promise<ConsentView> {
    const at = this.now();
    const status = nextConsentStatus(consentStatus(c, at), 'revoke');
    const after: ConsentRecord = { ...c, status, revokedAt: at, revokedBy: actor, revokeReason: reason.slice(0, MAX_REASON) };
    await this.store.putConsent(after);
    await this.store.appendAudit([{ at, actor, action: 'consent.revoke', object: `consent:${c.id}`, details: { premise: c.premise, thirdParty: c.thirdPartyId, reason: after.revokeReason } }]);
    return (await this.views([after], at))[0]!;
  }

  private premiseOf(p: Principal, requested: string | undefined): string {
    const which = portalPremise(p, requested);
    if ('refused' in which) {
      throw which.refused === 'missing'
        ? new MeterstackError('QUERY_INVALID', 'name the premise: ?premise=<id>')
        : new MeterstackError('API_FORBIDDEN', 'a customer sees their own premise only');
    }
    return which.premise;
  }

  private customerPremise(p: Principal, requested: string | undefined): string {
    if (p.role !== 'customer' || p.premise === undefined) {
      throw new MeterstackError('API_FORBIDDEN', 'only the customer of a premise grants or revokes consent for it in the portal; operators revoke in the console');
    }
    return this.premiseOf(p, requested);
  }

  private async views(items: readonly ConsentRecord[], at: EpochSeconds): Promise<ConsentView[]> {
    const parties = new Map<string, ThirdPartyRecord | undefined>();
    const out: ConsentView[] = [];
    for (const c of items) {
      if (!parties.has(c.thirdPartyId)) parties.set(c.thirdPartyId, await this.store.getThirdParty(c.thirdPartyId));
      const party = parties.get(c.thirdPartyId);
      const live = liveness(c, party?.status ?? 'removed', at);
      out.push({
        ...c, state: consentStatus(c, at), live: live.live, ...(live.live ? {} : { notLive: live.reason }),
        party: { id: c.thirdPartyId, legalName: party?.legalName ?? c.thirdPartyId, status: party?.status ?? 'removed' },
      });
    }
    return out;
  }
}

export type { Granularity };
