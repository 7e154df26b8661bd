/**
 * Typed errors with stable codes. Every error a user or client can see carries a `code` from
 * ERROR_CODES, so automation can branch on it and docs/errors.md can list it (a test keeps both in
 * sync). The HTTP face maps codes to RFC 9457 problem+json via `status`.
 */

export type ErrorLayer = 'model' | 'codec' | 'store' | 'ingest' | 'service' | 'api' | 'cli' | 'sim' | 'config';

interface CodeSpec {
  readonly layer: ErrorLayer;
  readonly status: number;
  readonly title: string;
}

export const ERROR_CODES = {
  OBIS_INVALID: { layer: 'model', status: 400, title: 'Invalid OBIS code' },
  ZONE_INVALID: { layer: 'model', status: 400, title: 'Unknown IANA time zone' },
  SERIES_INVALID: { layer: 'model', status: 400, title: 'Invalid interval series' },
  BLOCK_CORRUPT: { layer: 'store', status: 500, title: 'Stored interval block is corrupt' },
  STORE_NOT_FOUND: { layer: 'store', status: 404, title: 'Not found' },
  STORE_CONFLICT: { layer: 'store', status: 409, title: 'Conflicting write' },
  STORE_MIGRATION_FAILED: { layer: 'store', status: 500, title: 'Database migration failed' },
  INGEST_UNKNOWN_METER: { layer: 'ingest', status: 422, title: 'Unknown meter' },
  INGEST_UNKNOWN_CHANNEL: { layer: 'ingest', status: 422, title: 'Unknown channel' },
  INGEST_MISALIGNED: { layer: 'ingest', status: 422, title: 'Interval not on the grid' },
  INGEST_NEGATIVE_IMPORT: { layer: 'ingest', status: 422, title: 'Negative energy on an import register' },
  INGEST_FUTURE: { layer: 'ingest', status: 422, title: 'Timestamp in the future' },
  INGEST_BAD_VALUE: { layer: 'ingest', status: 422, title: 'Value is not a finite integer in range' },
  INGEST_BACKPRESSURE: { layer: 'ingest', status: 503, title: 'Ingest queue full' },
  INGEST_CLOSED: { layer: 'ingest', status: 503, title: 'Ingest pipeline is shut down' },
  INGEST_MALFORMED: { layer: 'ingest', status: 400, title: 'Malformed ingest message or item' },
  INGEST_DUPLICATE_CONFLICT: { layer: 'ingest', status: 422, title: 'Conflicting values for one interval in one message' },
  INGEST_STORE_FAILED: { layer: 'ingest', status: 503, title: 'Storing the ingested data failed; nothing of it was committed' },
  BUS_CLOSED: { layer: 'ingest', status: 503, title: 'Message bus is closed' },
  BUS_FULL: { layer: 'ingest', status: 503, title: 'Message bus stayed full for longer than the publish timeout' },
  CSV_BAD_HEADER: { layer: 'codec', status: 400, title: 'CSV header is not the canonical one' },
  CSV_BAD_ROW: { layer: 'codec', status: 400, title: 'Malformed CSV row' },
  API_UNAUTHORIZED: { layer: 'api', status: 401, title: 'Missing or invalid API key' },
  API_FORBIDDEN: { layer: 'api', status: 403, title: 'Not allowed for this role' },
  API_BAD_REQUEST: { layer: 'api', status: 400, title: 'Request does not match the schema' },
  API_NOT_FOUND: { layer: 'api', status: 404, title: 'No such resource' },
  API_BAD_CURSOR: { layer: 'api', status: 400, title: 'Invalid paging cursor' },
  API_PAYLOAD_TOO_LARGE: { layer: 'api', status: 413, title: 'Request body too large' },
  API_UNSUPPORTED_MEDIA_TYPE: { layer: 'api', status: 415, title: 'Unsupported content type' },
  CONFIG_INVALID: { layer: 'config', status: 500, title: 'Invalid configuration' },
  PORT_IN_USE: { layer: 'config', status: 500, title: 'Port already in use' },
  AUDIT_CHAIN_BROKEN: { layer: 'store', status: 500, title: 'Audit or integrity chain is broken' },
  METER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such meter' },
  CHANNEL_NOT_FOUND: { layer: 'service', status: 404, title: 'The meter has no such channel' },
  TRANSFORMER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such transformer' },
  FEEDER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such feeder' },
  QUERY_INVALID: { layer: 'service', status: 400, title: 'Query not valid for this resource' },
  AUTH_ROLE_UNKNOWN: { layer: 'service', status: 400, title: 'Unknown role' },
  INTERNAL: { layer: 'service', status: 500, title: 'Internal error' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPosition {
  /** Byte offset into the input, for binary codecs. */
  offset?: number;
  /** 1-based line number, for text formats. */
  line?: number;
  /** File or source name. */
  source?: string;
}

export class MeterstackError extends Error {
  readonly code: ErrorCode;
  readonly layer: ErrorLayer;
  readonly offset?: number;
  readonly line?: number;
  readonly source?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: ErrorPosition & { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MeterstackError';
    this.code = code;
    this.layer = ERROR_CODES[code].layer;
    if (opts.offset !== undefined) this.offset = opts.offset;
    if (opts.line !== undefined) this.line = opts.line;
    if (opts.source !== undefined) this.source = opts.source;
    if (opts.details !== undefined) this.details = opts.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isMeterstackError(err: unknown): err is MeterstackError {
  return err instanceof MeterstackError;
}

export function hasCode(err: unknown, code: ErrorCode): err is MeterstackError {
  return isMeterstackError(err) && err.code === code;
}
