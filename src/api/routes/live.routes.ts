import type { FastifyPluginAsync } from 'fastify';
import { epochToIso, QUALITY, qualityFlag } from '../../model/index.ts';
import { allows, type LiveChange, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { rangeParams } from '../params.ts';
import { sseStreams } from '../sse.ts';
import { collection, idParam, ok, pageQuery, problems, rangeQuery, time } from '../schemas/common.ts';

const str = { type: 'string' } as const;

/** Outage and alert counts go only to those who may read outages and the audit trail. */
function liveDto(c: LiveChange, role: string) {
  return {
    at: epochToIso(c.at), messages: c.messages, newMessages: c.newMessages, exceptions: c.exceptions, newExceptions: c.newExceptions,
    openExceptions: c.openExceptions, latest: c.latest === null ? null : epochToIso(c.latest), reporting: c.reporting,
    ...(allows(role, 'outages:read') ? { activeOutages: c.activeOutages } : {}),
    ...(allows(role, 'audit:read') ? { alerts: c.alerts } : {}),
  };
}

/** What the console's pages need beyond the plain API: a live stream, a chart's whole series, events, registers. */
export const liveRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const stream = sseStreams(app);

  app.get('/live', {
    config: { permission: 'meters:read' },
    schema: {
      tags: ['live'],
      summary: 'Server-sent events: a `snapshot` event whenever messages received, VEE exceptions or the latest data change',
      description: 'text/event-stream. Each `snapshot` event\'s data is JSON: at, messages, newMessages, exceptions, newExceptions, '
        + 'openExceptions, latest (end of the newest interval any meter reported), reporting (meters in it); activeOutages with outages:read, '
        + 'alerts (security alerts of the last 24 hours) with audit:read.',
      response: { 200: { description: 'An event stream (text/event-stream)' }, ...problems() },
    },
  }, async (req, reply) => {
    const s = stream(req, reply);
    const { role } = principalOf(req);
    s.onClose(services.live.subscribe((c) => s.send('snapshot', liveDto(c, role))));
    // Peak events created, changed, cancelled or answered (src/services/dr) ride along as `dr-event`.
    if (allows(role, 'dr:read')) s.onClose(services.dr.subscribe((c) => s.send('dr-event', { change: c.change, id: c.event.id, name: c.event.name, status: c.event.status, start: epochToIso(c.event.start), end: epochToIso(c.event.end) })));
  });

  app.get<{ Params: { id: string }; Querystring: { channel: string; from: string; to: string } }>('/meters/:id/series', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['readings'],
      summary: 'One channel over a range as columns (a chart\'s data in one answer): values with null for missing, and one quality flag per interval',
      params: idParam,
      querystring: { type: 'object', required: ['channel', 'from', 'to'], properties: { channel: str, ...rangeQuery } },
      response: {
        200: ok('The series', {
          type: 'object', required: ['meter', 'channel', 'unit', 'zone', 'start', 'intervalS', 'values', 'quality'],
          properties: {
            meter: str, channel: str, unit: str, zone: str, start: time, intervalS: { type: 'integer' },
            values: { type: 'array', items: { type: ['number', 'null'] } },
            quality: { type: 'string', description: 'One flag per interval: A actual, S substituted, E estimated, F final substitute, N missing, V variable' },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const { meter, channel, series } = await services.readings.series({ meterId: req.params.id, channel: req.query.channel, ...rangeParams(req.query) });
    return {
      meter: meter.id, channel: channel.obis, unit: channel.unit, zone: meter.timeZone, start: epochToIso(series.start), intervalS: series.intervalS,
      values: Array.from(series.values, (v, i) => (series.quality[i] === QUALITY.N ? null : v)),
      quality: Array.from(series.quality, (q) => qualityFlag(q)).join(''),
    };
  });

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string; limit?: number; cursor?: string } }>('/meters/:id/events', {
    config: { permission: 'meters:read' },
    schema: {
      tags: ['meters'],
      summary: 'A meter\'s events (power down/up, tamper, clock, …) over a range',
      params: idParam,
      querystring: { type: 'object', required: ['from', 'to'], properties: { ...rangeQuery, ...pageQuery } },
      response: {
        200: ok('A page of events, oldest first', collection({
          type: 'object', required: ['at', 'code'],
          properties: { at: time, code: { type: 'integer', description: 'DLMS event code' }, cimType: str, details: { type: 'object', additionalProperties: true } },
        })),
        ...problems(404),
      },
    },
  }, async (req) => {
    await services.meters.get(req.params.id);
    const page = await services.live.events(req.params.id, rangeParams(req.query), { limit: req.query.limit ?? 100, cursor: req.query.cursor ?? null });
    return {
      items: page.items.map((e) => ({ at: epochToIso(e.at), code: e.code, ...(e.cimType !== undefined ? { cimType: e.cimType } : {}), ...(e.details !== undefined ? { details: e.details } : {}) })),
      total: page.total, next: page.next,
    };
  });

  app.get<{ Params: { id: string } }>('/meters/:id/registers', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['readings'],
      summary: 'The newest value of each of a meter\'s register channels (within the last 7 days)',
      params: idParam,
      response: {
        200: ok('Registers', {
          type: 'object', required: ['items'],
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object', required: ['channel', 'unit'],
                properties: { channel: str, unit: str, at: time, value: { type: 'number' }, quality: str },
              },
            },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const regs = await services.live.registers(req.params.id);
    return {
      items: regs.map((r) => ({
        channel: r.channel, unit: r.unit,
        ...(r.reading ? { at: epochToIso(r.reading.at), value: r.reading.value, quality: r.reading.quality ?? 'A' } : {}),
      })),
    };
  });
};
