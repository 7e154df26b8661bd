/**
 * Data quality per interval, NEM12-style method flags (AEMO MDFF spec, QualityMethod):
 * A actual, S substituted, E estimated, F final substitute, N null/missing, V variable.
 * In series the flag is one byte per interval (QUALITY codes below, stable: they are stored in
 * blocks), with an optional reason code (NEM12 reason codes 0..99, 0 = none). The VEE rule that
 * set a flag is kept with the version/audit entry, not per interval.
 */
export const QUALITY = { A: 0, S: 1, E: 2, F: 3, N: 4, V: 5 } as const;
export type QualityFlag = keyof typeof QUALITY;
export type QualityCode = (typeof QUALITY)[QualityFlag];

const FLAGS: readonly QualityFlag[] = ['A', 'S', 'E', 'F', 'N', 'V'];

export function qualityFlag(code: number): QualityFlag {
  const f = FLAGS[code];
  if (f === undefined) throw new RangeError(`quality code ${code} is not one of 0..${FLAGS.length - 1}`);
  return f;
}

export function isQualityFlag(s: unknown): s is QualityFlag {
  return typeof s === 'string' && (FLAGS as readonly string[]).includes(s);
}

export interface Quality {
  readonly flag: QualityFlag;
  /** NEM12 reason code, 0 = none. */
  readonly reason?: number;
  /** Id of the VEE rule that set the flag. */
  readonly rule?: string;
}

/** Actual or final data can be billed without caveat; the rest is provisional or missing. */
export function isEstimated(code: number): boolean {
  return code === QUALITY.S || code === QUALITY.E || code === QUALITY.F;
}

export function isMissing(code: number): boolean {
  return code === QUALITY.N;
}
