import { ERROR_CODES } from '../../model/index.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../services/index.ts';
import { PROBLEM_CONTENT_TYPE } from '../problem.ts';

/** JSON Schemas shared by the routes; registered once with addSchema and referenced as `Name#`. */

export const time = { type: 'string', format: 'date-time', description: 'ISO 8601 / RFC 3339 with offset' } as const;
export const ref = (id: string) => ({ $ref: `${id}#` }) as const;

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details; `code` is the stable meterstack error code (docs/errors.md).',
  required: ['type', 'title', 'status', 'detail', 'code', 'instance'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
});

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (schema, cursor, range, OBIS code or zone)',
  401: 'Missing or invalid API key',
  403: 'The key\'s role does not allow this',
  404: 'Not found',
  413: 'Body too large',
  415: 'Unsupported content type',
  500: 'Internal error',
  503: 'Temporarily unavailable (ingest queue full or shutting down)',
};

/** Problem responses for an authenticated route, plus any route-specific statuses. */
export function problems(...extra: number[]): Record<number, ReturnType<typeof problemResponse>> {
  const out: Record<number, ReturnType<typeof problemResponse>> = {};
  for (const s of [400, 401, 403, 500, ...extra]) out[s] = problemResponse(PROBLEM_DESCRIPTIONS[s] ?? 'Problem');
  return out;
}

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Items per page' },
  cursor: { type: 'string', description: 'Opaque cursor from the previous page\'s `next`' },
} as const;

export const rangeQuery = {
  from: { ...time, description: 'Start of the range (inclusive), ISO 8601 with offset' },
  to: { ...time, description: 'End of the range (exclusive), ISO 8601 with offset' },
} as const;

/** `{"items", "total", "next"}`, the shape of every collection, plus collection-level fields. */
export function collection(item: object, extra: Record<string, object> = {}, required: string[] = []) {
  return {
    type: 'object',
    required: ['items', 'total', 'next', ...required],
    properties: {
      ...extra,
      items: { type: 'array', items: item },
      total: { type: 'integer', description: 'Items in the whole collection' },
      next: { type: ['string', 'null'], description: 'Cursor of the next page, null on the last page' },
    },
  } as const;
}

export const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

/** A success response with its description, the way OpenAPI readers show it. */
export function ok(description: string, schema: object) {
  return { description, content: { 'application/json': { schema } } };
}
