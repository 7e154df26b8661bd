import type { FastifyPluginAsync } from 'fastify';
import { epochToIso, type EpochSeconds } from '../../model/index.ts';
import { actorOf, type DrEventDetail, type DrEventView, type DrStatus, type Notice, type Services } from '../../services/index.ts';
import type { DrLevelRecord, DrPerformanceRecord } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { epochParam } from '../params.ts';
import { drCreateBody, drDetailSchema, drEventSchema, drPerformanceSchema, noticeSchema } from '../schemas/dr.ts';
import { collection, idParam, ok, pageQuery, problems, time } from '../schemas/common.ts';
import { sseStreams } from '../sse.ts';

const iso = (t: EpochSeconds): string => epochToIso(t);
const levelDto = (l: DrLevelRecord) => ({ start: iso(l.start), end: iso(l.end), level: l.level, ...(l.price !== undefined ? { price: l.price } : {}) });

export function drEventDto(e: DrEventView) {
  return {
    id: e.id, name: e.name, kind: e.kind, status: e.status, level: e.level, start: iso(e.start), end: iso(e.end), noticeAt: iso(e.noticeAt),
    levels: e.levels.map(levelDto), targets: e.targets, ...(e.message !== undefined ? { message: e.message } : {}), source: e.source,
    ...(e.externalKey !== undefined ? { externalKey: e.externalKey } : {}), ...(e.modification !== undefined ? { modification: e.modification } : {}),
    createdBy: e.createdBy, createdAt: iso(e.createdAt), updatedAt: iso(e.updatedAt),
    ...(e.cancelledAt !== undefined ? { cancelledAt: iso(e.cancelledAt), cancelledBy: e.cancelledBy } : {}),
  };
}

const perfDto = (p: DrPerformanceRecord, optedOut?: boolean) => ({
  premise: p.premise, status: p.status, method: p.method, days: p.days, intervals: p.intervals,
  baselineWh: p.baselineWh, actualWh: p.actualWh, reductionWh: p.reductionWh,
  reductionPct: p.reductionWh !== null && p.baselineWh ? p.reductionWh / p.baselineWh : null,
  estimatedIntervals: p.estimatedActual + p.estimatedBaseline, missingIntervals: p.missingActual,
  ...(optedOut !== undefined ? { optedOut } : {}),
});

function detailDto(d: DrEventDetail) {
  const out = new Set(d.responses.filter((r) => r.optedOutAt !== undefined).map((r) => r.premise));
  return {
    ...drEventDto(d), targetMeters: d.targetMeters, targetPremises: d.targetPremises,
    targetList: d.targetList.map((t) => ({ meter: t.meterId, premise: t.premise })),
    responses: d.responses.map((r) => ({
      premise: r.premise, ...(r.acknowledgedAt !== undefined ? { acknowledgedAt: iso(r.acknowledgedAt) } : {}), ...(r.optedOutAt !== undefined ? { optedOutAt: iso(r.optedOutAt) } : {}),
    })),
    deliveries: d.deliveries.map((x) => ({ meter: x.meterId, status: x.status, at: iso(x.at), ...(x.detail !== undefined ? { detail: x.detail } : {}) })),
    performance: d.performance.map((p) => perfDto(p, out.has(p.premise))),
    totals: d.totals,
  };
}

const noticeDto = (n: Notice) => ({
  event: drEventDto(n.event),
  response: n.response ? {
    ...(n.response.acknowledgedAt !== undefined ? { acknowledgedAt: iso(n.response.acknowledgedAt) } : {}),
    ...(n.response.optedOutAt !== undefined ? { optedOutAt: iso(n.response.optedOutAt) } : {}),
  } : null,
  performance: n.performance ? perfDto(n.performance) : null,
});

interface CreateBody {
  name: string; kind: DrEventView['kind']; start: string; end: string; noticeAt?: string; level?: number; price?: number;
  levels?: { start: string; end: string; level: number; price?: number }[]; targets: DrEventView['targets']; message?: string;
}

const premise = { type: 'string', minLength: 1, maxLength: 200, description: 'The premise (operators: any, read-only; customers: their own, the default)' } as const;
const str = { type: 'string' } as const;

