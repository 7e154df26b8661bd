import { MeterstackError } from '../../model/index.ts';

/**
 * Money and rates are integer micro-units (1e-6 of the currency) so that sums are exact; tariff
 * documents write them as decimal strings ("0.2834"), never floats. Amounts are rounded once, per
 * bill line, to the currency's minor unit, half away from zero (docs/billing.md).
 */
export const MICRO = 1_000_000;

const DECIMAL = /^(-)?(\d{1,9})(?:\.(\d{1,6}))?$/;

/** "0.2834" → 283400. At most 6 decimals: a rate in micro-units is then exact. */
export function parseMicro(text: unknown, where: string): number {
  const m = typeof text === 'string' ? DECIMAL.exec(text.trim()) : null;
  if (!m) {
    throw new MeterstackError('TARIFF_INVALID', `${where} must be a decimal string such as "0.2834" (at most 6 decimals), not ${JSON.stringify(text)}`);
  }
  const micro = Number(m[2]) * MICRO + Number((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -micro : micro;
}

/** 283400 → "0.2834" (trailing zeros dropped, at least `minDecimals`). */
export function formatMicro(micro: number, minDecimals = 2): string {
  const neg = micro < 0;
  const abs = Math.abs(micro);
  const whole = Math.floor(abs / MICRO);
  let rest = abs % MICRO;
  // Drop trailing zeros arithmetically (this runs for every figure of every bill line).
  let digits = 6;
  while (digits > minDecimals && rest % 10 === 0) {
    rest /= 10;
    digits--;
  }
  if (digits === 0) return `${neg ? '-' : ''}${whole}`;
  return `${neg ? '-' : ''}${whole}.${String(rest).padStart(digits, '0')}`;
}

/** round(n / d) half away from zero, exact for any safe integers (BigInt inside). */
export function divRound(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0) {
    throw new MeterstackError('INTERNAL', `amount ${n}/${d} is outside exact integer range`);
  }
  const bn = BigInt(n);
  const bd = BigInt(d);
  const abs = bn < 0n ? -bn : bn;
  const q = (2n * abs + bd) / (2n * bd);
  return Number(bn < 0n ? -q : q);
}

/** a × b / d rounded half away from zero, exact (the product may exceed 2^53). */
export function mulDivRound(a: number, b: number, d: number): number {
  const bn = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  const abs = bn < 0n ? -bn : bn;
  const q = (2n * abs + bd) / (2n * bd);
  return Number(bn < 0n ? -q : q);
}

/** The size of the minor unit in micro-units: 10,000 for cents. */
export function minorQuantum(minorUnits: number): number {
  return 10 ** (6 - minorUnits);
}

/**
 * Amount in micro-units, rounded to the minor unit, of `whTimesRate` (Σ Wh × micro-per-kWh):
 * exact = whTimesRate / 1000 micro-units.
 */
export function energyAmount(whTimesRate: number, minorUnits: number): number {
  const q = minorQuantum(minorUnits);
  return divRound(whTimesRate, 1000 * q) * q;
}

/** Round an amount already in micro-units to the minor unit. */
export function roundMinor(micro: number, minorUnits: number): number {
  const q = minorQuantum(minorUnits);
  return divRound(micro, q) * q;
}
