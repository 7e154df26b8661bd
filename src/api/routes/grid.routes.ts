import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import type { Outage, Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { epochParam, rangeParams } from '../params.ts';
import { idParam, ok, problems, rangeQuery } from '../schemas/common.ts';

const anyObject = { type: 'object', additionalProperties: true } as const;

function outageDto(o: Outage, withDetail = false) {
  return {
    id: o.id, transformerId: o.transformerId, feederId: o.feederId, start: epochToIso(o.start), end: o.end === null ? null : epochToIso(o.end),
    durationS: o.end === null ? null : o.end - o.start, active: o.active, meters: o.meters.length, restored: o.restored.length, customers: o.premises.length,
    ...(withDetail ? { premises: o.premises, affectedMeters: o.meters, timeline: o.timeline.map((t) => ({ ...t, at: epochToIso(t.at) })) } : {}),
  };
}

/** The low-voltage network for the console: a map without a tile server, transformer detail, outages. */
export const gridRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: { meters?: boolean } }>('/grid/map', {
    config: { permission: 'topology:read' },
    schema: {
      tags: ['topology'], summary: 'The network as GeoJSON: area outline, substation, feeders, transformers (with last hour\'s loading) and meters',
      querystring: { type: 'object', properties: { meters: { type: 'boolean', default: true, description: 'false leaves the meter points out (fleet zoom)' } } },
      response: { 200: ok('GeoJSON FeatureCollection', anyObject), ...problems() },
    },
  }, async (req, reply) => {
    const m = await services.grid.map({ meters: req.query.meters !== false });
    return reply.type('application/geo+json').send({ ...m, at: epochToIso(m.at) });
  });

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string } }>('/grid/transformers/:id', {
    config: { permission: 'readings:read' },
    schema: {
      tags: ['topology'], summary: 'A transformer: load against its rating, voltage band (EN 50160, 230 V ± 10 %) and phase balance',
      params: idParam, querystring: { type: 'object', required: ['from', 'to'], properties: rangeQuery },
      response: { 200: ok('Transformer detail', anyObject), ...problems(404) },
    },
  }, async (req) => {
    const d = await services.grid.transformer(req.params.id, rangeParams(req.query));
    return {
      ...d, from: epochToIso(d.from), to: epochToIso(d.to), peak: d.peak ? { ...d.peak, at: epochToIso(d.peak.at) } : null,
      points: d.points.map((p) => ({ ...p, start: epochToIso(p.start) })),
    };
  });

  app.get<{ Querystring: { status?: 'active' | 'restored'; from?: string; to?: string } }>('/outages', {
    config: { permission: 'outages:read' },
    schema: {
      tags: ['outages'], summary: 'Outages from the meters\' power-down/up events, grouped per transformer; newest first (default: the last 30 days)',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: ['active', 'restored'] }, from: rangeQuery.from, to: rangeQuery.to } },
      response: { 200: ok('Outages', anyObject), ...problems() },
    },
  }, async (req) => {
    const { status, from, to } = req.query;
    const items = await services.outages.list({
      ...(status ? { status } : {}), ...(from ? { from: epochParam('from', from) } : {}), ...(to ? { to: epochParam('to', to) } : {}),
    });
    return { items: items.map((o) => outageDto(o)), total: items.length, next: null };
  });

  app.get<{ Params: { id: string } }>('/outages/:id', {
    config: { permission: 'outages:read' },
    schema: { tags: ['outages'], summary: 'An outage with its timeline and affected meters and premises', params: idParam, response: { 200: ok('Outage', anyObject), ...problems(404) } },
  }, async (req) => outageDto(await services.outages.get(req.params.id), true));

  // The customer's view of the same: is my address affected now, and recently.
  app.get<{ Querystring: { premise?: string } }>('/portal/outage', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'Outage status for the premise: the active outage (if any) and recent ones',
      querystring: { type: 'object', properties: { premise: { type: 'string', minLength: 1, maxLength: 200 } } },
      response: { 200: ok('Outage status', anyObject), ...problems(404) },
    },
  }, async (req) => {
    const pm = await services.portal.meters(principalOf(req), req.query.premise);
    const r = await services.outages.forPremise(pm.premise);
    return { premise: pm.premise, active: r.active ? outageDto(r.active) : null, recent: r.recent.map((o) => outageDto(o)) };
  });

  app.get<{ Querystring: { since?: string; severity?: 'critical' | 'high' | 'medium' | 'low'; limit?: number } }>('/security/alerts', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'], summary: 'Security alerts: refused DLMS frames, failed device signatures, failed and locked logins (from the audit chain), newest first',
      querystring: { type: 'object', properties: { since: rangeQuery.from, severity: { type: 'string', enum: ['critical', 'high', 'medium', 'low'] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } } },
      response: { 200: ok('Alerts', anyObject), ...problems() },
    },
  }, async (req) => {
    const { since, severity, limit } = req.query;
    const r = await services.securityAlerts.list({ ...(since ? { since: epochParam('since', since) } : {}), ...(severity ? { severity } : {}), ...(limit ? { limit } : {}) });
    return { ...r, items: r.items.map((a) => ({ ...a, at: epochToIso(a.at) })), next: null };
  });
};
