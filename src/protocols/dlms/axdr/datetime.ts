/**
 * COSEM date (5 octets), time (4) and date-time (12) — DOMAIN.md §2.4 — and their mapping to UTC.
 * Layout: year-hi year-lo month day day-of-week | hour minute second hundredths | deviation(int16)
 * clock-status. `null` is the "not specified" marker (0xFFFF year, 0xFF fields, 0x8000 deviation,
 * 0xFF clock status). Month 0xFD/0xFE and day 0xFD/0xFE are the DST and last-day markers.
 */
import { IANAZone } from 'luxon';
import { assertZone, zoneOffsetAt } from '../../../model/time.ts';
import { DlmsError } from '../errors.ts';

export type CosemMonth = number | 'dst-end' | 'dst-begin' | null;
export type CosemDay = number | 'last' | 'second-last' | null;

export interface CosemDate {
  readonly year: number | null;
  readonly month: CosemMonth;
  readonly day: CosemDay;
  /** 1 = Monday … 7 = Sunday. */
  readonly dayOfWeek: number | null;
}

export interface CosemTime {
  readonly hour: number | null;
  readonly minute: number | null;
  readonly second: number | null;
  readonly hundredths: number | null;
}

export interface CosemDateTime extends CosemDate, CosemTime {
  /** Encoded deviation in minutes, −720..720 (Blue Book: local time → UTC, so UTC+01:00 is −60). */
  readonly deviation: number | null;
  /** Raw clock status octet (see CLOCK_STATUS), null when 0xFF (not specified). */
  readonly clockStatus: number | null;
}

export const CLOCK_STATUS = {
  invalid: 0x01,
  doubtful: 0x02,
  differentClockBase: 0x04,
  invalidStatus: 0x08,
  daylightSaving: 0x80,
} as const;

export function clockStatusFlags(status: number): Record<keyof typeof CLOCK_STATUS, boolean> {
  const out = {} as Record<keyof typeof CLOCK_STATUS, boolean>;
  for (const [k, bit] of Object.entries(CLOCK_STATUS)) out[k as keyof typeof CLOCK_STATUS] = (status & bit) !== 0;
  return out;
}

export const DATE_SIZE = 5;
export const TIME_SIZE = 4;
export const DATE_TIME_SIZE = 12;
export const DEVIATION_UNSPECIFIED = 0x8000;

const bad = (msg: string, offset?: number): DlmsError =>
  new DlmsError('DLMS_BAD_DATETIME', msg, offset === undefined ? {} : { offset });

function field(b: number, max: number, min: number, name: string, at: number): number | null {
  if (b === 0xff) return null;
  if (b < min || b > max) throw bad(`${name} ${b} at offset ${at} is not ${min}..${max} or 0xFF`, at);
  return b;
}

/** Read a 5-octet date at `at` (the caller has checked that the octets are there). */
export function readDate(bytes: Uint8Array, at: number): CosemDate {
  const yearRaw = (bytes[at]! << 8) | bytes[at + 1]!;
  const m = bytes[at + 2]!;
  const dd = bytes[at + 3]!;
  let month: CosemMonth;
  if (m === 0xfd) month = 'dst-end';
  else if (m === 0xfe) month = 'dst-begin';
  else month = field(m, 12, 1, 'month', at + 2);
  let day: CosemDay;
  if (dd === 0xfd) day = 'second-last';
  else if (dd === 0xfe) day = 'last';
  else day = field(dd, 31, 1, 'day of month', at + 3);
  return { year: yearRaw === 0xffff ? null : yearRaw, month, day, dayOfWeek: field(bytes[at + 4]!, 7, 1, 'day of week', at + 4) };
}

export function readTime(bytes: Uint8Array, at: number): CosemTime {
  return {
    hour: field(bytes[at]!, 23, 0, 'hour', at),
    minute: field(bytes[at + 1]!, 59, 0, 'minute', at + 1),
    second: field(bytes[at + 2]!, 59, 0, 'second', at + 2),
    hundredths: field(bytes[at + 3]!, 99, 0, 'hundredths', at + 3),
  };
}

export function readDateTime(bytes: Uint8Array, at: number): CosemDateTime {
  const raw = (bytes[at + 9]! << 8) | bytes[at + 10]!;
  let deviation: number | null = null;
  if (raw !== DEVIATION_UNSPECIFIED) {
    deviation = raw >= 0x8000 ? raw - 0x10000 : raw;
    if (deviation < -720 || deviation > 720) throw bad(`deviation ${deviation} at offset ${at + 9} is not −720..720 or 0x8000`, at + 9);
  }
  const cs = bytes[at + 11]!;
  return { ...readDate(bytes, at), ...readTime(bytes, at + 5), deviation, clockStatus: cs === 0xff ? null : cs };
}

