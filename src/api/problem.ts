import { ERROR_CODES, isMeterstackError, type ErrorCode } from '../model/index.ts';

/** RFC 9457 problem details, with the stable meterstack `code` as an extension member. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly instance: string;
  /** Where in the request the problem is: JSON pointer-ish path or byte offset/line. */
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly details?: Record<string, unknown>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'urn:meterstack:problem:';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: readonly { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

// Fastify's own client errors (bad JSON, wrong content type, body too large) keep their status;
// everything it does not name here is treated as a bad request.
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_BAD_REQUEST',
};

export function problem(code: ErrorCode, detail: string, instance: string, extra: Partial<Pick<Problem, 'errors' | 'details'>> = {}): Problem {
  const spec = ERROR_CODES[code];
  return { type: PROBLEM_TYPE_BASE + code, title: spec.title, status: spec.status, detail, code, instance, ...extra };
}

/**
 * The one mapping from anything thrown to a problem document. Meterstack errors keep their code;
 * schema failures become API_BAD_REQUEST with the failing paths; anything else is INTERNAL with a
 * generic detail, because a stack trace or SQL text is no business of the client.
 */
export function toProblem(err: unknown, instance: string): Problem {
  if (isMeterstackError(err)) {
    // A server-side failure's message may name files, SQL or internals: the code and title say enough.
    if (err.status >= 500) return problem(err.code, ERROR_CODES[err.code].title, instance);
    const position = [err.source, err.line !== undefined ? `line ${err.line}` : undefined, err.offset !== undefined ? `offset ${err.offset}` : undefined]
      .filter((x) => x !== undefined);
    return problem(err.code, err.message, instance, {
      ...(position.length ? { errors: [{ path: position.join(' '), message: err.message }] } : {}),
      ...(err.details ? { details: err.details } : {}),
    });
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const errors = e.validation.map((v) => ({
      path: `${e.validationContext ?? 'request'}${v.instancePath ?? ''}`,
      message: v.message ?? 'is invalid',
    }));
    return problem('API_BAD_REQUEST', e.message ?? 'the request does not match the schema', instance, { errors });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = FASTIFY_CODES[e.code ?? ''] ?? (e.statusCode === 404 ? 'API_NOT_FOUND' : 'API_BAD_REQUEST');
    return problem(code, e.message ?? ERROR_CODES[code].title, instance);
  }
  return problem('INTERNAL', 'the server could not complete the request; it has been logged', instance);
}
