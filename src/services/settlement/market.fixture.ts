import { QUALITY, type Account, type IntervalSeries, type MarketParties, type MeterAssignment } from '../../model/index.ts';
import type { Store } from '../../store/store.port.ts';
import { settlementDay } from './periods.rules.ts';
import { EXPORT, IMPORT } from './settlement.service.ts';
import { PERIOD_S, type SettlementDay } from './settlement.model.ts';

/**
 * A simulated market for settlement tests: meters in 3 grid areas, 2 suppliers and 2 BRPs, some
 * with PV export, a meter exchange, a supplier switch a little off the quarter-hour grid, and a new
 * connection starting mid-day. Deterministic; `servedBy` is the oracle tests compare runs with.
 */

export const GRID_AREAS = ['GA-1', 'GA-2', 'GA-3'] as const;
export const SUPPLIERS = ['SUP-A', 'SUP-B'] as const;
export const BRPS = ['BRP-X', 'BRP-Y'] as const;

export interface MarketMeter {
  readonly id: string;
  readonly pv: boolean;
}

/** Who was served by which meter over which periods [p0, p1) of the day. */
export interface MarketSegment {
  readonly accountId: string;
  readonly meterId: string;
  readonly market: MarketParties;
  readonly p0: number;
  readonly p1: number;
}

export interface Market {
  readonly day: SettlementDay;
  readonly meters: readonly MarketMeter[];
  readonly accounts: readonly Account[];
  readonly assignments: readonly MeterAssignment[];
  /** The oracle: each segment as the run must see it. */
  readonly segments: readonly MarketSegment[];
}

export const importWh = (meter: string, p: number): number => {
  let h = 0;
  for (const c of meter) h = (h * 31 + c.charCodeAt(0)) % 1000;
  return 100 + ((h * 37 + p * 11) % 250);
};

export const exportWh = (meter: string, p: number, periods: number): number =>
  p >= Math.floor(periods * 0.4) && p < Math.floor(periods * 0.7) ? 50 + ((meter.length * 7 + p) % 40) : 0;

function parties(k: number): MarketParties {
  return { gridArea: GRID_AREAS[k % 3]!, supplier: SUPPLIERS[Math.floor(k / 3) % 2]!, brp: BRPS[(k + Math.floor(k / 6)) % 2]! };
}

function account(id: string, market: MarketParties, zone: string): Account {
  return { id, name: `Customer ${id}`, timeZone: zone, tariffId: 'T-FLAT', cycleDay: 1, market, createdAt: 0 };
}

/** `n` ordinary meters (n ≥ 6) plus the exchange, switch and new-connection cases. */
export function buildMarket(dayText: string, zone: string, n: number): Market {
  const day = settlementDay(dayText, zone);
  const P = day.periods;
  const at = (p: number) => day.start + p * PERIOD_S;
  const longAgo = day.start - 30 * 86_400;
  const meters: MarketMeter[] = [];
  const accounts: Account[] = [];
  const assignments: MeterAssignment[] = [];
  const segments: MarketSegment[] = [];
  for (let k = 0; k < n; k++) {
    const id = `M${String(k).padStart(3, '0')}`;
    const m = parties(k);
    meters.push({ id, pv: k % 4 === 3 });
    const acct = `A${String(k).padStart(3, '0')}`;
    accounts.push(account(acct, m, zone));
    if (k === 0) {
      // Meter exchange at period 40: one metering point, two meters, continuous data.
      meters.push({ id: 'M000-NEW', pv: false });
      assignments.push({ accountId: acct, meterId: id, from: longAgo, to: at(40) }, { accountId: acct, meterId: 'M000-NEW', from: at(40) });
      segments.push({ accountId: acct, meterId: id, market: m, p0: 0, p1: 40 }, { accountId: acct, meterId: 'M000-NEW', market: m, p0: 40, p1: P });
    } else if (k === 1) {
      // Supplier switch two minutes past a quarter-hour: the interval starting before it stays with the old account.
      const switchAt = at(48) + 120;
      const next: MarketParties = { gridArea: m.gridArea, supplier: m.supplier === 'SUP-A' ? 'SUP-B' : 'SUP-A', brp: m.brp === 'BRP-X' ? 'BRP-Y' : 'BRP-X' };
      accounts.push(account('A001-SWITCH', next, zone));
      assignments.push({ accountId: acct, meterId: id, from: longAgo, to: switchAt }, { accountId: 'A001-SWITCH', meterId: id, from: switchAt });
      segments.push({ accountId: acct, meterId: id, market: m, p0: 0, p1: 49 }, { accountId: 'A001-SWITCH', meterId: id, market: next, p0: 49, p1: P });
    } else {
      assignments.push({ accountId: acct, meterId: id, from: longAgo });
      segments.push({ accountId: acct, meterId: id, market: m, p0: 0, p1: P });
    }
  }
  // A new connection whose supply starts mid-day, and accounts that end before or start after the day.
  meters.push({ id: 'M-NEW', pv: true }, { id: 'M-GONE', pv: false }, { id: 'M-LATER', pv: false });
  const newAcct = account('A-NEW', { gridArea: 'GA-2', supplier: 'SUP-B', brp: 'BRP-Y' }, zone);
  accounts.push(newAcct, account('A-GONE', parties(2), zone), account('A-LATER', parties(4), zone));
  assignments.push(
    { accountId: 'A-NEW', meterId: 'M-NEW', from: at(60) },
    { accountId: 'A-GONE', meterId: 'M-GONE', from: longAgo, to: day.start },
    { accountId: 'A-LATER', meterId: 'M-LATER', from: day.end },
  );
  segments.push({ accountId: 'A-NEW', meterId: 'M-NEW', market: newAcct.market, p0: 60, p1: P });
  return { day, meters, accounts, assignments, segments };
}

/** A day of quarter-hours for every meter (the whole day, even where another meter serves the account). */
export function marketSeries(m: Market): IntervalSeries[] {
  const P = m.day.periods;
  const out: IntervalSeries[] = [];
  for (const meter of m.meters) {
    const values = Float64Array.from({ length: P }, (_, p) => importWh(meter.id, p));
    out.push({ meterId: meter.id, channel: IMPORT, start: m.day.start, intervalS: PERIOD_S, values, quality: new Uint8Array(P).fill(QUALITY.A) });
    if (meter.pv) {
      const ev = Float64Array.from({ length: P }, (_, p) => exportWh(meter.id, p, P));
      out.push({ meterId: meter.id, channel: EXPORT, start: m.day.start, intervalS: PERIOD_S, values: ev, quality: new Uint8Array(P).fill(QUALITY.A) });
    }
  }
  return out;
}

export async function loadMarket(store: Pick<Store, 'upsertAccounts' | 'putAssignments' | 'writeSeries'>, m: Market, series = marketSeries(m)): Promise<void> {
  await store.upsertAccounts(m.accounts);
  await store.putAssignments(m.assignments);
  await store.writeSeries(series, { source: 'test', actor: 'test' });
}
