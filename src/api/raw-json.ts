import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MeterstackError } from '../model/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as received (only in contexts that install rawJsonBody). */
    rawBody: Buffer | null;
  }
}

/**
 * JSON bodies that keep their bytes: the ingest pipeline hashes what arrived, not a re-encoding.
 * Installed per encapsulated context, so other routes keep Fastify's own parser.
 */
export function rawJsonBody(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest('rawBody', null);
  // Only JSON is a batch here; any other content type is 415 rather than a string failing the schema.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req: FastifyRequest, body: Buffer, done) => {
    req.rawBody = body;
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (e) {
      done(new MeterstackError('API_BAD_REQUEST', `the body is not JSON: ${(e as Error).message}`), undefined);
    }
  });
}

/**
 * Fastify's validator coerces types ("5" → 5, null → 0) in place, which is right for query
 * strings but would let a body that breaks its schema through. Comparing the validated body with
 * the bytes as sent finds any coercion; returns the JSON pointer of the first one.
 */
export function firstCoercion(sent: unknown, validated: unknown, path = ''): string | undefined {
  if (sent === validated) return undefined;
  if (typeof sent !== 'object' || typeof validated !== 'object' || sent === null || validated === null) return path || '/';
  if (Array.isArray(sent) !== Array.isArray(validated)) return path || '/';
  const a = sent as Record<string, unknown>;
  const b = validated as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return path || '/';
  for (const k of keys) {
    const p = firstCoercion(a[k], b[k], `${path}/${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

export function assertUncoerced(req: FastifyRequest): void {
  const sent: unknown = JSON.parse((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
  const at = firstCoercion(sent, req.body);
  if (at !== undefined) {
    throw new MeterstackError('API_BAD_REQUEST', `body${at} has the wrong JSON type for the schema`, { details: { path: `body${at}` } });
  }
}
