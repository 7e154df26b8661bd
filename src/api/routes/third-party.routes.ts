import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { GRANULARITIES, PURPOSES, SCOPES, type PageQuery, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { rangeParams } from '../params.ts';
import { collection, ok, pageQuery, problems, rangeQuery, time } from '../schemas/common.ts';
import { consentDto, consentSchema } from '../schemas/consent.ts';

const str = { type: 'string' } as const;

/**
 * The third parties' own API (role third-party, with a key bound to a registered party): what it
 * may read, and the data itself, only under a live consent and never finer than consented.
 */
export const thirdPartyRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: PageQuery }>('/third-party/consents', {
    config: { permission: 'thirdparty:read' },
    schema: {
      tags: ['third-party'], summary: 'The consents given to this party (live or not), newest first',
      querystring: { type: 'object', properties: { ...pageQuery } },
      response: { 200: ok('Consents', collection(consentSchema)), ...problems() },
    },
  }, async (req) => {
    const res = await services.thirdPartyData.ownConsents(principalOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor ?? null });
    return { ...res, items: res.items.map((c) => consentDto(c, true)) };
  });

  app.get<{ Params: { premise: string }; Querystring: { from: string; to: string; granularity?: string; scope?: string[]; purpose?: string } }>('/third-party/premises/:premise/readings', {
    config: { permission: 'thirdparty:read' },
    schema: {
      tags: ['third-party'],
      summary: 'Energy of a premise under a live consent: clamped to the consented history, at the consented granularity or coarser (local days and months in the premise\'s zone)',
      params: { type: 'object', required: ['premise'], properties: { premise: { type: 'string', minLength: 1, maxLength: 200 } } },
      querystring: {
        type: 'object', required: ['from', 'to'],
        properties: {
          ...rangeQuery, granularity: { type: 'string', enum: [...GRANULARITIES], description: 'Default: the consent\'s; finer is refused (CONSENT_GRANULARITY_EXCEEDED)' },
          scope: { type: 'array', items: { type: 'string', enum: [...SCOPES] }, description: 'import and/or export; default: what the consent covers' },
          purpose: { type: 'string', enum: [...PURPOSES] },
        },
      },
      response: {
        200: ok('Series per meter and scope', {
          type: 'object', required: ['premise', 'zone', 'consent', 'granularity', 'from', 'to', 'clamped', 'unit', 'series'],
          properties: {
            premise: str, zone: str, consent: str, granularity: str, from: time, to: time, unit: str,
            clamped: { type: 'boolean', description: 'The range was cut to what the consent allows' },
            series: {
              type: 'array',
              items: {
                type: 'object', required: ['meter', 'scope', 'obis', 'points'],
                properties: {
                  meter: str, scope: str, obis: str,
                  points: {
                    type: 'array',
                    items: {
                      type: 'object', required: ['start', 'end', 'value', 'intervals', 'expected', 'estimated'],
                      properties: { start: time, end: time, value: { type: 'number' }, intervals: { type: 'integer' }, expected: { type: 'integer' }, estimated: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req, reply) => {
    const { granularity, scope, purpose } = req.query;
    const d = await services.thirdPartyData.readings(principalOf(req), req.params.premise, {
      ...rangeParams(req.query), ...(granularity ? { granularity } : {}), ...(scope ? { scopes: scope } : {}), ...(purpose ? { purpose } : {}),
    });
    reply.header('cache-control', 'no-store');
    return {
      premise: d.premise, zone: d.zone, consent: d.consent.id, granularity: d.granularity, from: epochToIso(d.from, d.zone), to: epochToIso(d.to, d.zone),
      clamped: d.clamped, unit: 'Wh',
      series: d.series.map((s) => ({ ...s, points: s.points.map((p) => ({ ...p, start: epochToIso(p.start, d.zone), end: epochToIso(p.end, d.zone) })) })),
    };
  });
};
