/**
 * NEM codes the engine writes. Sources (docs/vee.md has the full citations):
 * - Reason codes: MDFF (NEM12/NEM13) specification v2.6, Appendix E, current list (DOMAIN.md §1.2).
 * - Method flags: AEMO Metrology Procedure Part B substitution/estimation types, names as in
 *   `jufemaiz/aemo` METHOD_FLAGS "Updated v7.8" (DOMAIN.md §1.2). Only the names are verified; what
 *   each of our methods maps to is our reading of those names, stated per method in docs/vee.md.
 */

/** MDFF v2.6 reason codes used by the default rule set. */
export const REASON = {
  none: 0,
  meterChanged: 1,
  deEnergised: 6,
  dataCorrection: 24,
  negativeConsumption: 26,
  reverseEnergy: 39,
  powerOutage: 43,
  failedValidation: 45,
  zeroConsumption: 68,
  lowConsumption: 73,
  highConsumption: 74,
  commsFault: 76,
  nullData: 78,
  powerOutageAlarm: 79,
  resetOccurred: 87,
  timeReset: 89,
} as const;

/** Part B method flags (types 1–4 metering installations) the estimators set. */
export const METHOD = {
  none: 0,
  retrospectiveLikeDay: 14,
  retrospectiveAverageLikeDay: 15,
  linear: 17,
  zero: 19,
  prospectiveLikeDay: 20,
  prospectiveAverageLikeDay: 22,
  dataScaling: 24,
  averageDailyLoad: 25,
} as const;

/** Names of every Part B method flag (DOMAIN.md §1.2 table), for explanations and docs. */
export const METHOD_NAMES: Readonly<Record<number, string>> = {
  11: 'Check', 12: 'Calculated', 13: 'SCADA', 14: 'Retrospective Like Day', 15: 'Retrospective Average Like Day',
  16: 'Agreed (obsolete)', 17: 'Linear', 18: 'Alternate', 19: 'Zero', 20: 'Prospective Like Day',
  21: 'Five-minute No Historical Data', 22: 'Prospective Average Like Day', 23: 'Previous Year', 24: 'Data Scaling',
  25: 'ADL (average daily load)',
};

/**
 * Meter event codes (DLMS/COSEM standard event log). 1/2 are what the simulator and the DLMS
 * head-end emit; 4/5/6 and 60–64 follow the IDIS-style numbering that several open protocol
 * implementations share (e.g. EnergyICT `protocolimpl/dlms/as220/EventNumber.java`) — practice, not
 * the normative table. Every list is part of the rule set, so a vendor's numbering can replace it.
 */
export const DEFAULT_EVENT_CODES = {
  powerDown: [1],
  powerUp: [2],
  clockAdjustedOld: [4],
  clockAdjustedNew: [5],
  clockInvalid: [6],
  disconnect: [60, 62, 64],
  reconnect: [61, 63],
  reset: [] as number[],
} as const;
