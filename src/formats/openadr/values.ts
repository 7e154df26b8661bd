import { MeterstackError } from '../../model/index.ts';
import type { XmlNode } from './xml-tree.ts';

/** Scalar values of OpenADR 2.0b (xs:dateTime, xcal duration, xs:float/int/boolean); errors are OPENADR_BAD_VALUE. */

const bad = (what: string, value: string, n: XmlNode | undefined, source: string): MeterstackError =>
  new MeterstackError('OPENADR_BAD_VALUE', `${what} "${value.slice(0, 80)}" does not parse`, { line: n?.line ?? 1, source });

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An xs:dateTime with a zone (OpenADR sends UTC) → epoch milliseconds; sub-millisecond digits are cut. */
export function dateTimeMs(value: string, n: XmlNode | undefined, source: string): number {
  const m = DATE_TIME.exec(value);
  if (!m) throw bad('date-time', value, n, source);
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) throw bad('date-time', value, n, source);
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) throw bad('date-time', value, n, source);
  let offset = 0;
  if (m[8] !== 'Z') {
    const sign = m[8]![0] === '-' ? -1 : 1;
    const oh = Number(m[8]!.slice(1, 3));
    const om = Number(m[8]!.slice(4, 6));
    if (oh > 14 || om > 59) throw bad('date-time', value, n, source);
    offset = sign * (oh * 60 + om) * 60_000;
  }
  return local - offset;
}

const DURATION = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An RFC 5545 / xs:duration as OpenADR uses it (PT1H, PT15M, P1D, P1W) → seconds. Years and
 * months have no fixed length and are refused, like an empty "P" or "PT".
 */
export function durationS(value: string, n: XmlNode | undefined, source: string): number {
  const m = DURATION.exec(value);
  if (!m || value.endsWith('T') || /^[+-]?P$/.test(value)) throw bad('duration', value, n, source);
  const [w, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number];
  const total = (((w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
  if (!Number.isFinite(total) || total > 10 * 366 * 86_400) throw bad('duration', value, n, source);
  return m[1] === '-' ? -total : total;
}

export function float(value: string, n: XmlNode | undefined, source: string): number {
  const t = value.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) && t !== 'INF' && t !== '-INF') throw bad('number', value, n, source);
  const x = Number(t);
  if (!Number.isFinite(x)) throw bad('number', value, n, source);
  return x;
}

export function integer(value: string, n: XmlNode | undefined, source: string): number {
  if (!/^[+-]?\d{1,15}$/.test(value.trim())) throw bad('integer', value, n, source);
  return Number(value.trim());
}

export function bool(value: string, n: XmlNode | undefined, source: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw bad('boolean', value, n, source);
}
