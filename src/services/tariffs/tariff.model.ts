import { MeterstackError } from '../../model/index.ts';
import { isHolidayRegion, type HolidayRegion } from './holidays.ts';
import { parseMicro } from './money.ts';

/**
 * The tariff document (docs/tariffs.md): what a billing analyst writes, as JSON. It is parsed into
 * `Tariff` with every rate in integer micro-units and every time in minutes, and rejected with
 * TARIFF_INVALID naming the field when anything is off, so a bill never meets a malformed tariff.
 */

export const DAY_TYPES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'weekday', 'weekend', 'holiday'] as const;
export type DayType = (typeof DAY_TYPES)[number];

export interface Season {
  readonly id: string;
  /** Month and day MM-DD, both inclusive; from > to wraps over New Year (e.g. 10-01 … 03-31). */
  readonly from: string;
  readonly to: string;
}

export interface ScheduleRule {
  readonly seasons?: readonly string[];
  readonly days?: readonly DayType[];
  /** Minutes after local midnight [from, to); to ≤ from wraps over midnight. Whole day when absent. */
  readonly fromMin: number;
  readonly toMin: number;
  readonly period: string;
}

/** Where a per-kWh rate comes from: one rate, a rate per TOU period, or a dynamic price feed. */
export type RateSource =
  | { readonly kind: 'flat'; readonly rate: number }
  | { readonly kind: 'tou'; readonly rates: Readonly<Record<string, number>> }
  | { readonly kind: 'feed'; readonly feed: string; readonly multiplier: number; readonly adders: readonly TimeAdder[]; readonly cap?: number; readonly floor?: number };

/** Added to a feed price in a local time window (Agile's 16:00–19:00 peak adder). */
export interface TimeAdder {
  readonly fromMin: number;
  readonly toMin: number;
  readonly value: number;
}

export interface Block {
  /** Upper bound of the block in Wh per day of the bill period (the allowance scales with days); absent on the last block. */
  readonly upToWhPerDay?: number;
  readonly rate: number;
}

export type Charge =
  | { readonly type: 'energy'; readonly name: string; readonly source: RateSource }
  | { readonly type: 'tiered'; readonly name: string; readonly blocks: readonly Block[] }
  | { readonly type: 'capacity'; readonly name: string; readonly perKwYear: number; readonly minimumW: number; readonly basis: 'rolling-12' | 'month' }
  | { readonly type: 'standing'; readonly name: string; readonly perDay: number }
  | { readonly type: 'export'; readonly name: string; readonly source: RateSource }
  | { readonly type: 'vat'; readonly name: string; /** Percent in micro-units: 21 % = 21,000,000. */ readonly percent: number };

export interface Tariff {
  readonly id: string;
  readonly name: string;
  readonly currency: string;
  readonly minorUnits: number;
  /** Local date from which this version applies. */
  readonly effectiveFrom: string;
  readonly holidays?: HolidayRegion;
  readonly extraHolidays: readonly string[];
  /** 'standard': TOU times are standard (winter) time all year, as Economy 7 is quoted in GMT. */
  readonly timeBasis: 'local' | 'standard';
  readonly seasons: readonly Season[];
  readonly periods: readonly { readonly id: string; readonly name: string }[];
  readonly schedule: readonly ScheduleRule[];
  /** Export offsets import within each TOU period before energy charges; the surplus is credited. */
  readonly netMetering: boolean;
  readonly charges: readonly Charge[];
  /**
   * Which of the meter's TOU energy registers (1-0:1.8.1, 1-0:1.8.2 …) counts which periods, for
   * TOU verification. Absent: register i counts the i-th period in `periods` order.
   */
  readonly registers?: readonly TouRegister[];
}

/** One TOU import register of the meter and the tariff periods it counts. */
export interface TouRegister {
  /** OBIS 1-0:1.8.E with E ≥ 1. */
  readonly obis: string;
  readonly periods: readonly string[];
}

type Json = Record<string, unknown>;

