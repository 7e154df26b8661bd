import type { FastifyPluginAsync } from 'fastify';
import type { MeterFilter, Services } from '../../services/index.ts';
import { channelDto, meterDto } from '../dto.ts';
import { collection, idParam, ok, pageQuery, problems, ref } from '../schemas/common.ts';

interface ListQuery {
  limit?: number;
  cursor?: string;
  feeder?: string;
  transformer?: string;
  kind?: MeterFilter['kind'];
  status?: MeterFilter['status'];
  tag?: string;
  q?: string;
}

export const metersRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: ListQuery }>('/meters', {
    config: { permission: 'meters:read' },
    schema: {
      tags: ['meters'],
      summary: 'List meters, filtered and paged',
      querystring: {
        type: 'object',
        properties: {
          ...pageQuery,
          feeder: { type: 'string', description: 'Feeder id' },
          transformer: { type: 'string', description: 'Transformer id' },
          kind: { type: 'string', enum: ['electricity', 'gas', 'water', 'heat'] },
          status: { type: 'string', enum: ['active', 'inactive', 'installed', 'removed'] },
          tag: { type: 'string', description: 'Profile tag such as household, pv, ev' },
          q: { type: 'string', description: 'Substring of the meter id' },
        },
      },
      response: { 200: ok('A page of meters', collection(ref('Meter'))), ...problems() },
    },
  }, async (req) => {
    const { limit, cursor, feeder, transformer, kind, status, tag, q } = req.query;
    const filter: MeterFilter = { feederId: feeder, transformerId: transformer, kind, status, tag, q };
    const page = await services.meters.list(filter, { limit, cursor });
    return { items: page.items.map(meterDto), total: page.total, next: page.next };
  });

  app.get<{ Params: { id: string } }>('/meters/:id', {
    config: { permission: 'meters:read' },
    schema: {
      tags: ['meters'],
      summary: 'One meter with its channels',
      params: idParam,
      response: { 200: ok('The meter and its channels', ref('MeterDetail')), ...problems(404) },
    },
  }, async (req) => {
    const { meter, channels } = await services.meters.get(req.params.id);
    return { meter: meterDto(meter), channels: channels.map(channelDto) };
  });
};
