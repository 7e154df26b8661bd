import { epochToIso } from '../../model/index.ts';
import { GRANULARITIES, PARTY_STATUSES, PURPOSES, SCOPES, type ConsentView, type ThirdPartyKeyView, type ThirdPartyRecord } from '../../services/index.ts';
import { time } from './common.ts';

/** JSON Schemas and DTO mappings of the consent routes (operators, the portal, third parties). */

const str = { type: 'string' } as const;
export const purposeSchema = { type: 'string', enum: [...PURPOSES] } as const;
export const scopeSchema = { type: 'string', enum: [...SCOPES] } as const;
export const granularitySchema = { type: 'string', enum: [...GRANULARITIES], description: 'ISO 8601 duration; finest first: PT15M, PT1H, P1D, P1M' } as const;

export const thirdPartySchema = {
  type: 'object',
  required: ['id', 'legalName', 'contact', 'website', 'country', 'purposes', 'status', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'],
  properties: {
    id: str, legalName: str, contact: str, website: str, country: str, purposes: { type: 'array', items: str },
    status: { type: 'string', enum: [...PARTY_STATUSES] }, createdAt: time, createdBy: str, updatedAt: time, updatedBy: str,
  },
} as const;

/** What a customer sees of a party when choosing one. */
export const publicPartySchema = {
  type: 'object', required: ['id', 'legalName', 'website', 'country', 'purposes'],
  properties: { id: str, legalName: str, website: str, country: str, purposes: { type: 'array', items: str } },
} as const;

export const keySchema = {
  type: 'object', required: ['keyId', 'thirdPartyId', 'label', 'createdAt', 'createdBy'],
  properties: { keyId: str, thirdPartyId: str, label: str, createdAt: time, createdBy: str, revokedAt: time, key: { type: 'string', description: 'Only in the answer that issues the key' } },
} as const;

export const consentSchema = {
  type: 'object',
  required: ['id', 'premise', 'party', 'purpose', 'scopes', 'granularity', 'historyFrom', 'validFrom', 'validUntil', 'status', 'live', 'grantedAt'],
  properties: {
    id: str, premise: str, purpose: str, scopes: { type: 'array', items: str }, granularity: str,
    party: { type: 'object', required: ['id', 'legalName', 'status'], properties: { id: str, legalName: str, status: str } },
    historyFrom: { ...time, description: 'The party may read data from here on' }, validFrom: time, validUntil: time,
    status: { type: 'string', enum: ['active', 'revoked', 'expired'], description: 'expired follows from validUntil' },
    live: { type: 'boolean', description: 'The party may read under this consent right now' },
    notLive: { type: 'string', description: 'Why not: revoked, expired, not-yet-valid, party-suspended, party-removed' },
    grantedBy: str, grantedAt: time, revokedBy: str, revokedAt: time, revokeReason: str,
  },
} as const;

export const accessSchema = {
  type: 'object',
  required: ['at', 'party', 'scopes', 'granularity', 'from', 'to', 'outcome', 'values'],
  properties: {
    at: time, party: { type: 'object', required: ['id', 'legalName'], properties: { id: str, legalName: str } }, consent: str, scopes: { type: 'array', items: str },
    granularity: str, from: time, to: time, outcome: { type: 'string', enum: ['served', 'refused'] }, reason: str, values: { type: 'integer' },
  },
} as const;


export function partyDto(p: ThirdPartyRecord) {
  return { ...p, createdAt: epochToIso(p.createdAt), updatedAt: epochToIso(p.updatedAt) };
}

export function publicPartyDto(p: ThirdPartyRecord) {
  return { id: p.id, legalName: p.legalName, website: p.website, country: p.country, purposes: p.purposes };
}

export function keyDto(k: ThirdPartyKeyView & { key?: string }) {
  return { ...k, createdAt: epochToIso(k.createdAt), ...(k.revokedAt !== undefined ? { revokedAt: epochToIso(k.revokedAt) } : {}) };
}

/** `forParty`: a third party does not see who at the premise granted or revoked. */
export function consentDto(c: ConsentView, forParty = false) {
  return {
    id: c.id, premise: c.premise, party: c.party, purpose: c.purpose, scopes: c.scopes, granularity: c.granularity,
    historyFrom: epochToIso(c.historyFrom), validFrom: epochToIso(c.validFrom), validUntil: epochToIso(c.validUntil),
    status: c.state, live: c.live, ...(c.notLive ? { notLive: c.notLive } : {}), grantedAt: epochToIso(c.grantedAt),
    ...(c.revokedAt !== undefined ? { revokedAt: epochToIso(c.revokedAt) } : {}),
    ...(forParty ? {} : {
      grantedBy: c.grantedBy, ...(c.revokedBy !== undefined ? { revokedBy: c.revokedBy } : {}), ...(c.revokeReason !== undefined ? { revokeReason: c.revokeReason } : {}),
    }),
  };
}
