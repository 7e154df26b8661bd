import { QUALITY } from '../../model/index.ts';
import { ESPI_QUALITY as Q } from './espi.ts';

/**
 * ESPI QualityOfReading ↔ canonical quality (NEM12 flags). ESPI's codes follow the CIM quality
 * categories (7 edited, 8/9 estimated, 10 questionable, 11 derived, 12 projected, 13 mixed), so:
 *   estimated (8, 9) and projected (12)              → E
 *   manually edited (7), normalised for weather (15) → S, or F when it is also validated,
 *                                                       verified or revenue-quality (17, 18, 19)
 *   questionable (10), mixed (13), other (16)        → V (canonical has no "questionable")
 *   valid (0), derived (11), raw (14), 17, 18, 19    → A; so is a reading with no ReadingQuality
 * A reading without a value is N. Export writes the inverse: A none, S 7, F 7 + 17, E 8, V 13;
 * N intervals are left out (ESPI has no "missing" quality; a gap says it).
 */

const bit = (q: number): number => 1 << q;
const ESTIMATED = bit(Q.estimatedReferenceDay) | bit(Q.estimatedLinear) | bit(Q.projected);
const EDITED = bit(Q.manuallyEdited) | bit(Q.normalizedForWeather);
const APPROVED = bit(Q.validated) | bit(Q.verified) | bit(Q.revenueQuality);
const DOUBTFUL = bit(Q.questionable) | bit(Q.mixed) | bit(Q.other);

/** Canonical QUALITY code for a ReadingQuality bit mask. */
export function canonicalQuality(mask: number): number {
  if (mask & ESTIMATED) return QUALITY.E;
  if (mask & EDITED) return mask & APPROVED ? QUALITY.F : QUALITY.S;
  if (mask & DOUBTFUL) return QUALITY.V;
  return QUALITY.A;
}

const ESPI_OF: Record<number, readonly number[]> = {
  [QUALITY.A]: [], [QUALITY.S]: [Q.manuallyEdited], [QUALITY.F]: [Q.manuallyEdited, Q.validated],
  [QUALITY.E]: [Q.estimatedReferenceDay], [QUALITY.V]: [Q.mixed],
};

/** ReadingQuality codes to write for a canonical quality (N is not written at all). */
export function espiQualities(code: number): readonly number[] {
  return ESPI_OF[code] ?? [];
}
