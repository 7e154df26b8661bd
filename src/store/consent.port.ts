import type { EpochSeconds } from '../model/index.ts';

// Same shapes as Page and PageRequest of store.port.ts (which extends ConsentStore), kept here so the two files do not import each other.
interface Page<T> { readonly items: T[]; readonly total: number; readonly next: string | null }
interface PageRequest { readonly limit: number; readonly cursor?: string | null }

/** A registered third party (an energy-advice app, a supplier, a research institute). */
export interface ThirdPartyRecord {
  readonly id: string;
  readonly legalName: string;
  readonly contact: string;
  readonly website: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The purposes it may ask customers' consent for. */
  readonly purposes: readonly string[];
  readonly status: 'active' | 'suspended' | 'removed';
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
  readonly updatedAt: EpochSeconds;
  readonly updatedBy: string;
}

/** Binds an API key (role third-party) to its party; the key itself lives in api_keys, hashed. */
export interface ThirdPartyKeyRecord {
  readonly keyId: string;
  readonly hash: string;
  readonly thirdPartyId: string;
  readonly label: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
  readonly revokedAt?: EpochSeconds;
}

export interface ConsentRecord {
  readonly id: string;
  readonly premise: string;
  readonly thirdPartyId: string;
  readonly purpose: string;
  /** 'import' and/or 'export'. */
  readonly scopes: readonly string[];
  /** ISO 8601 duration: PT15M, PT1H, P1D or P1M. */
  readonly granularity: string;
  readonly historyFrom: EpochSeconds;
  readonly validFrom: EpochSeconds;
  readonly validUntil: EpochSeconds;
  /** 'expired' is never stored: it follows from validUntil. */
  readonly status: 'active' | 'revoked';
  readonly grantedBy: string;
  readonly grantedAt: EpochSeconds;
  readonly revokedBy?: string;
  readonly revokedAt?: EpochSeconds;
  readonly revokeReason?: string;
}

export interface ConsentFilter {
  readonly premise?: string;
  readonly thirdPartyId?: string;
  /** 'active' and 'expired' are judged at `at`. */
  readonly status?: 'active' | 'revoked' | 'expired';
  readonly at?: EpochSeconds;
}

/** One attempt of a third party to read a premise's data, served or refused. */
export interface ConsentAccessInput {
  readonly at: EpochSeconds;
  readonly thirdPartyId: string;
  readonly premise: string;
  readonly consentId?: string;
  readonly keyId: string;
  readonly scopes: readonly string[];
  readonly granularity: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly outcome: 'served' | 'refused';
  /** The error code of a refusal. */
  readonly reason?: string;
  readonly values: number;
}

export interface ConsentAccessEntry extends ConsentAccessInput {
  readonly seq: number;
}

export interface ConsentAccessFilter {
  readonly premise?: string;
  readonly thirdPartyId?: string;
}

export interface ConsentStore {
  /** Insert or replace by id (status changes are puts). */
  putThirdParty(p: ThirdPartyRecord): Promise<void>;
  getThirdParty(id: string): Promise<ThirdPartyRecord | undefined>;
  /** By legal name. */
  listThirdParties(filter: { readonly status?: ThirdPartyRecord['status'] }): Promise<ThirdPartyRecord[]>;
  putThirdPartyKey(k: ThirdPartyKeyRecord): Promise<void>;
  getThirdPartyKey(keyId: string): Promise<ThirdPartyKeyRecord | undefined>;
  /** Oldest first. */
  listThirdPartyKeys(thirdPartyId: string): Promise<ThirdPartyKeyRecord[]>;
  /** Insert or replace by id (a revoke is a put). */
  putConsent(c: ConsentRecord): Promise<void>;
  getConsent(id: string): Promise<ConsentRecord | undefined>;
  /** Newest grant first. */
  listConsents(filter: ConsentFilter, page: PageRequest): Promise<Page<ConsentRecord>>;
  appendConsentAccess(e: ConsentAccessInput): Promise<void>;
  /** Newest first. */
  listConsentAccess(filter: ConsentAccessFilter, page: PageRequest): Promise<Page<ConsentAccessEntry>>;
}
