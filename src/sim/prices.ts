import { DAY_S, zoneOffsetAt, type EpochSeconds } from '../model/index.ts';
import { hash32 } from './prng.ts';

/**
 * A simulated day-ahead market: one price per hour in EUR/kWh, shaped like the Dutch EPEX spot
 * curve — a night trough, morning and evening peaks, a solar dip at noon that goes below zero on
 * some sunny summer weekends — plus day-to-day noise. Deterministic for a seed, so a restarted
 * platform sees the same prices.
 */
export interface HourPrice {
  readonly start: EpochSeconds;
  /** EUR per kWh, at most 6 decimals. */
  readonly price: number;
}

const SHAPE = [-0.012, -0.016, -0.018, -0.019, -0.016, -0.006, 0.012, 0.03, 0.028, 0.012, 0, -0.008, -0.012, -0.012, -0.006, 0.004, 0.02, 0.045, 0.055, 0.042, 0.025, 0.012, 0.004, -0.004];

export function dayAheadPrices(seed: number, zone: string, from: EpochSeconds, to: EpochSeconds): HourPrice[] {
  const out: HourPrice[] = [];
  for (let t = Math.floor(from / 3600) * 3600; t < to; t += 3600) {
    const local = t + zoneOffsetAt(t, zone).offset * 60;
    const hour = Math.floor((local % DAY_S) / 3600);
    const day = Math.floor(local / DAY_S);
    const doy = (new Date(local * 1000).getUTCMonth() * 30.5 + new Date(local * 1000).getUTCDate()) / 365;
    const summer = 0.5 - 0.5 * Math.cos(2 * Math.PI * (doy - 0.05)); // 0 in winter, 1 in summer
    const weekend = [0, 6].includes(new Date(local * 1000).getUTCDay());
    const dayLevel = 0.07 + 0.03 * (hash32(seed, day) / 2 ** 32 - 0.5) - 0.015 * summer - (weekend ? 0.012 : 0);
    const solar = hour >= 10 && hour <= 15 ? -0.05 * summer * (weekend ? 1.6 : 1) : 0;
    const noise = 0.01 * (hash32(seed, day, hour) / 2 ** 32 - 0.5);
    out.push({ start: t, price: Math.round((dayLevel + SHAPE[hour]! + solar + noise) * 1e6) / 1e6 });
  }
  return out;
}