function put(v: number | null, min: number, max: number, name: string): number {
  if (v === null) return 0xff;
  if (!Number.isInteger(v) || v < min || v > max) throw bad(`${name} ${String(v)} is not ${min}..${max} or null`);
  return v;
}

export function writeDate(v: CosemDate, out: Uint8Array, at: number): void {
  const year = v.year === null ? 0xffff : put(v.year, 0, 0xfffe, 'year');
  out[at] = year >> 8;
  out[at + 1] = year & 0xff;
  out[at + 2] = v.month === 'dst-end' ? 0xfd : v.month === 'dst-begin' ? 0xfe : put(v.month, 1, 12, 'month');
  out[at + 3] = v.day === 'second-last' ? 0xfd : v.day === 'last' ? 0xfe : put(v.day, 1, 31, 'day of month');
  out[at + 4] = put(v.dayOfWeek, 1, 7, 'day of week');
}

export function writeTime(v: CosemTime, out: Uint8Array, at: number): void {
  out[at] = put(v.hour, 0, 23, 'hour');
  out[at + 1] = put(v.minute, 0, 59, 'minute');
  out[at + 2] = put(v.second, 0, 59, 'second');
  out[at + 3] = put(v.hundredths, 0, 99, 'hundredths');
}

export function writeDateTime(v: CosemDateTime, out: Uint8Array, at: number): void {
  writeDate(v, out, at);
  writeTime(v, out, at + 5);
  const dev = v.deviation === null ? DEVIATION_UNSPECIFIED : put(v.deviation, -720, 720, 'deviation') & 0xffff;
  out[at + 9] = dev >> 8;
  out[at + 10] = dev & 0xff;
  out[at + 11] = v.clockStatus === null ? 0xff : put(v.clockStatus, 0, 0xfe, 'clock status');
}

/** The 12/5/4-octet encodings, also used when a meter sends them as plain octet-strings. */
export function encodeDateTimeOctets(v: CosemDateTime): Uint8Array {
  const out = new Uint8Array(DATE_TIME_SIZE);
  writeDateTime(v, out, 0);
  return out;
}
export function encodeDateOctets(v: CosemDate): Uint8Array {
  const out = new Uint8Array(DATE_SIZE);
  writeDate(v, out, 0);
  return out;
}
export function encodeTimeOctets(v: CosemTime): Uint8Array {
  const out = new Uint8Array(TIME_SIZE);
  writeTime(v, out, 0);
  return out;
}

function exact(bytes: Uint8Array, n: number, what: string): void {
  if (bytes.length !== n) throw new DlmsError('DLMS_BAD_LENGTH', `a COSEM ${what} is ${n} octets, got ${bytes.length}`);
}
export function decodeDateTimeOctets(bytes: Uint8Array): CosemDateTime {
  exact(bytes, DATE_TIME_SIZE, 'date-time');
  return readDateTime(bytes, 0);
}
export function decodeDateOctets(bytes: Uint8Array): CosemDate {
  exact(bytes, DATE_SIZE, 'date');
  return readDate(bytes, 0);
}
export function decodeTimeOctets(bytes: Uint8Array): CosemTime {
  exact(bytes, TIME_SIZE, 'time');
  return readTime(bytes, 0);
}

// --- civil calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms) -------------------

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

// --- UTC mapping ---------------------------------------------------------------------------------

export type DeviationSign = 'blue-book' | 'inverted';

export interface ToUtcOptions {
  /** 'blue-book' (default): UTC = local + deviation; 'inverted' (some companion specs): UTC = local − deviation. */
  readonly deviationSign?: DeviationSign;
  /** IANA zone used when the deviation is not specified (0x8000). */
  readonly fallbackZone?: string;
}

const unspecified = (what: string): DlmsError =>
  new DlmsError('DLMS_DATETIME_UNSPECIFIED', `the date-time's ${what} is not specified; it cannot be mapped to UTC`);

/**
 * Epoch seconds (hundredths as a fraction) of a COSEM date-time. Year, month, day, hour and minute
 * must be specified; unspecified seconds/hundredths count as 0. The deviation includes any DST
 * shift; without a deviation the local fields are read in `fallbackZone`, the DST clock-status bit
 * choosing between the two instants of a repeated hour.
 */
