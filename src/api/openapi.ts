import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

export function openapiOptions(prefix: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'meterstack API',
        version: '1',
        description: `Smart-metering platform API. Every route under ${prefix} except /health and /openapi.json needs `
          + '`Authorization: Bearer <key>`. Collections answer `{"items", "total", "next"}` and page with `?limit=` and '
          + '`?cursor=`. Times are ISO 8601 with offset. Errors are RFC 9457 problem+json with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (msk_…)' } },
      },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  };
}
