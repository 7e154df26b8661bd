import { assertZone, DAY_S, zoneOffsetAt, type EpochSeconds } from '../model/index.ts';

/** The simulator's grid: 15-minute intervals, 96 to a UTC day. */
export const INTERVAL_S = 900;
export const Q = 96;

/** Day types that change behaviour: households treat Saturday and Sunday alike, shops do not. */
export const DAY_TYPE = { weekday: 0, saturday: 1, sunday: 2 } as const;

/**
 * Local wall-clock time in the fleet's IANA zone. People follow the wall clock (breakfast at 07:00
 * local, summer time or not) while the sun and the data grid follow UTC, so every profile looks its
 * hour up here.
 */
export class ZoneClock {

  constructor(readonly zone: string) {
    assertZone(zone);
  }

  offsetS(t: EpochSeconds): number {
    return zoneOffsetAt(t, this.zone).offset * 60;
  }

  /** UTC instant of local 00:00 on the local date numbered like UTC day `date` (days since 1970-01-01). */
  localMidnight(date: number): EpochSeconds {
    const nominal = date * DAY_S;
    const first = nominal - this.offsetS(nominal);
    return nominal - this.offsetS(first);
  }

  /**
   * For the 96 intervals of UTC day `day`: the local quarter-hour of each interval's midpoint, and
   * the local date it falls on. Constant offsets (all but two days a year) take two zone look-ups.
   */
  fillDay(day: number, localQ: Int32Array, localDate: Int32Array): void {
    const start = day * DAY_S;
    const o0 = this.offsetS(start);
    const constant = o0 === this.offsetS(start + DAY_S - 1);
    for (let i = 0; i < Q; i++) {
      const mid = start + i * INTERVAL_S + INTERVAL_S / 2;
      const local = mid + (constant ? o0 : this.offsetS(mid));
      localDate[i] = Math.floor(local / DAY_S);
      localQ[i] = Math.floor((local - localDate[i] * DAY_S) / INTERVAL_S);
    }
  }
}

/** 0 weekday, 1 Saturday, 2 Sunday or a public holiday observed almost everywhere in Europe. */
export function dayTypeOf(date: number): number {
  const weekday = (((date + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const d = new Date(date * DAY_S * 1000);
  const m = d.getUTCMonth();
  const dom = d.getUTCDate();
  const holiday = (m === 0 && dom === 1) || (m === 11 && (dom === 25 || dom === 26));
  if (weekday === 0 || holiday) return DAY_TYPE.sunday;
  return weekday === 6 ? DAY_TYPE.saturday : DAY_TYPE.weekday;
}

/** Day of the year, 0-based, of a date number. */
export function dayOfYear(date: number): number {
  const d = new Date(date * DAY_S * 1000);
  return Math.floor((date * DAY_S * 1000 - Date.UTC(d.getUTCFullYear(), 0, 1)) / (DAY_S * 1000));
}

/** 1 in mid-January, −1 in mid-July: how much of winter a date has, for seasonal factors. */
export function winterness(doy: number): number {
  return Math.cos((2 * Math.PI * (doy - 15)) / 365.25);
}

/**
 * Add a constant power drawn over [s, e) (UTC seconds) to a day's interval energies (Wh), clipped
 * to the day. Appliances and charging sessions are scheduled in seconds and land here, so one that
 * runs across midnight is split exactly between the two days that each generate their share.
 */
export function addBlock(out: Float64Array, off: number, dayStart: EpochSeconds, s: number, e: number, watts: number): void {
  const dayEnd = dayStart + DAY_S;
  if (e <= dayStart || s >= dayEnd || e <= s) return;
  let a = s > dayStart ? s : dayStart;
  const b = e < dayEnd ? e : dayEnd;
  while (a < b) {
    const i = Math.floor((a - dayStart) / INTERVAL_S);
    const qEnd = dayStart + (i + 1) * INTERVAL_S;
    const seg = (b < qEnd ? b : qEnd) - a;
    out[off + i] += (watts * seg) / 3600;
    a += seg;
  }
}