const fail = (where: string, what: string): never => {
  throw new MeterstackError('TARIFF_INVALID', `${where}: ${what}`);
};
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, k: string, where: string, optional = false): string | undefined => {
  const v = o[k];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') return fail(`${where}.${k}`, 'must be a non-empty string');
  return v;
};
const arr = (o: Json, k: string, where: string, optional = false): unknown[] => {
  const v = o[k];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) return fail(`${where}.${k}`, 'must be an array');
  return v;
};
function known(o: Json, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown field "${k}" (expected one of ${keys.join(', ')})`);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function date(v: unknown, where: string): string {
  if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    return fail(where, `must be a date YYYY-MM-DD, not ${JSON.stringify(v)}`);
  }
  return v;
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
function monthDay(v: unknown, where: string): string {
  const m = typeof v === 'string' ? MONTH_DAY.exec(v) : null;
  // 2024 is a leap year: 02-29 is a valid season bound.
  if (!m || new Date(Date.UTC(2024, Number(m[1]) - 1, Number(m[2]))).getUTCDate() !== Number(m[2]) || Number(m[1]) > 12) {
    return fail(where, `must be a month and day MM-DD, not ${JSON.stringify(v)}`);
  }
  return v as string;
}

const TIME = /^(\d{2}):(\d{2})$/;
/** "07:30" → 450; "24:00" allowed as an end. Quarter-hours only: 15-minute intervals are the billing grain. */
export function minutes(v: unknown, where: string): number {
  const m = typeof v === 'string' ? TIME.exec(v) : null;
  const min = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || min > 1440) return fail(where, `must be a time HH:MM, not ${JSON.stringify(v)}`);
  if (min % 15 !== 0) fail(where, `${v as string} is not on a quarter-hour; periods must start and end on :00, :15, :30 or :45`);
  return min;
}

function rateSource(o: Json, where: string, periods: ReadonlySet<string>): RateSource {
  const has = ['rate', 'rates', 'feed'].filter((k) => o[k] !== undefined);
  if (has.length !== 1) return fail(where, 'needs exactly one of "rate" (flat), "rates" (per TOU period) or "feed" (dynamic prices)');
  if (o.rate !== undefined) return { kind: 'flat', rate: parseMicro(o.rate, `${where}.rate`) };
  if (o.rates !== undefined) {
    if (!isObj(o.rates)) return fail(`${where}.rates`, 'must be an object of period id → rate');
    const rates: Record<string, number> = {};
    for (const [p, r] of Object.entries(o.rates)) {
      if (!periods.has(p)) fail(`${where}.rates`, `"${p}" is not one of the tariff's periods (${[...periods].join(', ')})`);
      rates[p] = parseMicro(r, `${where}.rates.${p}`);
    }
    for (const p of periods) if (rates[p] === undefined) fail(`${where}.rates`, `has no rate for period "${p}"`);
    return { kind: 'tou', rates };
  }
  const feed = str(o, 'feed', where)!;
  const adders = arr(o, 'adders', where, true).map((a, i) => {
    const w = `${where}.adders[${i}]`;
    if (!isObj(a)) return fail(w, 'must be an object {from, to, value}');
    known(a, ['from', 'to', 'value'], w);
    return { fromMin: minutes(a.from, `${w}.from`), toMin: minutes(a.to, `${w}.to`), value: parseMicro(a.value, `${w}.value`) };
  });
  return {
    kind: 'feed', feed, adders,
    multiplier: o.multiplier === undefined ? 1_000_000 : parseMicro(o.multiplier, `${where}.multiplier`),
    ...(o.cap !== undefined ? { cap: parseMicro(o.cap, `${where}.cap`) } : {}),
    ...(o.floor !== undefined ? { floor: parseMicro(o.floor, `${where}.floor`) } : {}),
  };
}

const CHARGE_FIELDS: Record<string, readonly string[]> = {
  energy: ['type', 'name', 'rate', 'rates', 'feed', 'multiplier', 'adders', 'cap', 'floor'],
  export: ['type', 'name', 'rate', 'rates', 'feed', 'multiplier', 'adders', 'cap', 'floor'],
  tiered: ['type', 'name', 'blocks'],
  capacity: ['type', 'name', 'perKwYear', 'minimumKw', 'basis'],
  standing: ['type', 'name', 'perDay'],
  vat: ['type', 'name', 'percent'],
};

