import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { ok } from '../schemas/common.ts';

/** Unauthenticated: load balancers and `meterstack start` probe it. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'Liveness probe (no API key needed)',
      security: [],
      response: {
        200: ok('The API is up', {
          type: 'object',
          required: ['status', 'time'],
          properties: { status: { type: 'string', enum: ['ok'] }, time: { type: 'string', format: 'date-time' } },
        }),
      },
    },
  }, async () => ({ status: 'ok' as const, time: epochToIso(Math.floor(Date.now() / 1000)) }));

  app.get('/openapi.json', {
    schema: { tags: ['health'], summary: 'This API as an OpenAPI 3.1 document (no API key needed)', security: [] },
  }, async () => app.swagger());
};
