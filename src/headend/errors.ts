/**
 * Typed head-end failures: the stable `code` comes from the registry (ERROR_CODES; a DLMS_ code
 * for everything the meter or the wire did, INGEST_ codes when the pipeline refused), and
 * `stage` says which step of a read failed, so comm statistics and retries can branch on both.
 */
import { MeterstackError, isMeterstackError, type ErrorCode } from '../model/errors.ts';

export type ReadStage = 'keys' | 'connect' | 'associate' | 'read' | 'decode' | 'ingest';

export class HeadendError extends MeterstackError {
  readonly meterId: string;
  readonly stage: ReadStage;

  constructor(code: ErrorCode, meterId: string, stage: ReadStage, message: string, opts: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, `${meterId} (${stage}): ${message}`, opts);
    this.name = 'HeadendError';
    this.meterId = meterId;
    this.stage = stage;
  }

  /** Wraps whatever a step threw: typed errors keep their code; anything else is INTERNAL. */
  static from(err: unknown, meterId: string, stage: ReadStage): HeadendError {
    if (err instanceof HeadendError) return err;
    if (isMeterstackError(err)) return new HeadendError(err.code, meterId, stage, err.message, { cause: err, ...(err.details ? { details: err.details } : {}) });
    return new HeadendError('INTERNAL', meterId, stage, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

export function isHeadendError(err: unknown): err is HeadendError {
  return err instanceof HeadendError;
}
