import type { FastifyPluginAsync } from 'fastify';
import { assertZone } from '../../model/index.ts';
import { rangeParams } from '../params.ts';
import type { Services } from '../../services/index.ts';
import { loadDto, topologyDto } from '../dto.ts';
import { idParam, ok, problems, ref } from '../schemas/common.ts';
import { loadQuery, loadResponse, type LoadQuery } from './load-schema.ts';

export const topologyRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/topology', {
    config: { permission: 'topology:read' },
    schema: { tags: ['topology'], summary: 'Feeders and transformers', response: { 200: ok('Feeders and transformers', ref('Topology')), ...problems() } },
  }, async () => topologyDto(await services.meters.topology()));

  app.get<{ Params: { id: string }; Querystring: LoadQuery }>('/topology/transformers/:id/load', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['topology'],
      summary: 'Per-interval sum over the meters of one transformer',
      params: idParam,
      querystring: loadQuery,
      response: { 200: ok('Per-interval sums', loadResponse), ...problems(404) },
    },
  }, async (req) => {
    const { from, to, channel, zone = 'UTC' } = req.query;
    const load = await services.load.transformer(req.params.id, rangeParams({ from, to }), channel);
    return loadDto(load, assertZone(zone));
  });

  app.get<{ Params: { id: string }; Querystring: LoadQuery }>('/topology/feeders/:id/load', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['topology'],
      summary: 'Per-interval sum over the meters of one feeder',
      params: idParam,
      querystring: loadQuery,
      response: { 200: ok('Per-interval sums', loadResponse), ...problems(404) },
    },
  }, async (req) => {
    const { from, to, channel, zone = 'UTC' } = req.query;
    const load = await services.load.feeder(req.params.id, rangeParams({ from, to }), channel);
    return loadDto(load, assertZone(zone));
  });
};
