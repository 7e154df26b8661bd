/**
 * DLMS units (Blue Book, IEC 62056-6-2 "unit" enumeration of the scaler_unit attribute) and the
 * exact conversion of a raw register value + scaler_unit to the model's stored integer unit.
 *
 * Codes 1..72, 254 and 255 are cross-checked against `Gurux/Gurux.DLMS.Python`
 * `gurux_dlms/enums/Unit.py` (code corpus) and the Blue Book names quoted in Gurux.DLMS.c
 * `enums.h` (DLMS_UNIT_*); the electrical ones (27..35, 44) also appear in two independent
 * client headers of the corpus. Gaps (58, 59, 68, 69) are unassigned there. Code 0 is not a Blue
 * Book unit (Gurux's "no unit" placeholder) and is left out; the imperial units 128..174 of newer
 * Blue Books are left out (UNVERIFIED against the standard itself, and no stored unit maps them).
 */
import { MAX_VALUE } from '../../../model/reading.ts';
import type { StoredUnit } from '../../../model/reading-type.ts';
import type { DlmsData } from '../axdr/types.ts';
import { DlmsError } from '../errors.ts';

export const DLMS_UNITS = {
  1: 'a', 2: 'mo', 3: 'wk', 4: 'd', 5: 'h', 6: 'min', 7: 's', 8: '°', 9: '°C', 10: 'currency',
  11: 'm', 12: 'm/s', 13: 'm³', 14: 'm³ (corrected)', 15: 'm³/h', 16: 'm³/h (corrected)', 17: 'm³/d',
  18: 'm³/d (corrected)', 19: 'l', 20: 'kg', 21: 'N', 22: 'Nm', 23: 'Pa', 24: 'bar', 25: 'J', 26: 'J/h',
  27: 'W', 28: 'VA', 29: 'var', 30: 'Wh', 31: 'VAh', 32: 'varh', 33: 'A', 34: 'C', 35: 'V', 36: 'V/m',
  37: 'F', 38: 'Ω', 39: 'Ωm²/m', 40: 'Wb', 41: 'T', 42: 'A/m', 43: 'H', 44: 'Hz', 45: '1/(Wh)',
  46: '1/(varh)', 47: '1/(VAh)', 48: 'V²h', 49: 'A²h', 50: 'kg/s', 51: 'S', 52: 'K', 53: '1/(V²h)',
  54: '1/(A²h)', 55: '1/m³', 56: '%', 57: 'Ah', 60: 'Wh/m³', 61: 'J/m³', 62: 'Mol %', 63: 'g/m³',
  64: 'Pa s', 65: 'J/kg', 66: 'g/cm²', 67: 'atm', 70: 'dBm', 71: 'dBµV', 72: 'dB', 254: 'other', 255: 'count',
} as const;

export type DlmsUnitCode = keyof typeof DLMS_UNITS;

export function unitSymbol(code: number): string | undefined {
  return (DLMS_UNITS as Record<number, string>)[code];
}

/**
 * DLMS unit → stored unit and the power of ten from the DLMS unit to it (V → mV is +3). The two
 * dimensionless codes map to permille only when the channel's stored unit asks for it (power
 * factor is sent as a count with scaler −3, or as a percentage).
 */
export const TO_STORED: Readonly<Record<number, { readonly stored: StoredUnit; readonly exp: number; readonly onlyIfExpected?: true }>> = {
  27: { stored: 'W', exp: 0 },
  29: { stored: 'var', exp: 0 },
  30: { stored: 'Wh', exp: 0 },
  32: { stored: 'varh', exp: 0 },
  33: { stored: 'mA', exp: 3 },
  35: { stored: 'mV', exp: 3 },
  44: { stored: 'mHz', exp: 3 },
  13: { stored: 'L', exp: 3 },
  14: { stored: 'L', exp: 3 },
  19: { stored: 'L', exp: 0 },
  56: { stored: 'permille', exp: 1, onlyIfExpected: true },
  255: { stored: 'permille', exp: 3, onlyIfExpected: true },
};

/** The scaler_unit attribute (Register attr 3): value × 10^scaler in `unit`. */
export interface ScalerUnit {
  readonly scaler: number;
  readonly unit: number;
}

/** Parse `structure { scaler: integer, unit: enum }`. */
export function parseScalerUnit(data: DlmsData): ScalerUnit {
  if (data.type !== 'structure' || data.value.length !== 2) {
    throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `scaler_unit must be structure{integer, enum}, got ${data.type}${data.type === 'structure' ? ` of ${data.value.length}` : ''}`);
  }
  const [s, u] = data.value as [DlmsData, DlmsData];
  if (s.type !== 'integer' || u.type !== 'enum') {
    throw new DlmsError('DLMS_COSEM_BAD_OBJECT', `scaler_unit must be structure{integer, enum}, got structure{${s.type}, ${u.type}}`);
  }
  return { scaler: s.value, unit: u.value };
}

