import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

export function openapiOptions(prefix: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'meterstack API',
        version: '1',
        description: `Smart-metering platform API. Every route under ${prefix} except /health, /openapi.json and POST /session needs `
          + '`Authorization: Bearer <key>`, or the session cookie of a person logged in with POST /session (whose state-changing '
          + 'requests also send the session\'s CSRF token as `x-csrf-token`). Collections answer `{"items", "total", "next"}` and page with `?limit=` and '
          + '`?cursor=`. Times are ISO 8601 with offset. Errors are RFC 9457 problem+json with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key (msk_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'msk_session', description: 'A person\'s session (POST /session), for the web pages' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  };
}
