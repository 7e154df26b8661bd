import { MeterstackError } from '../../model/index.ts';

/**
 * ESPI number fields. The XSD types them as integers (Int48, UInt32, TimeType = xs:long), but real
 * feeds bend that: the NGMA gas exports carry fractional start times (`1721154384.66136`). Times
 * are therefore read as decimals and floored to the second; everything else must be what the
 * schema says, or the file stops with GREENBUTTON_BAD_VALUE and the line.
 */

export interface Where {
  readonly line: number;
  readonly source: string;
}

const bad = (what: string, text: string, at: Where): MeterstackError =>
  new MeterstackError('GREENBUTTON_BAD_VALUE', `${what} "${text.slice(0, 40)}" is not a valid number`, { line: at.line, source: at.source });

export function espiInteger(text: string, what: string, at: Where): number {
  if (!/^[+-]?\d{1,16}$/.test(text)) throw bad(what, text, at);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(what, text, at);
  return n === 0 ? 0 : n; // no -0
}

export function espiUnsigned(text: string, what: string, at: Where): number {
  const n = espiInteger(text, what, at);
  if (n < 0) throw bad(what, text, at);
  return n;
}

/** Seconds since 1970 (TimeType); a fractional second is floored. Years 0001..9999 only. */
export function espiTime(text: string, what: string, at: Where): number {
  if (!/^[+-]?\d{1,12}(\.\d{1,9})?$/.test(text)) throw bad(what, text, at);
  const t = Math.floor(Number(text));
  if (t < -62_135_596_800 || t > 253_402_300_799) throw bad(what, text, at);
  return t === 0 ? 0 : t;
}

/**
 * A reading value as mantissa × 10^exp, exactly as written (Int48 in the XSD; a decimal point is
 * tolerated). At most 15 significant digits, so the mantissa is an exact double.
 */
export function espiDecimal(text: string, what: string, at: Where): [mantissa: number, exp: number] {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw bad(what, text, at);
  const frac = m[3] ?? '';
  if (frac.length > 20) throw bad(what, text, at);
  let digits = `${m[2]}${frac}`.replace(/^0+/, '');
  let exp = -frac.length;
  while (digits.length > 1 && digits.endsWith('0') && exp < 0) { digits = digits.slice(0, -1); exp++; }
  if (digits.length > 15) throw bad(what, text, at);
  const mantissa = digits === '' ? 0 : Number(digits);
  return [m[1] === '-' && mantissa !== 0 ? -mantissa : mantissa, digits === '' ? 0 : exp];
}
