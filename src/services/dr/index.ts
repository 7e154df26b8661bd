export { DrService, type DrChange, type DrEventDetail, type DrEventView, type ImportOutcome, type Notice } from './dr.service.ts';
export { DR_KINDS, DR_STATUSES, statusOf, type DrEventInput, type DrStatus } from './dr.rules.ts';
export { BASELINE_DAYS, BASELINE_METHOD, LOOKBACK_DAYS } from './baseline.rules.ts';
export type { IhdDelivery, IhdMessage, OpenAdrReader } from './dr.port.ts';
export type { DrDeliveryRecord, DrLevelRecord, DrPerformanceRecord, DrResponseRecord, DrTargetSpec } from '../../store/dr.port.ts';
