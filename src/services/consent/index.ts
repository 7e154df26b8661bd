export { ConsentService, type ConsentView, type GrantRequest } from './consent.service.ts';
export { ThirdPartiesService, type IssuedKey, type ThirdPartyKeyView } from './registry.service.ts';
export { ThirdPartyDataService, type DataPoint, type DataRequest, type DataSeries, type ThirdPartyData } from './third-party-data.service.ts';
export {
  PURPOSES, SCOPES, GRANULARITIES, PARTY_STATUSES, DEFAULT_CONSENT_DAYS, MAX_CONSENT_DAYS, MAX_HISTORY_DAYS, MAX_REQUEST_DAYS,
  type Purpose, type Scope, type Granularity, type PartyStatus, type PartyEvent, type ConsentStatus,
} from './consent.rules.ts';
export type { PartyInput } from './registry.rules.ts';
export type { ThirdPartyRecord, ConsentRecord, ConsentAccessEntry } from '../../store/store.port.ts';
