import { MeterstackError, type ErrorCode } from '../../model/errors.ts';

/** Every error code owned by the DLMS/COSEM codec (the `DLMS_` block of ERROR_CODES). */
export type DlmsErrorCode = Extract<ErrorCode, `DLMS_${string}`>;

/** A typed DLMS error: stable code, layer from the registry, optional byte offset into the input. */
export class DlmsError extends MeterstackError {
  declare readonly code: DlmsErrorCode;

  constructor(code: DlmsErrorCode, message: string, opts: { offset?: number; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, opts);
    this.name = 'DlmsError';
  }
}

export function isDlmsError(err: unknown): err is DlmsError {
  return err instanceof DlmsError;
}
