import { DateTime } from 'luxon';
import { MAX_VALUE, MeterstackError } from '../../model/index.ts';

/**
 * MeterReadings values and time stamps. The 2011 schema types a value as xs:float; it is read here
 * as the decimal it is written as (`1.5E3`, `-0.25`, `1234`) and scaled to the stored unit without
 * going through a float; a result with a fraction of a stored unit is rounded half to even. Time
 * stamps are xs:dateTime; one without a UTC offset is local time in --time-zone, or refused.
 */

const bad = (what: string, text: string, line: number, source: string): MeterstackError =>
  new MeterstackError('CIM_BAD_VALUE', `${what} "${text.slice(0, 60)}" does not parse`, { line, source });

/** `text` × 10^pow10 as an integer in the stored unit. */
export function cimValue(text: string, pow10: number, line: number, source: string): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(text);
  if (!m || `${m[2]}${m[3] ?? ''}` === '' || `${m[2]}${m[3] ?? ''}`.length > 30) throw bad('value', text, line, source);
  const e = pow10 + Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (e >= 0 && e <= 15 && `${m[2]}${m[3] ?? ''}`.length <= 15) {
    // Fast path (integers as meterstack writes them): exact in a double.
    const v = Number(`${m[2]}${m[3] ?? ''}`) * 10 ** e;
    if (v > MAX_VALUE) throw new MeterstackError('CIM_BAD_VALUE', `value ${text.slice(0, 60)} is beyond ±2^50 once scaled to the stored unit`, { line, source });
    return m[1] === '-' && v !== 0 ? -v : v;
  }
  const digits = BigInt(`${m[2]}${m[3] ?? ''}`);
  let n = digits;
  if (digits === 0n) n = 0n;
  else if (e >= 0) n = e > 40 ? -1n : digits * 10n ** BigInt(e);
  else {
    const d = 10n ** BigInt(-e);
    const q = digits / d;
    const r2 = 2n * (digits % d);
    n = r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q;
  }
  if (n < 0n || n > BigInt(MAX_VALUE)) throw new MeterstackError('CIM_BAD_VALUE', `value ${text.slice(0, 60)} is beyond ±2^50 once scaled to the stored unit`, { line, source });
  const v = Number(n);
  return m[1] === '-' && v !== 0 ? -v : v;
}

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,9})?(Z|([+-])(\d\d):(\d\d))?$/;

/** xs:dateTime → epoch seconds (fractions of a second dropped). */
export function cimTime(text: string, zone: string | undefined, line: number, source: string): number {
  const m = DATE_TIME.exec(text);
  if (!m) throw bad('time stamp', text, line, source);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = Number(m[6]);
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec);
  const check = new Date(utc);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || sec > 59 || y < 1) throw bad('time stamp', text, line, source);
  if (m[7] !== undefined) {
    const offset = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10]) * 60);
    if (Math.abs(offset) > 14 * 3600) throw bad('time stamp', text, line, source);
    return utc / 1000 - offset;
  }
  if (zone === undefined) {
    throw new MeterstackError('CIM_BAD_VALUE', `time stamp ${text} has no UTC offset; pass --time-zone to read it as local time`, { line, source });
  }
  // Local time: a time skipped by DST moves forward, an ambiguous one takes the earlier offset (luxon).
  return Math.floor(DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: sec }, { zone }).toSeconds());
}

export const cimIso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
