import { MeterstackError, OBIS_TABLE, UNITS, parseObisParts, readingTypeCode, type ObisDefinition } from '../../model/index.ts';

/**
 * IEC 61968-9 ReadingType code (18 dot-separated integers) → canonical channel. The reverse of the
 * model's `readingTypeCode`: every code meterstack writes is generated from the OBIS table for one
 * interval length (or 0 for registers), so looking the code up in the same generated set gives
 * back the channel exactly. Codes that differ only in the multiplier (part 16: kWh = 3.72 instead
 * of our 0.72) are accepted and scaled. Several OBIS rows share one code (a channel number B, the
 * DSMR M-Bus gas codes): the code maps to the primary row (B = 0, A ≠ 0), e.g. 0-1:24.2.1 comes
 * back as 7-0:3.0.0.
 */

export const INTERVALS = [60, 120, 180, 300, 600, 900, 1200, 1800, 3600] as const;
const MULTIPLIER = 15;

export interface CodeTarget {
  readonly def: ObisDefinition;
  /** Interval length the code's measuring period names; 0 for a register (bulkQuantity, instantaneous). */
  readonly intervalS: number;
}

export interface ParsedCode extends CodeTarget {
  /** Stored value = code value × 10^pow10. */
  readonly pow10: number;
}

const keyOf = (parts: readonly string[]): string => parts.map((p, i) => (i === MULTIPLIER ? '*' : p)).join('.');

const TARGETS = new Map<string, CodeTarget>();
const primaryFirst = [...OBIS_TABLE.values()].sort((a, b) => {
  const rank = (d: ObisDefinition): number => { const p = parseObisParts(d.obis); return p.a !== 0 && p.b === 0 ? 0 : 1; };
  return rank(a) - rank(b);
});
for (const def of primaryFirst) {
  for (const intervalS of [0, ...INTERVALS]) {
    const key = keyOf(readingTypeCode(def, intervalS).split('.'));
    if (!TARGETS.has(key)) TARGETS.set(key, { def, intervalS });
  }
}

export function parseReadingTypeCode(code: string, line: number, source: string): ParsedCode {
  const parts = code.trim().split('.');
  if (parts.length !== 18 || parts.some((p) => !/^-?\d{1,6}$/.test(p))) {
    throw new MeterstackError('CIM_BAD_VALUE', `ReadingType "${code.slice(0, 80)}" is not a code of 18 dot-separated integers`, { line, source });
  }
  const target = TARGETS.get(keyOf(parts.map((p) => String(Number(p)))));
  if (!target) {
    throw new MeterstackError('CIM_UNSUPPORTED_READING_TYPE', `ReadingType ${code} has no canonical channel (see docs/decisions/2026-11-26-xml-formats.md for the codes meterstack reads)`, { line, source });
  }
  const multiplier = Number(parts[MULTIPLIER]);
  if (multiplier < -24 || multiplier > 24) throw new MeterstackError('CIM_BAD_VALUE', `ReadingType ${code} multiplier ${multiplier} is out of range`, { line, source });
  return { ...target, pow10: multiplier - UNITS[target.def.unit].scale };
}

/** The code meterstack writes for a channel (the model's), and the channel it reads back as. */
export function codeFor(def: ObisDefinition, intervalS: number): { code: string; readsBackAs: ObisDefinition } {
  const code = readingTypeCode(def, intervalS);
  return { code, readsBackAs: TARGETS.get(keyOf(code.split('.')))!.def };
}
