import { QUALITY } from '../../model/index.ts';

/**
 * QualityMethod (MDFF): a quality flag, then for substituted and estimated data a two-digit
 * method flag (AEMO Metrology Procedure Part B: 11–25, 51–59, 61–69, 71–75), e.g. `A`, `E52`,
 * `S14`, `F15`. The flag maps one to one onto the canonical QUALITY code; the method flag is
 * checked but not stored per interval (the model keeps flag + reason; DOMAIN.md §1.1, §1.2).
 * `V` (variable) is not a quality of its own: it says 400 records carry per-interval flags.
 */
export const FLAG_CODE: Readonly<Record<string, number>> = {
  A: QUALITY.A, E: QUALITY.E, F: QUALITY.F, N: QUALITY.N, S: QUALITY.S, V: QUALITY.V,
};

/** Which flags take a method flag: required (true), forbidden (false). */
const NEEDS_METHOD: Readonly<Record<string, boolean>> = { A: false, N: false, V: false, E: true, F: true, S: true };

export interface QualityMethod {
  readonly flag: string;
  readonly code: number;
  readonly method: number;
}

/** Parses a QualityMethod field; a string result is the reason it is malformed. */
export function parseQualityMethod(text: string): QualityMethod | string {
  const flag = text.charAt(0);
  const code = FLAG_CODE[flag];
  if (code === undefined) return `quality "${text}" does not start with a quality flag (A, E, F, N, S or V)`;
  const rest = text.slice(1);
  if (NEEDS_METHOD[flag]) {
    if (!/^\d\d$/.test(rest)) return `quality "${text}": flag ${flag} needs a two-digit method flag, e.g. ${flag}14 or ${flag}52`;
    return { flag, code, method: Number(rest) };
  }
  if (rest !== '') return `quality "${text}": flag ${flag} takes no method flag`;
  return { flag, code, method: 0 };
}

/** ReasonCode: empty (none) or an integer 0..255 (MDFF v2.6 uses 0..109). -1 when malformed. */
export function parseReasonCode(text: string): number {
  if (text === '') return 0;
  if (!/^\d{1,3}$/.test(text)) return -1;
  const n = Number(text);
  return n <= 255 ? n : -1;
}
