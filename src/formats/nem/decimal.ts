/**
 * MDFF numbers (interval values, register reads) to integers in the stored unit, without going
 * through a float: the digits are read as an integer mantissa m with d decimals, and the value is
 * m·10^(exp−d) where 10^exp is the factor from the file's unit to the stored one (kWh → Wh: 3).
 * A value with more decimals than the stored unit holds (kWh with 4+ decimals) is rounded half to
 * even, so sums over many intervals carry no bias; the loss is below half a stored unit (0.5 Wh).
 * Results beyond ±2^50 (the model's MAX_VALUE) are refused: NaN.
 */
const MAX_VALUE = 2 ** 50;
const MAX_MANTISSA = Number.MAX_SAFE_INTEGER;

export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** m / 10^k rounded half to even, exact for integer m < 2^53. */
export function roundShift(m: number, k: number): number {
  if (k > 22) return 0;
  const p = POW10[k]!;
  let q = Math.floor(m / p);
  let r = m - q * p;
  // The float quotient can be one off near integers; the remainder puts it right.
  if (r < 0) { q--; r += p; } else if (r >= p) { q++; r -= p; }
  const twice = 2 * r;
  return twice > p || (twice === p && q % 2 === 1) ? q + 1 : q;
}

/** A non-negative mantissa with `dec` decimals, scaled by 10^exp; NaN if out of range. */
export function scale(m: number, dec: number, exp: number): number {
  const v = dec <= exp ? m * POW10[exp - dec]! : roundShift(m, dec - exp);
  return v <= MAX_VALUE ? v : NaN;
}

/**
 * Parses a decimal text field (`-12.345`, `0`, `000888`, `1.`) to the stored unit; NaN when it is
 * not a plain decimal number (no exponent, no `+`, no blanks, at least one digit).
 */
export function parseDecimal(text: string, exp: number): number {
  let i = 0;
  let neg = false;
  if (text.charCodeAt(0) === 45) { neg = true; i = 1; }
  let m = 0;
  let dec = -1;
  let nd = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) { m = m * 10 + (c - 48); nd++; if (dec >= 0) dec++; }
    else if (c === 46 && dec < 0) dec = 0;
    else return NaN;
  }
  if (nd === 0 || m > MAX_MANTISSA) return NaN;
  const v = scale(m, dec < 0 ? 0 : dec, exp);
  return neg && v !== 0 ? -v : v;
}

/** Position after the value parsed by parseValueAt (module state: no allocation per value). */
export let valueEnd = 0;

/**
 * The hot path: one decimal value of a 300 record, read from bytes at `pos` up to the first byte
 * that cannot belong to a number; that byte's index is left in `valueEnd`. NaN when malformed.
 */
export function parseValueAt(buf: Uint8Array, pos: number, exp: number): number {
  let i = pos;
  // `| 0`: past the end of the buffer a load is undefined, which must not read as a digit.
  let c = buf[i]! | 0;
  const neg = c === 45;
  if (neg) c = buf[++i]! | 0;
  const first = i;
  let dot = -1;
  let m = 0;
  for (;;) {
    const d = (c - 48) >>> 0;
    if (d < 10) m = m * 10 + d;
    else if (c === 46 && dot < 0) dot = i;
    else break;
    c = buf[++i]! | 0;
  }
  valueEnd = i;
  const dec = dot < 0 ? 0 : i - dot - 1;
  if (i - first - (dot < 0 ? 0 : 1) <= 0 || m > MAX_MANTISSA) return NaN;
  const v = dec <= exp ? m * POW10[exp - dec]! : roundShift(m, dec - exp);
  if (v > MAX_VALUE) return NaN;
  // -0 would survive into the Float64Array and differ from 0 under Object.is.
  return neg && v !== 0 ? -v : v;
}
