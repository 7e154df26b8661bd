export { parseOpenAdr, parseDistributeEvent } from './parse.ts';
export { dateTimeMs, durationS } from './values.ts';
export type {
  OadrCreatedEvent, OadrDistributeEvent, OadrEvent, OadrEventResponse, OadrEventStatus, OadrInterval, OadrMeasurement, OadrMessage,
  OadrResponse, OadrResponseInfo, OadrSignal, OadrTargets,
} from './messages.ts';
export { EVENT_STATUSES } from './messages.ts';
