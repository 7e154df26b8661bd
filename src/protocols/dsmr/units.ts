/**
 * Telegram units → the canonical stored units (integers): kWh → Wh, kvarh → varh, kW → W,
 * kvar → var, V → mV, A → mA, Hz → mHz, m3 → L (litres), GJ → MJ, kVA → VA. Meters spell units in
 * several cases (`kWh`, `kwh`, `kVArh`), so the lookup ignores case. `exp` is the power of ten from
 * the telegram's number to the stored integer.
 */
export interface UnitConversion {
  readonly unit: string;
  readonly exp: number;
}

const CONVERSIONS: Record<string, UnitConversion> = {
  kwh: { unit: 'Wh', exp: 3 },
  wh: { unit: 'Wh', exp: 0 },
  kvarh: { unit: 'varh', exp: 3 },
  varh: { unit: 'varh', exp: 0 },
  kw: { unit: 'W', exp: 3 },
  w: { unit: 'W', exp: 0 },
  kvar: { unit: 'var', exp: 3 },
  var: { unit: 'var', exp: 0 },
  kva: { unit: 'VA', exp: 3 },
  va: { unit: 'VA', exp: 0 },
  v: { unit: 'mV', exp: 3 },
  a: { unit: 'mA', exp: 3 },
  hz: { unit: 'mHz', exp: 3 },
  m3: { unit: 'L', exp: 3 },
  gj: { unit: 'MJ', exp: 3 },
  s: { unit: 's', exp: 0 },
};

/** Units of up to 7 letters packed into a number, lower case (7 bits a letter): a Map on numbers is cheap. */
const PACKED = new Map<number, UnitConversion>(Object.entries(CONVERSIONS).map(([k, v]) => [pack(k, 0, k.length), v]));

function pack(s: string, start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) key = key * 128 + ((s.charCodeAt(i) | 0x20) & 0x7f);
  return key;
}

/** The conversion for a unit as written, or null for a unit without a canonical form. */
export function unitConversion(written: string): UnitConversion | null {
  if (written.length > 7 || written.length === 0) return null;
  return PACKED.get(pack(written, 0, written.length)) ?? null;
}

/** The same for b[start, end), compared in place, ignoring case, without cutting the unit out. */
export function unitAt(b: Uint8Array, start: number, end: number): UnitConversion | null {
  if (end - start > 7 || end <= start) return null;
  let key = 0;
  for (let i = start; i < end; i++) key = key * 128 + ((b[i]! | 0x20) & 0x7f);
  return PACKED.get(key) ?? null;
}

/**
 * n × 10^(exp − fracDigits), rounded half away from zero: the digits of `123.456` read as the
 * integer 123456 with 3 fraction digits, to a stored unit 10^exp smaller. Exact while n < 2^53.
 */
export function scaleInteger(n: number, fracDigits: number, exp: number): number {
  const shift = exp - fracDigits;
  if (shift >= 0) return n * POW10[shift]!;
  const d = POW10[-shift]!;
  const q = Math.floor(n / d);
  return n - q * d >= d / 2 ? q + 1 : q;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
