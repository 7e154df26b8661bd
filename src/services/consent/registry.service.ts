import { MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type { Store, ThirdPartyKeyRecord, ThirdPartyRecord } from '../../store/store.port.ts';
import { hashKey, type AuthService } from '../auth.service.ts';
import type { Clock } from '../clock.ts';
import { nextPartyStatus, type PartyEvent } from './consent.rules.ts';
import { checkParty, type PartyInput } from './registry.rules.ts';

export type ThirdPartyKeyView = Omit<ThirdPartyKeyRecord, 'hash'>;

export interface IssuedKey extends ThirdPartyKeyView {
  /** The key itself: shown once, never stored (only its SHA-256, in api_keys). */
  readonly key: string;
}

type RegistryPorts = Pick<Store,
  'putThirdParty' | 'getThirdParty' | 'listThirdParties' | 'putThirdPartyKey' | 'listThirdPartyKeys' | 'findApiKey' | 'putApiKey'
  | 'listConsents' | 'putConsent' | 'appendAudit'>;

const keyView = ({ hash: _hash, ...k }: ThirdPartyKeyRecord): ThirdPartyKeyView => k;

/**
 * The third-party registry: who may ask customers for their data, for which purposes, and the
 * API keys that act for them. Suspending stops all of a party's access at once (its consents stay);
 * removing ends its consents and keys for good. Every change is audited.
 */
export class ThirdPartiesService {
  constructor(private readonly store: RegistryPorts, private readonly auth: Pick<AuthService, 'createKey'>, private readonly now: Clock) {}

  async list(status?: ThirdPartyRecord['status']): Promise<ThirdPartyRecord[]> {
    return this.store.listThirdParties(status === undefined ? {} : { status });
  }

  async get(id: string): Promise<ThirdPartyRecord> {
    const p = await this.store.getThirdParty(id);
    if (!p) throw new MeterstackError('THIRD_PARTY_NOT_FOUND', `no third party "${id}"`);
    return p;
  }

  async add(input: PartyInput, actor: string): Promise<ThirdPartyRecord> {
    const c = checkParty(input);
    if (await this.store.getThirdParty(c.id)) throw new MeterstackError('THIRD_PARTY_EXISTS', `a third party "${c.id}" exists already`);
    const at = this.now();
    const record: ThirdPartyRecord = { ...c, status: 'active', createdAt: at, createdBy: actor, updatedAt: at, updatedBy: actor };
    await this.store.putThirdParty(record);
    await this.store.appendAudit([{ at, actor, action: 'thirdparty.create', object: `thirdparty:${c.id}`, details: { legalName: c.legalName, purposes: c.purposes } }]);
    return record;
  }

  /** suspend | reactivate | remove, by the registry's state table; `remove` also revokes its consents and keys. */
  async transition(id: string, event: PartyEvent, actor: string, reason?: string): Promise<ThirdPartyRecord> {
    const before = await this.get(id);
    const status = nextPartyStatus(before.status, event);
    const at = this.now();
    const after: ThirdPartyRecord = { ...before, status, updatedAt: at, updatedBy: actor };
    await this.store.putThirdParty(after);
    let consents = 0;
    if (status === 'removed') {
      consents = await this.revokeAll(id, at, actor);
      for (const k of await this.store.listThirdPartyKeys(id)) if (k.revokedAt === undefined) await this.revokeKeyRecord(k, at);
    }
    await this.store.appendAudit([{
      at, actor, action: `thirdparty.${event}`, object: `thirdparty:${id}`,
      details: { from: before.status, to: status, ...(reason ? { reason } : {}), ...(status === 'removed' ? { consentsRevoked: consents } : {}) },
    }]);
    return after;
  }

  async keys(id: string): Promise<ThirdPartyKeyView[]> {
    await this.get(id);
    return (await this.store.listThirdPartyKeys(id)).map(keyView);
  }

  /** A new API key (role third-party) bound to the party; the key is returned this once. */
  async issueKey(id: string, label: string, actor: string): Promise<IssuedKey> {
    const party = await this.get(id);
    if (party.status === 'removed') throw new MeterstackError('CONSENT_ILLEGAL_STATE', `third party "${id}" is removed; it gets no new keys`);
    const created = await this.auth.createKey('third-party', `${party.id}: ${label}`.slice(0, 200), actor);
    const record: ThirdPartyKeyRecord = { keyId: created.id, hash: hashKey(created.key), thirdPartyId: id, label, createdAt: created.createdAt, createdBy: actor };
    await this.store.putThirdPartyKey(record);
    await this.store.appendAudit([{ at: created.createdAt, actor, action: 'thirdparty.key.issue', object: `thirdparty:${id}`, details: { keyId: created.id, label } }]);
    return { ...keyView(record), key: created.key };
  }

  async revokeKey(id: string, keyId: string, actor: string): Promise<ThirdPartyKeyView> {
    const k = (await this.store.listThirdPartyKeys(id)).find((x) => x.keyId === keyId);
    if (!k) throw new MeterstackError('THIRD_PARTY_NOT_FOUND', `third party "${id}" has no key "${keyId}"`);
    if (k.revokedAt !== undefined) return keyView(k);
    const at = this.now();
    const revoked = await this.revokeKeyRecord(k, at);
    await this.store.appendAudit([{ at, actor, action: 'thirdparty.key.revoke', object: `thirdparty:${id}`, details: { keyId } }]);
    return keyView(revoked);
  }

  private async revokeKeyRecord(k: ThirdPartyKeyRecord, at: EpochSeconds): Promise<ThirdPartyKeyRecord> {
    const api = await this.store.findApiKey(k.hash);
    if (api && api.revokedAt === undefined) await this.store.putApiKey({ ...api, revokedAt: at });
    const revoked = { ...k, revokedAt: at };
    await this.store.putThirdPartyKey(revoked);
    return revoked;
  }

  private async revokeAll(id: string, at: EpochSeconds, actor: string): Promise<number> {
    let n = 0;
    for (;;) {
      const page = await this.store.listConsents({ thirdPartyId: id, status: 'active', at }, { limit: 500 });
      if (page.items.length === 0) return n;
      const reason = 'third party removed from the registry';
      for (const c of page.items) {
        await this.store.putConsent({ ...c, status: 'revoked', revokedAt: at, revokedBy: actor, revokeReason: reason });
        n++;
      }
      await this.store.appendAudit(page.items.map((c) => ({
        at, actor, action: 'consent.revoke', object: `consent:${c.id}`, details: { premise: c.premise, thirdParty: id, reason },
      })));
    }
  }
}