/** Peak events for operators (dr:read/dr:write), OpenADR intake, and the customer's notices (portal:read/portal:write). */
export const drRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const dr = services.dr;
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  const stream = sseStreams(app);

  app.get<{ Querystring: { status?: DrStatus; from?: string; to?: string; limit?: number; cursor?: string } }>('/dr/events', {
    config: { permission: 'dr:read' },
    schema: {
      tags: ['dr'], summary: 'Peak events, newest start first; status is computed from the clock and cancellation',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: ['scheduled', 'active', 'completed', 'cancelled'] }, from: time, to: time, ...pageQuery } },
      response: { 200: ok('A page of events', collection(drEventSchema)), ...problems() },
    },
  }, async (req) => {
    const q = req.query;
    const page = await dr.list({
      ...(q.status ? { status: q.status } : {}), ...(q.from ? { from: epochParam('from', q.from) } : {}), ...(q.to ? { to: epochParam('to', q.to) } : {}),
    }, { limit: q.limit ?? 50, cursor: q.cursor ?? null });
    return { items: page.items.map(drEventDto), total: page.total, next: page.next };
  });

  app.post<{ Body: CreateBody }>('/dr/events', {
    config: { permission: 'dr:write' },
    schema: { tags: ['dr'], summary: 'Create a peak event; its notice goes to the targeted customers and their in-home displays', body: drCreateBody, response: { 201: ok('The event', drEventSchema), ...problems() } },
  }, async (req, reply) => {
    const b = req.body;
    const e = await dr.create(actorOf(principalOf(req)), {
      name: b.name, kind: b.kind, start: epochParam('start', b.start), end: epochParam('end', b.end), targets: b.targets,
      ...(b.noticeAt ? { noticeAt: epochParam('noticeAt', b.noticeAt) } : {}), ...(b.level !== undefined ? { level: b.level } : {}),
      ...(b.price !== undefined ? { price: b.price } : {}), ...(b.message !== undefined ? { message: b.message } : {}),
      ...(b.levels ? { levels: b.levels.map((l) => ({ start: epochParam('start', l.start), end: epochParam('end', l.end), level: l.level, ...(l.price !== undefined ? { price: l.price } : {}) })) } : {}),
    });
    return reply.code(201).send(drEventDto(e));
  });

  app.get<{ Params: { id: string } }>('/dr/events/:id', {
    config: { permission: 'dr:read' },
    schema: { tags: ['dr'], summary: 'One event with its targets, answers, display deliveries and (once completed) performance per premise', params: idParam, response: { 200: ok('The event', drDetailSchema), ...problems(404) } },
  }, async (req) => detailDto(await dr.get(req.params.id)));

  app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>('/dr/events/:id/cancel', {
    config: { permission: 'dr:write' },
    schema: {
      tags: ['dr'], summary: 'Cancel a scheduled or active event; displays are told', params: idParam,
      body: { type: 'object', properties: { reason: { type: 'string', maxLength: 200 } }, additionalProperties: false },
      response: { 200: ok('The event', drEventSchema), ...problems(404, 409) },
    },
  }, async (req) => drEventDto(await dr.cancel(actorOf(principalOf(req)), req.params.id, req.body?.reason)));

  app.post<{ Params: { id: string } }>('/dr/events/:id/measure', {
    config: { permission: 'dr:write' },
    schema: { tags: ['dr'], summary: 'Measure a completed event again (after late or edited data)', params: idParam, response: { 200: ok('Performance', { type: 'object', properties: { items: { type: 'array', items: drPerformanceSchema } } }), ...problems(404, 409) } },
  }, async (req) => ({ items: (await dr.remeasure(actorOf(principalOf(req)), req.params.id)).map((p) => perfDto(p)) }));

  app.post<{ Params: { id: string } }>('/dr/events/:id/deliver', {
    config: { permission: 'dr:write' },
    schema: {
      tags: ['dr'], summary: 'Send the notice to the in-home displays again (MQTT `ihd-message`) and wait for their answers', params: idParam,
      response: {
        200: ok('What the displays did', { type: 'object', required: ['available'], properties: { available: { type: 'boolean', description: 'false without an MQTT command channel' }, sent: { type: 'integer' }, answered: { type: 'integer' }, failed: { type: 'integer' } } }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const tally = await dr.deliver(req.params.id, actorOf(principalOf(req)));
    return tally ? { available: true, ...tally } : { available: false };
  });

  app.post<{ Body: string }>('/dr/openadr', {
    config: { permission: 'dr:write' },
    schema: {
      tags: ['dr'], summary: 'An OpenADR 2.0b oadrDistributeEvent from a VTN (application/xml): each event created, updated (higher modificationNumber) or cancelled',
      response: {
        200: ok('What happened to each event', {
          type: 'object', required: ['vtnId', 'events'],
          properties: { vtnId: str, requestId: { type: ['string', 'null'] }, events: { type: 'array', items: { type: 'object', properties: { eventId: str, result: str, id: str, reason: str } } } },
        }),
        ...problems(415, 422),
      },
    },
  }, async (req) => dr.importOpenAdr(actorOf(principalOf(req)), typeof req.body === 'string' ? req.body : '', 'request body'));

  app.get('/dr/live', {
    config: { permission: 'dr:read' },
    schema: { tags: ['dr'], summary: 'Server-sent events: a `dr-event` event whenever an event is created, changed, cancelled or answered', response: { 200: { description: 'text/event-stream' }, ...problems() } },
  }, async (req, reply) => {
    const s = stream(req, reply);
    s.onClose(dr.subscribe((c) => s.send('dr-event', { change: c.change, event: drEventDto(c.event) })));
  });

  app.get<{ Querystring: { premise?: string } }>('/portal/events', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'The premise\'s peak-event notices: upcoming, active and past (with the premise\'s performance)',
      querystring: { type: 'object', properties: { premise } },
      response: {
        200: ok('Notices', { type: 'object', required: ['premise', 'upcoming', 'active', 'past'], properties: { premise: str, upcoming: { type: 'array', items: noticeSchema }, active: { type: 'array', items: noticeSchema }, past: { type: 'array', items: noticeSchema } } }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const n = await dr.notices(principalOf(req), req.query.premise);
    return { premise: n.premise, upcoming: n.upcoming.map(noticeDto), active: n.active.map(noticeDto), past: n.past.map(noticeDto) };
  });

  for (const [path, answer] of [['acknowledge', 'acknowledge'], ['opt-out', 'opt-out']] as const) {
    app.post<{ Params: { id: string }; Querystring: { premise?: string } }>(`/portal/events/:id/${path}`, {
      config: { permission: 'portal:write' },
      schema: {
        tags: ['portal'], summary: answer === 'acknowledge' ? 'The customer has seen the notice' : 'The customer will not take part in this event',
        params: idParam, querystring: { type: 'object', properties: { premise } }, response: { 200: ok('The notice', noticeSchema), ...problems(404, 409) },
      },
    }, async (req) => noticeDto(await dr.respond(principalOf(req), req.params.id, answer, req.query.premise)));
  }
};
