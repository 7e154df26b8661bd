import { MeterstackError, type ErrorCode } from '../../model/errors.ts';

/** Every error code owned by the DSMR P1 codec (the `DSMR_` block of ERROR_CODES). */
export type DsmrErrorCode = Extract<ErrorCode, `DSMR_${string}`>;

/** A typed DSMR error: stable code, byte offset into the telegram (or stream) and, for text, the line. */
export class DsmrError extends MeterstackError {
  declare readonly code: DsmrErrorCode;

  constructor(code: DsmrErrorCode, message: string, opts: { offset?: number; line?: number; source?: string; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'DsmrError';
  }
}

export function isDsmrError(err: unknown): err is DsmrError {
  return err instanceof DsmrError;
}
