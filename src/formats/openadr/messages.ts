/** OpenADR 2.0b messages as this codec returns them (times in epoch ms, durations in seconds). */

export const EVENT_STATUSES = ['none', 'far', 'near', 'active', 'completed', 'cancelled'] as const;
export type OadrEventStatus = (typeof EVENT_STATUSES)[number];

export interface OadrResponseInfo {
  readonly responseCode: number;
  readonly responseDescription: string | null;
  readonly requestId: string | null;
}

export interface OadrInterval {
  /** The interval's uid (its position), when the VTN sent one. */
  readonly uid: number | null;
  readonly durationS: number;
  readonly value: number;
}

export interface OadrMeasurement {
  /** Local name of the itemBase element (voltage, energyReal, currencyPerKWh, …). */
  readonly name: string;
  readonly description: string | null;
  readonly unit: string | null;
  readonly scale: string | null;
}

export interface OadrSignal {
  readonly signalId: string;
  /** SIMPLE, ELECTRICITY_PRICE, ENERGY_PRICE, DEMAND_CHARGE, BID_PRICE, BID_LOAD, BID_ENERGY, CHARGE_STATE, LOAD_DISPATCH, LOAD_CONTROL, x-… */
  readonly signalName: string;
  /** delta, level, multiplier, price, priceMultiplier, priceRelative, setpoint, x-loadControlCapacity, … */
  readonly signalType: string;
  readonly currentValue: number | null;
  readonly measurement: OadrMeasurement | null;
  readonly intervals: readonly OadrInterval[];
}

/** eiTarget: every kind of target id the VTN named, by element name (venID, resourceID, groupID, partyID, groupName, …). */
export type OadrTargets = Readonly<Record<string, readonly string[]>>;

export interface OadrEvent {
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly modificationDateTimeMs: number | null;
  readonly priority: number | null;
  readonly marketContext: string | null;
  readonly createdDateTimeMs: number | null;
  readonly eventStatus: OadrEventStatus;
  readonly testEvent: boolean;
  readonly vtnComment: string | null;
  /** eiActivePeriod dtstart (epoch ms) and duration. */
  readonly startMs: number;
  readonly durationS: number;
  /** x-eiNotification: how long before the start the event is announced, if given. */
  readonly notificationS: number | null;
  readonly signals: readonly OadrSignal[];
  readonly targets: OadrTargets;
  readonly responseRequired: 'always' | 'never' | null;
}

export interface OadrDistributeEvent {
  readonly type: 'oadrDistributeEvent';
  readonly requestId: string | null;
  readonly vtnId: string;
  readonly response: OadrResponseInfo | null;
  readonly events: readonly OadrEvent[];
}

export interface OadrEventResponse extends OadrResponseInfo {
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly optType: 'optIn' | 'optOut';
}

export interface OadrCreatedEvent {
  readonly type: 'oadrCreatedEvent';
  readonly venId: string;
  readonly response: OadrResponseInfo;
  readonly eventResponses: readonly OadrEventResponse[];
}

export interface OadrResponse {
  readonly type: 'oadrResponse';
  readonly venId: string | null;
  readonly response: OadrResponseInfo;
}

export type OadrMessage = OadrDistributeEvent | OadrCreatedEvent | OadrResponse;