function charge(c: unknown, i: number, periods: ReadonlySet<string>): Charge {
  const where = `charges[${i}]`;
  if (!isObj(c)) return fail(where, 'must be an object');
  const type = c.type;
  if (typeof type !== 'string' || !(type in CHARGE_FIELDS)) return fail(`${where}.type`, `must be one of ${Object.keys(CHARGE_FIELDS).join(', ')}`);
  known(c, CHARGE_FIELDS[type]!, where);
  const name = str(c, 'name', where)!;
  switch (type) {
    case 'energy':
    case 'export':
      return { type, name, source: rateSource(c, where, periods) };
    case 'tiered': {
      const raw = arr(c, 'blocks', where);
      if (raw.length === 0) fail(`${where}.blocks`, 'needs at least one block');
      let last = 0;
      const blocks = raw.map((b, j): Block => {
        const w = `${where}.blocks[${j}]`;
        if (!isObj(b)) return fail(w, 'must be an object {upToKwhPerDay?, rate}');
        known(b, ['upToKwhPerDay', 'rate'], w);
        const rate = parseMicro(b.rate, `${w}.rate`);
        if (b.upToKwhPerDay === undefined) {
          if (j !== raw.length - 1) fail(w, 'only the last block may be open-ended (no upToKwhPerDay)');
          return { rate };
        }
        // micro-kWh per day / 1000 = Wh per day (exact: at most 6 decimals of kWh is 0.001 Wh).
        const upTo = parseMicro(b.upToKwhPerDay, `${w}.upToKwhPerDay`) / 1000;
        if (upTo <= last) fail(`${w}.upToKwhPerDay`, 'must grow from block to block');
        last = upTo;
        return { upToWhPerDay: upTo, rate };
      });
      if (blocks[blocks.length - 1]!.upToWhPerDay !== undefined) fail(`${where}.blocks`, 'the last block must be open-ended (no upToKwhPerDay)');
      return { type, name, blocks };
    }
    case 'capacity': {
      const basis = c.basis ?? 'rolling-12';
      if (basis !== 'rolling-12' && basis !== 'month') fail(`${where}.basis`, 'must be "rolling-12" (average of 12 month peaks) or "month"');
      return {
        type, name, perKwYear: parseMicro(c.perKwYear, `${where}.perKwYear`),
        minimumW: c.minimumKw === undefined ? 0 : parseMicro(c.minimumKw, `${where}.minimumKw`) / 1000,
        basis: basis as 'rolling-12' | 'month',
      };
    }
    case 'standing':
      return { type, name, perDay: parseMicro(c.perDay, `${where}.perDay`) };
    default:
      return { type: 'vat', name, percent: parseMicro(c.percent, `${where}.percent`) };
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Validate a tariff document (parsed JSON) into a Tariff, or throw TARIFF_INVALID naming the field. */
export function parseTariff(doc: unknown): Tariff {
  if (!isObj(doc)) return fail('tariff', 'must be a JSON object');
  known(doc, ['id', 'name', 'currency', 'minorUnits', 'effectiveFrom', 'holidays', 'extraHolidays', 'timeBasis', 'seasons', 'periods', 'schedule', 'netMetering', 'charges', 'description', 'registers'], 'tariff');
  const id = str(doc, 'id', 'tariff')!;
  if (!ID.test(id)) fail('tariff.id', 'must be 1–64 letters, digits, dot, dash or underscore');
  const currency = str(doc, 'currency', 'tariff')!;
  if (!/^[A-Z]{3}$/.test(currency)) fail('tariff.currency', 'must be an ISO 4217 code such as EUR');
  const minorUnits = doc.minorUnits ?? 2;
  if (minorUnits !== 0 && minorUnits !== 2 && minorUnits !== 3) fail('tariff.minorUnits', 'must be 0, 2 or 3');
  const holidays = doc.holidays;
  if (holidays !== undefined && !isHolidayRegion(holidays)) fail('tariff.holidays', 'must be a holiday region: NL, BE, DE, FR, ES, PL, GB-ENG, US or AU-NSW');
  const timeBasis = doc.timeBasis ?? 'local';
  if (timeBasis !== 'local' && timeBasis !== 'standard') fail('tariff.timeBasis', 'must be "local" or "standard"');

  const periodsRaw = arr(doc, 'periods', 'tariff');
  if (periodsRaw.length === 0 || periodsRaw.length > 32) fail('tariff.periods', 'needs 1 to 32 periods');
  const periods = periodsRaw.map((p, i) => {
    if (!isObj(p)) return fail(`periods[${i}]`, 'must be an object {id, name}');
    known(p, ['id', 'name'], `periods[${i}]`);
    return { id: str(p, 'id', `periods[${i}]`)!, name: str(p, 'name', `periods[${i}]`, true) ?? (p.id as string) };
  });
  const periodIds = new Set(periods.map((p) => p.id));
  if (periodIds.size !== periods.length) fail('tariff.periods', 'period ids must be unique');

  const seasons = arr(doc, 'seasons', 'tariff', true).map((s, i): Season => {
    const w = `seasons[${i}]`;
    if (!isObj(s)) return fail(w, 'must be an object {id, from, to}');
    known(s, ['id', 'from', 'to'], w);
    return { id: str(s, 'id', w)!, from: monthDay(s.from, `${w}.from`), to: monthDay(s.to, `${w}.to`) };
  });
  const seasonIds = new Set(seasons.map((s) => s.id));

  const schedule = arr(doc, 'schedule', 'tariff').map((r, i): ScheduleRule => {
    const w = `schedule[${i}]`;
    if (!isObj(r)) return fail(w, 'must be an object {seasons?, days?, from?, to?, period}');
    known(r, ['seasons', 'days', 'from', 'to', 'period'], w);
    const period = str(r, 'period', w)!;
    if (!periodIds.has(period)) fail(`${w}.period`, `"${period}" is not one of the tariff's periods`);
    const rs = r.seasons === undefined ? undefined : arr(r, 'seasons', w).map((s) => (seasonIds.has(s as string) ? (s as string) : fail(`${w}.seasons`, `"${String(s)}" is not a season of this tariff`)));
    const ds = r.days === undefined ? undefined : arr(r, 'days', w).map((d) => ((DAY_TYPES as readonly unknown[]).includes(d) ? (d as DayType) : fail(`${w}.days`, `"${String(d)}" is not one of ${DAY_TYPES.join(', ')}`)));
    if ((r.from === undefined) !== (r.to === undefined)) fail(w, 'needs both "from" and "to", or neither (whole day)');
    const fromMin = r.from === undefined ? 0 : minutes(r.from, `${w}.from`);
    const toMin = r.to === undefined ? 1440 : minutes(r.to, `${w}.to`);
    return { ...(rs ? { seasons: rs } : {}), ...(ds ? { days: ds } : {}), fromMin, toMin, period };
  });

  const charges = arr(doc, 'charges', 'tariff').map((c, i) => charge(c, i, periodIds));
  if (charges.length === 0) fail('tariff.charges', 'needs at least one charge');
  const netMetering = doc.netMetering ?? false;
  if (typeof netMetering !== 'boolean') fail('tariff.netMetering', 'must be true or false');
  if (netMetering && charges.some((c) => (c.type === 'energy' || c.type === 'export') && c.source.kind === 'feed')) {
    fail('tariff.netMetering', 'cannot combine with a feed-priced charge: dynamic tariffs settle import and export per interval');
  }
  const extraHolidays = arr(doc, 'extraHolidays', 'tariff', true).map((d, i) => date(d, `extraHolidays[${i}]`));

  const tariff: Tariff = {
    id, name: str(doc, 'name', 'tariff')!, currency, minorUnits: minorUnits as number,
    effectiveFrom: date(doc.effectiveFrom, 'tariff.effectiveFrom'),
    ...(holidays !== undefined ? { holidays: holidays as HolidayRegion } : {}),
    extraHolidays, timeBasis: timeBasis as 'local' | 'standard', seasons, periods, schedule, netMetering: netMetering as boolean, charges,
    ...(doc.registers !== undefined ? { registers: touRegisters(doc.registers, periods.map((p) => p.id)) } : {}),
  };
  assertCoverage(tariff);
  return tariff;
}

const TOU_REGISTER = /^1-0:1\.8\.([1-9]\d?)$/;

/** `{"1-0:1.8.1": "dal", "1-0:1.8.2": ["normaal", "piek"]}`: every period in exactly one register. */
function touRegisters(v: unknown, periodIds: readonly string[]): TouRegister[] {
  if (!isObj(v)) return fail('tariff.registers', 'must be an object of register OBIS code → period id (or list of period ids)');
  const seen = new Map<string, string>();
  const out = Object.entries(v).map(([code, raw]): TouRegister => {
    const w = `tariff.registers["${code}"]`;
    const m = TOU_REGISTER.exec(code);
    if (!m || Number(m[1]) > 63) return fail(w, 'must be a TOU import register 1-0:1.8.1 … 1-0:1.8.63');
    const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.length > 0 ? raw : fail(w, 'must be a period id or a non-empty list of them');
    for (const p of list) {
      if (typeof p !== 'string' || !periodIds.includes(p)) fail(w, `"${String(p)}" is not one of the tariff's periods (${periodIds.join(', ')})`);
      if (seen.has(p as string)) fail(w, `period "${String(p)}" is counted by ${seen.get(p as string)} already`);
      seen.set(p as string, code);
    }
    return { obis: code, periods: list as string[] };
  });
  for (const p of periodIds) if (!seen.has(p)) fail('tariff.registers', `no register counts period "${p}"`);
  return out.sort((a, b) => Number(a.obis.slice(8)) - Number(b.obis.slice(8)));
}

/** Every season × day × quarter-hour must fall in some period: a gap would leave energy unpriced. */
function assertCoverage(t: Tariff): void {
  const seasonIds = t.seasons.length ? t.seasons.map((s) => s.id) : [undefined];
  const dows = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  for (const season of seasonIds) {
    for (let d = 0; d < 7; d++) {
      for (const holiday of [false, true]) {
        const slots = compileDay(t, season, d, holiday);
        const gap = slots.indexOf(255);
        if (gap >= 0) {
          const hh = String(Math.floor(gap / 4)).padStart(2, '0');
          const mm = String((gap % 4) * 15).padStart(2, '0');
          fail('tariff.schedule', `no rule covers ${dows[d]}${holiday ? ' (holiday)' : ''} ${hh}:${mm}${season ? ` in season "${season}"` : ''}; end the schedule with a rule that has only a period`);
        }
      }
    }
  }
  if (t.seasons.length) {
    // Every day of a leap year must be in some season.
    for (let day = 0; day < 366; day++) {
      const dt = new Date(Date.UTC(2024, 0, 1 + day));
      if (seasonOf(t, dt.getUTCMonth() + 1, dt.getUTCDate()) === undefined) {
        fail('tariff.seasons', `no season covers ${dt.toISOString().slice(5, 10)}`);
      }
    }
  }
}

/** The season id for a month and day (first matching season), undefined when none. */
export function seasonOf(t: Tariff, month: number, day: number): string | undefined {
  const md = month * 100 + day;
  for (const s of t.seasons) {
    const from = Number(s.from.slice(0, 2)) * 100 + Number(s.from.slice(3));
    const to = Number(s.to.slice(0, 2)) * 100 + Number(s.to.slice(3));
    if (from <= to ? md >= from && md <= to : md >= from || md <= to) return s.id;
  }
  return undefined;
}

const DOW_NAMES: readonly DayType[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Whether a rule's day list matches: a holiday is not a 'weekday', whatever its day of the week. */
function dayMatches(days: readonly DayType[] | undefined, dow: number, holiday: boolean): boolean {
  if (!days) return true;
  const weekend = dow === 0 || dow === 6;
  for (const d of days) {
    if (d === 'holiday' ? holiday : d === 'weekday' ? !weekend && !holiday : d === 'weekend' ? weekend : d === DOW_NAMES[dow]) return true;
  }
  return false;
}

/** Period index (into t.periods) per quarter-hour of a local day; 255 where no rule matches. */
export function compileDay(t: Tariff, season: string | undefined, dow: number, holiday: boolean): Uint8Array {
  const out = new Uint8Array(96).fill(255);
  const index = new Map(t.periods.map((p, i) => [p.id, i]));
  for (let slot = 0; slot < 96; slot++) {
    const min = slot * 15;
    for (const r of t.schedule) {
      if (r.seasons && (season === undefined || !r.seasons.includes(season))) continue;
      if (!dayMatches(r.days, dow, holiday)) continue;
      const inWindow = r.fromMin < r.toMin ? min >= r.fromMin && min < r.toMin : min >= r.fromMin || min < r.toMin;
      if (!inWindow) continue;
      out[slot] = index.get(r.period)!;
      break;
    }
  }
  return out;
}
