import type { FastifyPluginAsync } from 'fastify';
import { assertZone, epochToIso } from '../../model/index.ts';
import { rangeParams } from '../params.ts';
import type { Services } from '../../services/index.ts';
import { loadDto } from '../dto.ts';
import { ok, problems, time } from '../schemas/common.ts';
import { loadQuery, loadResponse, type LoadQuery } from './load-schema.ts';

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export const fleetRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/fleet/summary', {
    config: { permission: 'meters:read' },
    schema: {
      tags: ['fleet'],
      summary: 'Meters by kind, status and tag; feeder and transformer counts',
      response: {
        200: ok('Fleet counts', {
          type: 'object',
          required: ['meters', 'byKind', 'byStatus', 'byTag', 'feeders', 'transformers', 'at'],
          properties: {
            meters: { type: 'integer' }, byKind: counts, byStatus: counts, byTag: counts,
            feeders: { type: 'integer' }, transformers: { type: 'integer' },
            at: { ...time, description: 'When the counts were taken (cached briefly)' },
          },
        }),
        ...problems(),
      },
    },
  }, async () => {
    const s = await services.fleet.summary();
    return { ...s, at: epochToIso(s.at) };
  });

  app.get<{ Querystring: LoadQuery }>('/fleet/load', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['fleet'],
      summary: 'Per-interval total over the whole fleet (for the load chart)',
      querystring: loadQuery,
      response: { 200: ok('Per-interval fleet totals', loadResponse), ...problems() },
    },
  }, async (req) => {
    const { from, to, channel, zone = 'UTC' } = req.query;
    return loadDto(await services.load.fleet(rangeParams({ from, to }), channel), assertZone(zone));
  });
};
