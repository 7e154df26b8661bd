import { MeterstackError, zoneOffsetAt, type EpochSeconds } from '../../model/index.ts';
import { holidaysOf } from './holidays.ts';
import { compileDay, seasonOf, type Tariff } from './tariff.model.ts';

/**
 * The tariff calendar laid over a bill period: for every interval, which tariff version and which
 * TOU period it falls in, on which local day and in which local month. Built once per (tariff,
 * zone, period) and shared by every account on that tariff, so billing a meter is a single pass
 * of array lookups. DST days simply have 92 or 100 quarter-hours here: each interval is placed
 * by its own UTC instant and the zone's offset at that instant.
 */

export interface GridDay {
  /** Civil local date YYYY-MM-DD. */
  readonly date: string;
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** Index into BillGrid.versions. */
  readonly version: number;
  readonly intervals: number;
}

export interface GridMonth {
  /** Civil local month YYYY-MM. */
  readonly month: string;
  readonly days: number;
  /** Days in that calendar year (365 or 366), for per-year rates. */
  readonly daysInYear: number;
}

export interface GridVersion {
  readonly tariff: Tariff;
  readonly version: number;
  /** Local dates of the bill covered by this version, [from, to). */
  readonly from: string;
  readonly to: string;
  readonly days: number;
}

export interface BillGrid {
  readonly zone: string;
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  readonly stepS: number;
  readonly n: number;
  readonly versions: readonly GridVersion[];
  /** Per interval: TOU period index into versions[v].tariff.periods. */
  readonly period: Uint8Array;
  readonly version: Uint8Array;
  readonly day: Uint16Array;
  readonly month: Uint8Array;
  /** Per interval: minutes after midnight on the tariff's clock (standard time for timeBasis 'standard'). */
  readonly minute: Uint16Array;
  readonly days: readonly GridDay[];
  readonly months: readonly GridMonth[];
}

export interface VersionedTariff {
  readonly version: number;
  readonly tariff: Tariff;
}

const DAY_S = 86_400;
const civilDate = (localSeconds: number): string => new Date(localSeconds * 1000).toISOString().slice(0, 10);

interface DayPlan {
  readonly slots: Uint8Array;
}

/**
 * Lay the versions' calendars over [from, to) at `stepS`. Versions apply from local midnight of
 * their effectiveFrom date; an interval belongs to the version in force on its civil local date.
 */
export function buildGrid(versions: readonly VersionedTariff[], zone: string, from: EpochSeconds, to: EpochSeconds, stepS = 900): BillGrid {
  if (versions.length === 0) throw new MeterstackError('TARIFF_NOT_FOUND', 'the tariff has no versions');
  if (from % stepS !== 0 || to % stepS !== 0 || to <= from) {
    throw new MeterstackError('BILL_PERIOD_INVALID', `bill period ${from}..${to} must be whole ${stepS}s intervals, from before to`);
  }
  const sorted = [...versions].sort((a, b) => a.tariff.effectiveFrom.localeCompare(b.tariff.effectiveFrom) || a.version - b.version);
  const n = (to - from) / stepS;
  const period = new Uint8Array(n);
  const version = new Uint8Array(n);
  const day = new Uint16Array(n);
  const month = new Uint8Array(n);
  const minute = new Uint16Array(n);
  const days: { date: string; start: number; end: number; version: number; intervals: number }[] = [];
  const months: { month: string; days: number; daysInYear: number }[] = [];
  const used = new Map<number, number>(); // index in sorted → index in grid versions
  const gridVersions: { tariff: Tariff; version: number; from: string; to: string; days: number }[] = [];
  const plans = new Map<string, DayPlan>();

  const versionFor = (date: string): number => {
    let idx = -1;
    for (let k = 0; k < sorted.length; k++) if (sorted[k]!.tariff.effectiveFrom <= date) idx = k;
    if (idx < 0) {
      throw new MeterstackError('TARIFF_NOT_FOUND', `tariff ${sorted[0]!.tariff.id} has no version in force on ${date} (the first applies from ${sorted[0]!.tariff.effectiveFrom})`);
    }
    let g = used.get(idx);
    if (g === undefined) {
      g = gridVersions.length;
      used.set(idx, g);
      gridVersions.push({ tariff: sorted[idx]!.tariff, version: sorted[idx]!.version, from: date, to: date, days: 0 });
    }
    return g;
  };

  const planFor = (t: Tariff, basisDate: string): DayPlan => {
    const key = `${t.id}@${t.effectiveFrom}:${basisDate}`;
    let plan = plans.get(key);
    if (!plan) {
      const [y, m, d] = basisDate.split('-').map(Number) as [number, number, number];
      const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
      const holiday = (t.holidays !== undefined && holidaysOf(t.holidays, y).has(basisDate)) || t.extraHolidays.includes(basisDate);
      const season = t.seasons.length ? seasonOf(t, m, d) : undefined;
      const slots = compileDay(t, season, dow, holiday);
      if (stepS > 900) {
        const per = stepS / 900;
        for (let s = 0; s < 96; s += per) {
          for (let k = 1; k < per; k++) {
            if (slots[s + k] !== slots[s]) {
              const hh = String(Math.floor((s + k) / 4)).padStart(2, '0');
              throw new MeterstackError('BILL_PERIOD_INVALID', `tariff ${t.id} changes period at ${hh}:${String(((s + k) % 4) * 15).padStart(2, '0')} on ${basisDate}, inside a ${stepS / 60}-minute interval of the data`);
            }
          }
        }
      }
      plans.set(key, (plan = { slots }));
    }
    return plan;
  };

  let curDate = '';
  let curDay = -1;
  let curMonth = -1;
  for (let i = 0; i < n; i++) {
    const t = from + i * stepS;
    const off = zoneOffsetAt(t, zone);
    const civil = t + off.offset * 60;
    const date = civilDate(civil);
    if (date !== curDate) {
      curDate = date;
      const v = versionFor(date);
      const gv = gridVersions[v]!;
      gv.days++;
      gv.to = date;
      curDay = days.length;
      days.push({ date, start: t, end: t, version: v, intervals: 0 });
      const ym = date.slice(0, 7);
      if (months.length === 0 || months[months.length - 1]!.month !== ym) {
        const y = Number(ym.slice(0, 4));
        months.push({ month: ym, days: 0, daysInYear: (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365 });
      }
      curMonth = months.length - 1;
      months[curMonth]!.days++;
    }
    const d = days[curDay]!;
    d.end = t + stepS;
    d.intervals++;
    const tariff = gridVersions[d.version]!.tariff;
    const basis = tariff.timeBasis === 'standard' ? t + off.standard * 60 : civil;
    const minuteOfDay = Math.floor((((basis % DAY_S) + DAY_S) % DAY_S) / 60);
    const plan = planFor(tariff, tariff.timeBasis === 'standard' ? civilDate(basis) : date);
    period[i] = plan.slots[Math.floor(minuteOfDay / 15)]!;
    version[i] = d.version;
    day[i] = curDay;
    month[i] = curMonth;
    minute[i] = minuteOfDay;
  }
  // A version's `to` is exclusive: the day after its last day in this bill.
  for (const gv of gridVersions) gv.to = nextDate(gv.to);
  return { zone, from, to, stepS, n, versions: gridVersions, period, version, day, month, minute, days, months };
}

export function nextDate(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`) + DAY_S * 1000;
  return new Date(t).toISOString().slice(0, 10);
}
