import { MeterstackError, type Obis, QUALITY, type QualityCode, isObis, isQualityFlag, obis } from '../../model/index.ts';

/**
 * Typed reads from a decoded body. Every mapper goes through these, so a wrong type anywhere
 * becomes PAYLOAD_BAD_VALUE naming the field's path (`channels[2].values[5]`), never a TypeError.
 */

export type Body = Record<string, unknown> | Map<unknown, unknown>;

export function badValue(path: string, why: string): MeterstackError {
  return new MeterstackError('PAYLOAD_BAD_VALUE', `${path}: ${why}`);
}

export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a map';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'value') : typeof v}`;
}

export function isBody(v: unknown): v is Body {
  return v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v));
}

/** A field by text key, or by integer key in a CBOR map (a JSON object spells it "0", "1" …). */
export function get(body: Body, key: string | number): unknown {
  if (body instanceof Map) return body.has(key) ? body.get(key) : body.get(String(key));
  return Object.hasOwn(body, String(key)) ? body[String(key)] : undefined;
}

export function object(v: unknown, path: string): Body {
  if (!isBody(v)) throw badValue(path, `expected an object, got ${describe(v)}`);
  return v;
}

export function array(v: unknown, path: string, maxLength = 100_000): unknown[] {
  if (!Array.isArray(v)) throw badValue(path, `expected an array, got ${describe(v)}`);
  if (v.length > maxLength) throw badValue(path, `${v.length} entries, at most ${maxLength}`);
  return v;
}

export function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) throw badValue(path, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

export function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badValue(path, `expected a finite number, got ${describe(v)}`);
  return v;
}

export function integer(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw badValue(path, `expected an integer ${min}..${max}, got ${describe(v)}`);
  return v;
}

export function quality(v: unknown, path: string): QualityCode {
  if (!isQualityFlag(v)) throw badValue(path, `expected a quality flag A, S, E, F, N or V, got ${describe(v)}`);
  return QUALITY[v];
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Epoch seconds from an integer, or from RFC 3339 text with an explicit offset. Fractions are
 * refused: interval boundaries and register stamps are whole seconds. A time without an offset is
 * ambiguous at every DST change, so it is refused rather than read as UTC or local.
 */
export function time(v: unknown, path: string): number {
  if (typeof v === 'number') return integer(v, path);
  const m = typeof v === 'string' ? RFC3339.exec(v) : null;
  if (m === null) throw badValue(path, `expected epoch seconds or RFC 3339 time with offset (2026-11-26T10:15:00Z), got ${describe(v)}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  // Date.UTC rolls 30 February over into March; a time that does not round-trip does not exist.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw badValue(path, `${describe(v)} is not a valid time`);
  }
  const frac = /\.(\d+)/.exec(v as string);
  if (frac !== null && Number(frac[1]) !== 0) throw badValue(path, `${describe(v)} has a fraction of a second`);
  const off = m[7]!.toUpperCase() === 'Z' ? 0 : (m[7]![0] === '-' ? -1 : 1) * (Number(m[7]!.slice(1, 3)) * 3600 + Number(m[7]!.slice(4, 6)) * 60);
  const t = utc / 1000 - off;
  if (t < 0) throw badValue(path, `${describe(v)} is before 1970`);
  return t;
}

export function channel(v: unknown, path: string): Obis {
  if (typeof v !== 'string' || !isObis(v)) throw badValue(path, `expected an OBIS code such as 1-0:1.8.0, got ${describe(v)}`);
  return obis(v);
}

/** A payload may name its meter; it must be the device the transport authenticated. */
export function ownMeter(v: unknown, deviceId: string, path: string): string {
  if (v === undefined) return deviceId;
  const id = text(v, path);
  if (id !== deviceId) throw new MeterstackError('PAYLOAD_WRONG_DEVICE', `${path}: the payload speaks for meter "${id.slice(0, 64)}" but came from device "${deviceId}"; a device may only send its own readings`);
  return id;
}
