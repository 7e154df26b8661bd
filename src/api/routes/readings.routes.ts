import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { rangeParams } from '../params.ts';
import type { Aggregate, Services } from '../../services/index.ts';
import { bucketDto, channelDto, readingDto } from '../dto.ts';
import { collection, idParam, ok, pageQuery, problems, rangeQuery, ref, time } from '../schemas/common.ts';

interface ReadingsQuery {
  channel: string;
  from: string;
  to: string;
  aggregate?: Aggregate;
  zone?: string;
  limit?: number;
  cursor?: string;
}

const head = { meter: { type: 'string' }, channel: ref('Channel'), zone: { type: 'string' } };

// The aggregated shape comes first: the serializer takes the first branch that matches, and only
// that one requires `aggregate`.
const readingsResponse = {
  oneOf: [
    collection(ref('Bucket'), { ...head, aggregate: { type: 'string', enum: ['hour', 'day', 'month'] } }, ['meter', 'channel', 'zone', 'aggregate']),
    collection(ref('Reading'), { ...head, from: time, to: time }, ['meter', 'channel', 'zone', 'from', 'to']),
  ],
} as const;

export const readingsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: { id: string }; Querystring: ReadingsQuery }>('/meters/:id/readings', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['readings'],
      summary: 'Interval readings of one channel: raw, or summed per local hour/day/month',
      description: 'Raw intervals (paged), or with `aggregate` sums per bucket in the IANA `zone` '
        + '(default: the meter\'s zone) with quality counts; a DST day has 92 or 100 quarter-hours.',
      params: idParam,
      querystring: {
        type: 'object',
        required: ['channel', 'from', 'to'],
        properties: {
          channel: { type: 'string', description: 'OBIS code, e.g. 1-0:1.8.0' },
          ...rangeQuery,
          aggregate: { type: 'string', enum: ['hour', 'day', 'month'] },
          zone: { type: 'string', description: 'IANA time zone, e.g. Europe/Amsterdam' },
          ...pageQuery,
        },
      },
      response: { 200: ok('Raw intervals, or buckets when `aggregate` is given', readingsResponse), ...problems(404) },
    },
  }, async (req) => {
    const { channel, aggregate, zone, limit, cursor } = req.query;
    const q = { meterId: req.params.id, channel, ...rangeParams(req.query), ...(zone ? { zone } : {}) };
    if (aggregate === undefined) {
      const r = await services.readings.raw(q, { limit, cursor });
      return {
        meter: r.meter.id, channel: channelDto(r.channel), zone: r.zone,
        from: epochToIso(r.from, r.zone), to: epochToIso(r.to, r.zone),
        items: r.items.map((x) => readingDto(x, r.zone)), total: r.total, next: r.next,
      };
    }
    const r = await services.readings.aggregate({ ...q, period: aggregate }, { limit, cursor });
    return {
      meter: r.meter.id, channel: channelDto(r.channel), zone: r.zone, aggregate: r.period,
      items: r.items.map((b) => bucketDto(b, r.zone)), total: r.total, next: r.next,
    };
  });
};
