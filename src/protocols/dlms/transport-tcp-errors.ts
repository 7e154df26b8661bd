/**
 * Shared by the DLMS TCP client and server: socket errors → typed DlmsError, option checks.
 * No node:net import here; only the errors that Node sockets raise (`err.code`) are inspected.
 */
import { MeterstackError } from '../../model/errors.ts';
import { DlmsError, type DlmsErrorCode } from './errors.ts';

const CODE_BY_ERRNO: Readonly<Record<string, DlmsErrorCode>> = {
  ECONNREFUSED: 'DLMS_TRANSPORT_REFUSED',
  ECONNRESET: 'DLMS_TRANSPORT_CLOSED',
  ECONNABORTED: 'DLMS_TRANSPORT_CLOSED',
  EPIPE: 'DLMS_TRANSPORT_CLOSED',
  ERR_SOCKET_CLOSED: 'DLMS_TRANSPORT_CLOSED',
  ERR_STREAM_DESTROYED: 'DLMS_TRANSPORT_CLOSED',
  ETIMEDOUT: 'DLMS_TRANSPORT_TIMEOUT',
};

/** Maps a socket 'error' (ECONNREFUSED, ECONNRESET, ...) to a DlmsError; DlmsErrors pass through. */
export function socketError(err: unknown, where: string): DlmsError {
  if (err instanceof DlmsError) return err;
  const errno = (err as { code?: unknown } | null)?.code;
  const code = (typeof errno === 'string' && CODE_BY_ERRNO[errno]) || 'DLMS_TRANSPORT_FAILED';
  const text = err instanceof Error ? err.message : String(err);
  return new DlmsError(code, `${where}: ${text}`, { cause: err, details: { errno } });
}

export function closedError(message: string, cause?: unknown): DlmsError {
  return new DlmsError('DLMS_TRANSPORT_CLOSED', message, cause === undefined ? {} : { cause });
}

export function checkPort(value: unknown, what: string, min = 0): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > 0xffff) {
    throw new MeterstackError('CONFIG_INVALID', `${what} must be an integer ${min}..65535, got ${String(value)}`);
  }
}

/** setTimeout fires at once for delays above 2^31-1 ms, so longer ones are refused. */
const MAX_TIMER_MS = 0x7fffffff;

export function checkPositive(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new MeterstackError('CONFIG_INVALID', `${what} must be 1..${MAX_TIMER_MS} milliseconds, got ${String(value)}`);
  }
}
