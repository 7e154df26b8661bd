import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { GRANULARITIES, MAX_CONSENT_DAYS, MAX_HISTORY_DAYS, PURPOSES, SCOPES, type PageQuery, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { collection, ok, pageQuery, problems } from '../schemas/common.ts';
import { accessSchema, consentDto, consentSchema, publicPartyDto, publicPartySchema } from '../schemas/consent.ts';

const premise = { type: 'string', minLength: 1, maxLength: 200, description: 'The premise (operators: any, read-only; customers: their own, the default)' } as const;

/**
 * "My data sharing" in the customer portal: the premise's consents, the parties one may choose, the
 * access log; granting and revoking are the customer's own (portal:write, own premise only).
 */
export const portalConsentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: PageQuery & { premise?: string } }>('/portal/consents', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'The premise\'s consents for third parties, newest first',
      querystring: { type: 'object', properties: { premise, ...pageQuery } },
      response: { 200: ok('Consents', collection(consentSchema, { premise: { type: 'string' } }, ['premise'])), ...problems(404) },
    },
  }, async (req) => {
    const res = await services.consents.mine(principalOf(req), req.query.premise, { limit: req.query.limit ?? 50, cursor: req.query.cursor ?? null });
    return { ...res, items: res.items.map((c) => consentDto(c)) };
  });

  app.get('/portal/consents/parties', {
    config: { permission: 'portal:read' },
    schema: { tags: ['portal'], summary: 'Active third parties a customer may share data with, and the purposes each may ask for', response: { 200: ok('Parties', collection(publicPartySchema)), ...problems() } },
  }, async () => {
    const items = (await services.consents.parties()).map(publicPartyDto);
    return { items, total: items.length, next: null };
  });

  app.post<{ Body: { thirdParty: string; purpose: string; scopes: string[]; granularity: string; days?: number; historyDays?: number } }>('/portal/consents', {
    config: { permission: 'portal:write' },
    schema: {
      tags: ['portal'], summary: 'Grant a third party access to this premise\'s energy data (customers only)',
      body: {
        type: 'object', additionalProperties: false, required: ['thirdParty', 'purpose', 'scopes', 'granularity'],
        properties: {
          thirdParty: { type: 'string', minLength: 1, maxLength: 100 }, purpose: { type: 'string', enum: [...PURPOSES] },
          scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] }, minItems: 1, maxItems: 2 },
          granularity: { type: 'string', enum: [...GRANULARITIES] },
          days: { type: 'integer', minimum: 1, maximum: MAX_CONSENT_DAYS, description: 'How long it lasts (default 365)' },
          historyDays: { type: 'integer', minimum: 0, maximum: MAX_HISTORY_DAYS, description: 'How far back the party may read (default 0)' },
        },
      },
      response: { 201: ok('The consent', consentSchema), ...problems(404) },
    },
  }, async (req, reply) => {
    const { thirdParty, ...rest } = req.body;
    const c = await services.consents.grant(principalOf(req), { thirdPartyId: thirdParty, ...rest });
    reply.code(201);
    return consentDto(c);
  });

  app.post<{ Params: { id: string }; Body: { reason?: string } }>('/portal/consents/:id/revoke', {
    config: { permission: 'portal:write' },
    schema: {
      tags: ['portal'], summary: 'Revoke one of my consents: the party\'s access stops at once',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } },
      body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } },
      response: { 200: ok('The consent afterwards', consentSchema), ...problems(404, 409) },
    },
  }, async (req) => consentDto(await services.consents.revokeAsCustomer(principalOf(req), req.params.id, req.body?.reason)));

  app.get<{ Querystring: PageQuery & { premise?: string } }>('/portal/consents/access', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'Who read this premise\'s data, when and what (refused attempts too), newest first',
      querystring: { type: 'object', properties: { premise, ...pageQuery } },
      response: { 200: ok('Access log', collection(accessSchema, { premise: { type: 'string' } }, ['premise'])), ...problems() },
    },
  }, async (req) => {
    const res = await services.consents.accessLog(principalOf(req), req.query.premise, { limit: req.query.limit ?? 50, cursor: req.query.cursor ?? null });
    return {
      ...res,
      items: res.items.map((e) => ({
        at: epochToIso(e.at), party: { id: e.thirdPartyId, legalName: e.partyName }, ...(e.consentId ? { consent: e.consentId } : {}), scopes: e.scopes,
        granularity: e.granularity, from: epochToIso(e.from), to: epochToIso(e.to), outcome: e.outcome, ...(e.reason ? { reason: e.reason } : {}), values: e.values,
      })),
    };
  });
};