export interface StoredValue {
  /** Integer in the stored unit. */
  readonly value: number;
  readonly unit: StoredUnit;
  /** The raw value was finer than the stored unit and was rounded half away from zero. */
  readonly rounded: boolean;
}

/** The stored unit and power of ten for a scaler_unit; `expected` is the channel's stored unit (OBIS_TABLE). */
export function storedUnitFor(su: ScalerUnit, expected?: StoredUnit): { unit: StoredUnit; pow10: number } {
  const m = TO_STORED[su.unit];
  const name = unitSymbol(su.unit) ?? `code ${su.unit}`;
  if (!m || (m.onlyIfExpected && expected !== m.stored)) {
    throw new DlmsError('DLMS_UNIT_UNSUPPORTED', `DLMS unit ${name} has no stored unit${expected ? ` (the channel stores ${expected})` : ''}`, { details: { unit: su.unit } });
  }
  if (expected !== undefined && expected !== m.stored) {
    throw new DlmsError('DLMS_UNIT_UNSUPPORTED', `DLMS unit ${name} does not measure ${expected}`, { details: { unit: su.unit, expected } });
  }
  return { unit: m.stored, pow10: su.scaler + m.exp };
}

/**
 * raw × 10^scaler [unit] → integer in the stored unit, exactly: upscaling is exact (or an error
 * past ±2^50), downscaling rounds half away from zero and says so (e.g. 1234 with scaler −1 Wh is
 * 123.4 Wh → 123 Wh, rounded). kWh is Wh with scaler 3; V with scaler −1 is mV × 100.
 */
export function toStored(raw: number | bigint, su: ScalerUnit, expected?: StoredUnit): StoredValue {
  const { unit, pow10 } = storedUnitFor(su, expected);
  return { unit, ...scaleToInteger(raw, pow10) };
}

/** raw × 10^pow10 as an integer, rounded half away from zero; |result| ≤ 2^50 (MAX_VALUE). */
export function scaleToInteger(raw: number | bigint, pow10: number): { value: number; rounded: boolean } {
  if (typeof raw === 'bigint') return scaleBig(raw, pow10);
  if (!Number.isFinite(raw)) throw new DlmsError('DLMS_BAD_VALUE', `value ${raw} is not finite`);
  let value: number;
  let rounded = false;
  if (Number.isInteger(raw) && Math.abs(raw) <= Number.MAX_SAFE_INTEGER) {
    if (pow10 >= 0) value = raw * 10 ** pow10;
    else {
      const r = divRound(raw, pow10);
      value = r.value;
      rounded = r.rounded;
    }
  } else {
    const x = pow10 >= 0 ? raw * 10 ** pow10 : raw / 10 ** -pow10;
    value = roundHalfAway(x);
    rounded = Math.abs(x - value) > 1e-9 * Math.max(1, Math.abs(x));
  }
  if (!(Math.abs(value) <= MAX_VALUE)) throw outOfRange(raw, pow10);
  return { value: value === 0 ? 0 : value, rounded };
}

function divRound(raw: number, pow10: number): { value: number; rounded: boolean } {
  if (pow10 < -16) return { value: 0, rounded: raw !== 0 };
  const d = 10 ** -pow10;
  const sign = raw < 0 ? -1 : 1;
  const a = Math.abs(raw);
  let q = Math.trunc(a / d);
  let r = a - q * d;
  if (r < 0) { q -= 1; r += d; } else if (r >= d) { q += 1; r -= d; }
  if (2 * r >= d) q += 1;
  return { value: sign * q, rounded: r !== 0 };
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function scaleBig(raw: bigint, pow10: number): { value: number; rounded: boolean } {
  let v: bigint;
  let rounded = false;
  if (pow10 >= 0) v = raw * 10n ** BigInt(pow10);
  else {
    const d = 10n ** BigInt(-pow10);
    const a = raw < 0n ? -raw : raw;
    let q = a / d;
    const r = a % d;
    if (2n * r >= d) q += 1n;
    rounded = r !== 0n;
    v = raw < 0n ? -q : q;
  }
  const max = BigInt(MAX_VALUE);
  if (v > max || v < -max) throw outOfRange(raw, pow10);
  return { value: Number(v), rounded };
}

const outOfRange = (raw: number | bigint, pow10: number): DlmsError =>
  new DlmsError('DLMS_BAD_VALUE', `value ${String(raw)} × 10^${pow10} is beyond ±2^50 in the stored unit`);