export function cosemDateTimeToUtc(dt: CosemDateTime, opts: ToUtcOptions = {}): number {
  const { year, month, day, hour, minute } = dt;
  if (year === null) throw unspecified('year');
  if (typeof month !== 'number') throw unspecified(month === null ? 'month' : `month (${month} marker)`);
  if (typeof day !== 'number') throw unspecified(day === null ? 'day' : `day (${day} marker)`);
  if (hour === null) throw unspecified('hour');
  if (minute === null) throw unspecified('minute');
  if (day > daysInMonth(year, month)) throw bad(`${year}-${month} has no day ${day}`);
  const naive = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + (dt.second ?? 0);
  const frac = (dt.hundredths ?? 0) / 100;
  if (dt.deviation !== null) {
    const sign = opts.deviationSign === 'inverted' ? -1 : 1;
    return naive + sign * dt.deviation * 60 + frac;
  }
  if (opts.fallbackZone === undefined) throw unspecified('deviation (and no fallback zone is configured)');
  const dst = dt.clockStatus === null ? null : (dt.clockStatus & CLOCK_STATUS.daylightSaving) !== 0;
  return zonedToUtc(naive, assertZone(opts.fallbackZone), dst) + frac;
}

/** Local wall-clock seconds (as if UTC) in `zone` → UTC seconds; DST gap → error, fold → by `dst`. */
function zonedToUtc(naive: number, zone: string, dst: boolean | null): number {
  const z = IANAZone.create(zone);
  const ms = naive * 1000;
  const candidates = new Map<number, number>();
  for (const probe of [ms - 86400_000, ms, ms + 86400_000]) {
    const off = z.offset(probe);
    const utc = ms - off * 60_000;
    if (z.offset(utc) === off) candidates.set(utc, off);
  }
  const list = [...candidates.entries()].sort((a, b) => a[0] - b[0]);
  if (list.length === 0) throw bad(`local time ${new Date(ms).toISOString().slice(0, 19)} does not exist in ${zone} (DST gap)`);
  if (list.length === 1 || dst === null) return list[0]![0] / 1000;
  // Repeated hour: the DST instant has the larger UTC offset, i.e. the earlier UTC time.
  const [first, second] = [list[0]!, list[list.length - 1]!];
  const dstFirst = first[1] > second[1];
  return (dst === dstFirst ? first : second)[0] / 1000;
}

export interface FromUtcOptions {
  /** Encoded deviation field (sign per `deviationSign`); ignored when `zone` is given. Default 0. */
  readonly deviationMinutes?: number;
  readonly deviationSign?: DeviationSign;
  /** Derive deviation and the DST bit from an IANA zone at that instant. */
  readonly zone?: string;
  /** DST clock-status bit; with `zone` it is derived. */
  readonly dst?: boolean;
  /** Full clock status octet; overrides `dst`. */
  readonly clockStatus?: number | null;
}

/** The COSEM date-time a meter would send for UTC instant `epoch` (fraction → hundredths). */
export function utcToCosemDateTime(epoch: number, opts: FromUtcOptions = {}): CosemDateTime {
  if (!Number.isFinite(epoch)) throw bad(`epoch ${epoch} is not finite`);
  const sign = opts.deviationSign === 'inverted' ? -1 : 1;
  let deviation = opts.deviationMinutes ?? 0;
  let dst = opts.dst ?? false;
  if (opts.zone !== undefined) {
    const local = zoneOffsetAt(Math.floor(epoch), opts.zone);
    deviation = sign * -local.offset;
    dst = local.dst;
  }
  if (!Number.isInteger(deviation) || deviation < -720 || deviation > 720) throw bad(`deviation ${deviation} is not −720..720`);
  const whole = Math.floor(epoch);
  const hundredths = Math.min(99, Math.round((epoch - whole) * 100));
  const local = whole - sign * deviation * 60;
  const days = Math.floor(local / 86400);
  const sod = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 0xfffe) throw bad(`year ${year} cannot be encoded`);
  return {
    year,
    month,
    day,
    dayOfWeek: (((days + 3) % 7) + 7) % 7 + 1,
    hour: Math.floor(sod / 3600),
    minute: Math.floor((sod % 3600) / 60),
    second: sod % 60,
    hundredths,
    deviation,
    clockStatus: opts.clockStatus !== undefined ? opts.clockStatus : dst ? CLOCK_STATUS.daylightSaving : 0,
  };
}
