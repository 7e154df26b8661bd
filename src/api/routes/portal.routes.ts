import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { USAGE_PERIODS, type PortalLive, type Services, type UsagePeriod } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { rangeParams } from '../params.ts';
import { sseStreams } from '../sse.ts';
import { ok, problems, rangeQuery, ref, time } from '../schemas/common.ts';
import { channelDto, meterDto } from '../dto.ts';

const str = { type: 'string' } as const;
const premise = { type: 'string', minLength: 1, maxLength: 200, description: 'The premise (operators: any; customers: their own, the default)' } as const;
const LIVE_EVERY_MS = 15_000;

function liveDto(l: PortalLive) {
  return {
    premise: l.premise, at: epochToIso(l.at),
    meters: l.meters.map((m) => ({
      meter: m.meterId, today: m.today,
      latest: m.latest ? { end: epochToIso(m.latest.end), wh: m.latest.wh, watts: m.latest.watts, quality: m.latest.quality } : null,
    })),
  };
}

const liveSchema = {
  type: 'object', required: ['premise', 'at', 'meters'],
  properties: {
    premise: str, at: time,
    meters: {
      type: 'array',
      items: {
        type: 'object', required: ['meter', 'today', 'latest'],
        properties: {
          meter: str, today: { type: 'number', description: 'Wh imported so far today (local day)' },
          latest: { type: ['object', 'null'], properties: { end: time, wh: { type: 'number' }, watts: { type: 'number' }, quality: str } },
        },
      },
    },
  },
} as const;

/**
 * The customer portal's API. Object check on every route (PortalService): a customer's requests are
 * about their own premise only; another premise is 403 and a meter elsewhere 404.
 */
export const portalRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const stream = sseStreams(app);

  app.get<{ Querystring: { premise?: string } }>('/portal/meters', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'],
      summary: 'The meters of a premise, with their channels',
      querystring: { type: 'object', properties: { premise } },
      response: {
        200: ok('The premise and its meters', {
          type: 'object', required: ['premise', 'zone', 'meters'],
          properties: { premise: str, zone: str, meters: { type: 'array', items: ref('MeterDetail') } },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const pm = await services.portal.meters(principalOf(req), req.query.premise);
    return { premise: pm.premise, zone: pm.zone, meters: pm.meters.map((m) => ({ meter: meterDto(m.meter), channels: m.channels.map(channelDto) })) };
  });

  app.get<{ Querystring: { premise?: string; period: UsagePeriod; date?: string } }>('/portal/usage', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'],
      summary: 'Energy used per hour (day), day (week, month) or month (year), with the same period last year and the mean of similar homes',
      querystring: {
        type: 'object', required: ['period'],
        properties: { premise, period: { type: 'string', enum: USAGE_PERIODS }, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A local date in the period (default today)' } },
      },
      response: {
        200: ok('Usage buckets', {
          type: 'object', required: ['premise', 'zone', 'period', 'date', 'from', 'to', 'unit', 'meters', 'buckets', 'total', 'lastYearTotal', 'similar'],
          properties: {
            premise: str, zone: str, period: str, date: str, from: time, to: time, unit: str, meters: { type: 'integer' },
            total: { type: 'number' }, lastYearTotal: { type: ['number', 'null'] },
            similar: {
              type: 'object', required: ['profile', 'homes', 'contributing', 'minimum', 'total'],
              description: 'Homes of the same profile (tags), privacy-safe: only means over at least `minimum` homes, never one home\'s figures',
              properties: {
                profile: { type: 'array', items: str }, homes: { type: 'integer', description: 'Other homes with this profile in the fleet' },
                contributing: { type: 'integer', description: 'Homes averaged (a fixed sample with complete enough data)' },
                minimum: { type: 'integer' }, total: { type: ['number', 'null'], description: 'Sum of the means over the buckets this premise has data in; null when too few homes' },
              },
            },
            buckets: {
              type: 'array',
              items: {
                type: 'object', required: ['label', 'start', 'end', 'total', 'intervals', 'expected', 'estimated', 'missing', 'lastYear', 'similar', 'future'],
                properties: {
                  label: str, start: time, end: time, total: { type: 'number' }, intervals: { type: 'integer' }, expected: { type: 'integer' },
                  estimated: { type: 'integer' }, missing: { type: 'integer' }, lastYear: { type: ['number', 'null'] }, future: { type: 'boolean' },
                  similar: { type: ['number', 'null'], description: 'Mean of the similar homes (Wh, to 10 Wh); null when fewer than the minimum contribute' },
                },
              },
            },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const u = await services.portal.usage(principalOf(req), req.query);
    return {
      ...u, from: epochToIso(u.from, u.zone), to: epochToIso(u.to, u.zone),
      buckets: u.buckets.map((b) => ({ ...b, start: epochToIso(b.start, u.zone), end: epochToIso(b.end, u.zone) })),
    };
  });

  app.get<{ Querystring: { premise?: string } }>('/portal/live', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'],
      summary: 'Server-sent events: a `reading` event with the premise\'s newest readings whenever they change (checked every 15 s)',
      querystring: { type: 'object', properties: { premise } },
      response: { 200: { description: 'An event stream (text/event-stream); each event\'s data is JSON like GET /portal/live/now' }, ...problems(404) },
    },
  }, async (req, reply) => {
    const principal = principalOf(req);
    // Refuse before the stream opens, so a wrong premise is a 403/404 answer, not an empty stream.
    let last = JSON.stringify(liveDto(await services.portal.live(principal, req.query.premise)));
    const s = stream(req, reply);
    s.send('reading', JSON.parse(last));
    const timer = setInterval(() => {
      services.portal.live(principal, req.query.premise).then((l) => {
        const next = JSON.stringify(liveDto(l));
        if (next !== last) { last = next; s.send('reading', JSON.parse(next)); }
      }, () => undefined);
    }, LIVE_EVERY_MS);
    s.onClose(() => clearInterval(timer));
  });

  app.get<{ Querystring: { premise?: string } }>('/portal/live/now', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'],
      summary: 'The premise\'s newest readings, once',
      querystring: { type: 'object', properties: { premise } },
      response: { 200: ok('Newest readings', liveSchema), ...problems(404) },
    },
  }, async (req) => liveDto(await services.portal.live(principalOf(req), req.query.premise)));

  app.get<{ Querystring: { premise?: string; meter?: string; from: string; to: string } }>('/portal/export', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'],
      summary: 'Green Button "Download my data": ESPI Atom XML of a meter of the premise (energy channels)',
      querystring: { type: 'object', required: ['from', 'to'], properties: { premise, meter: str, ...rangeQuery } },
      response: { 200: { description: 'application/atom+xml, as an attachment' }, ...problems(404) },
    },
  }, async (req, reply) => {
    const range = rangeParams(req.query);
    const chunks: string[] = [];
    // Built in memory (bounded by 400 days of a meter's energy channels) so that an error is still a problem answer.
    await services.portal.download(principalOf(req), { ...req.query, ...range }, (c) => { chunks.push(c); });
    const name = `meterstack-${(req.query.meter ?? req.query.premise ?? 'my-data').replace(/[^A-Za-z0-9_-]/g, '_')}-${req.query.from.slice(0, 10)}.xml`;
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(chunks.join(''));
  });
};
