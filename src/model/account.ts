import type { EpochSeconds } from './time.ts';

/**
 * The market roles an account's energy is settled under: its supplier, the balance responsible
 * party (BRP) and the grid (metering/balancing) area, each by an EIC-style code.
 */
export interface MarketParties {
  readonly supplier: string;
  readonly brp: string;
  readonly gridArea: string;
}

/**
 * A customer's supply contract: what is billed, under which tariff, on which cycle. An account
 * spans meters over time (a meter exchange ends one assignment and starts the next).
 */
export interface Account {
  readonly id: string;
  readonly name: string;
  readonly premise?: string;
  /** IANA zone whose local dates bound the bill periods. */
  readonly timeZone: string;
  readonly tariffId: string;
  /** Local day of the month (1–28) on which each bill period starts. */
  readonly cycleDay: number;
  readonly market: MarketParties;
  /** Exempt from capacity charges (e.g. the Flemish social tariff). */
  readonly capacityExempt?: boolean;
  readonly createdAt: EpochSeconds;
}

/** A meter serving an account over [from, to); `to` absent while it still does. */
export interface MeterAssignment {
  readonly accountId: string;
  readonly meterId: string;
  readonly from: EpochSeconds;
  readonly to?: EpochSeconds;
}
