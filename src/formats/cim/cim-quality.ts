import { MeterstackError, QUALITY } from '../../model/index.ts';

/**
 * IEC 61968-9 ReadingQualityType codes (system.category.index) ↔ canonical quality. The category
 * numbers are those of the Connexo implementation's QualityCodeCategory (0 valid, 1 diagnostics,
 * 2 power quality, 3 tamper, 4 data collection, 5 reasonability, 6 validation, 7 edited,
 * 8 estimated, 9 obsolete/oscillatory, 10 questionable, 11 derived, 12 projected); the system part
 * (1 end device, 2 head-end/MDC, 3 MDM, …) is not used for the mapping. Read:
 *   estimated (x.8.*) or projected (x.12.*)                        → E
 *   skipped interval (x.4.4) or known missing read (x.5.259)       → N
 *   edited (x.7.*)                                                 → S, or F with "validated" (x.0.1)
 *   diagnostics, tamper, reasonability, validation, oscillatory or
 *   questionable (x.1, x.3, x.5, x.6, x.9, x.10)                   → V
 *   anything else, or no quality at all                            → A
 * Written (as meterstack is an MDM, system 3): S 3.7.0, F 3.7.0 + 3.0.1, E 3.8.0, V 3.10.0; A none;
 * N intervals are left out.
 */

const DOUBTFUL = new Set([1, 3, 5, 6, 9, 10]);

export function parseQualityCode(ref: string, line: number, source: string): [system: number, category: number, index: number] {
  const m = /^(\d{1,4})\.(\d{1,4})\.(\d{1,6})$/.exec(ref.trim());
  if (!m) throw new MeterstackError('CIM_BAD_VALUE', `ReadingQualityType "${ref.slice(0, 40)}" is not a code system.category.index`, { line, source });
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function canonicalQuality(codes: readonly (readonly [number, number, number])[]): number {
  if (codes.length === 0) return QUALITY.A;
  let edited = false;
  let validated = false;
  let missing = false;
  let doubtful = false;
  for (const [, c, i] of codes) {
    if (c === 8 || c === 12) return QUALITY.E;
    if ((c === 4 && i === 4) || (c === 5 && i === 259)) missing = true;
    else if (c === 7) edited = true;
    else if (c === 0 && i === 1) validated = true;
    else if (DOUBTFUL.has(c)) doubtful = true;
  }
  if (missing) return QUALITY.N;
  if (edited) return validated ? QUALITY.F : QUALITY.S;
  return doubtful ? QUALITY.V : QUALITY.A;
}

const WRITE: Record<number, readonly string[]> = {
  [QUALITY.A]: [], [QUALITY.S]: ['3.7.0'], [QUALITY.F]: ['3.7.0', '3.0.1'], [QUALITY.E]: ['3.8.0'], [QUALITY.V]: ['3.10.0'],
};

export function qualityCodes(code: number): readonly string[] {
  return WRITE[code] ?? [];
}
