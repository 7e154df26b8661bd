import type { FastifyPluginAsync } from 'fastify';
import { actorOf, PARTY_STATUSES, PURPOSES, type PageQuery, type PartyEvent, type Services, type ThirdPartyRecord } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { collection, ok, pageQuery, problems } from '../schemas/common.ts';
import { consentDto, consentSchema, keyDto, keySchema, partyDto, thirdPartySchema } from '../schemas/consent.ts';

const str = { type: 'string' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
const reasonBody = { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } } as const;
const EVENTS = ['suspend', 'reactivate', 'remove'] as const;

/**
 * The consent console: the third-party registry (consents:read to see, consents:write to change:
 * admin and security-officer) and every customer's consents, which an operator may revoke with a reason.
 */
export const consentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: { status?: ThirdPartyRecord['status'] } }>('/third-parties', {
    config: { permission: 'consents:read' },
    schema: {
      tags: ['consent'], summary: 'The third-party registry, by legal name',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: [...PARTY_STATUSES] } } },
      response: { 200: ok('Registered third parties', collection(thirdPartySchema)), ...problems() },
    },
  }, async (req) => {
    const items = (await services.thirdParties.list(req.query.status)).map(partyDto);
    return { items, total: items.length, next: null };
  });

  app.post<{ Body: { id?: string; legalName: string; contact: string; website: string; country: string; purposes: string[] } }>('/third-parties', {
    config: { permission: 'consents:write' },
    schema: {
      tags: ['consent'], summary: 'Register a third party and the purposes it may ask customers\' consent for',
      body: {
        type: 'object', additionalProperties: false, required: ['legalName', 'contact', 'website', 'country', 'purposes'],
        properties: {
          id: { type: 'string', maxLength: 48, description: 'Default: from the legal name' }, legalName: { type: 'string', maxLength: 200 },
          contact: { type: 'string', maxLength: 200 }, website: { type: 'string', maxLength: 300 }, country: { type: 'string', maxLength: 2 },
          purposes: { type: 'array', items: { type: 'string', enum: [...PURPOSES] }, minItems: 1, maxItems: PURPOSES.length },
        },
      },
      response: { 201: ok('The new registry entry', thirdPartySchema), ...problems(409) },
    },
  }, async (req, reply) => {
    const p = await services.thirdParties.add(req.body, actorOf(principalOf(req)));
    reply.code(201).header('location', `/api/v1/third-parties/${encodeURIComponent(p.id)}`);
    return partyDto(p);
  });

  app.get<{ Params: { id: string } }>('/third-parties/:id', {
    config: { permission: 'consents:read' },
    schema: { tags: ['consent'], summary: 'One third party', params: idParams, response: { 200: ok('The registry entry', thirdPartySchema), ...problems(404) } },
  }, async (req) => partyDto(await services.thirdParties.get(req.params.id)));

  app.post<{ Params: { id: string; event: PartyEvent }; Body: { reason?: string } }>('/third-parties/:id/:event', {
    config: { permission: 'consents:write' },
    schema: {
      tags: ['consent'],
      summary: 'suspend (stops all its access at once, consents stay), reactivate, or remove (ends its consents and keys for good)',
      params: { type: 'object', required: ['id', 'event'], properties: { id: str, event: { type: 'string', enum: [...EVENTS] } } },
      body: reasonBody,
      response: { 200: ok('The registry entry afterwards', thirdPartySchema), ...problems(404, 409) },
    },
  }, async (req) => partyDto(await services.thirdParties.transition(req.params.id, req.params.event, actorOf(principalOf(req)), req.body?.reason)));

  app.get<{ Params: { id: string } }>('/third-parties/:id/keys', {
    config: { permission: 'consents:read' },
    schema: { tags: ['consent'], summary: 'The API keys bound to a third party (never the keys themselves)', params: idParams, response: { 200: ok('Keys', collection(keySchema)), ...problems(404) } },
  }, async (req) => {
    const items = (await services.thirdParties.keys(req.params.id)).map(keyDto);
    return { items, total: items.length, next: null };
  });

  app.post<{ Params: { id: string }; Body: { label: string } }>('/third-parties/:id/keys', {
    config: { permission: 'consents:write' },
    schema: {
      tags: ['consent'], summary: 'Issue an API key for the third party (in this answer only; the server keeps its SHA-256)',
      params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['label'], properties: { label: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: { 201: ok('The new key, shown this once', keySchema), ...problems(404, 409) },
    },
  }, async (req, reply) => {
    const k = await services.thirdParties.issueKey(req.params.id, req.body.label, actorOf(principalOf(req)));
    reply.code(201).header('cache-control', 'no-store');
    return keyDto(k);
  });

  app.delete<{ Params: { id: string; keyId: string } }>('/third-parties/:id/keys/:keyId', {
    config: { permission: 'consents:write' },
    schema: {
      tags: ['consent'], summary: 'Revoke one of the third party\'s keys',
      params: { type: 'object', required: ['id', 'keyId'], properties: { id: str, keyId: str } },
      response: { 200: ok('The key afterwards', keySchema), ...problems(404) },
    },
  }, async (req) => keyDto(await services.thirdParties.revokeKey(req.params.id, req.params.keyId, actorOf(principalOf(req)))));

  app.get<{ Querystring: PageQuery & { premise?: string; thirdParty?: string; status?: 'active' | 'revoked' | 'expired' } }>('/consents', {
    config: { permission: 'consents:read' },
    schema: {
      tags: ['consent'], summary: 'Customers\' consents, newest first',
      querystring: {
        type: 'object',
        properties: { ...pageQuery, premise: str, thirdParty: str, status: { type: 'string', enum: ['active', 'revoked', 'expired'] } },
      },
      response: { 200: ok('Consents', collection(consentSchema)), ...problems() },
    },
  }, async (req) => {
    const { premise, thirdParty, status, limit, cursor } = req.query;
    const res = await services.consents.list({
      ...(premise ? { premise } : {}), ...(thirdParty ? { thirdPartyId: thirdParty } : {}), ...(status ? { status } : {}),
    }, { limit: limit ?? 50, cursor: cursor ?? null });
    return { ...res, items: res.items.map((c) => consentDto(c)) };
  });

  app.get<{ Params: { id: string } }>('/consents/:id', {
    config: { permission: 'consents:read' },
    schema: { tags: ['consent'], summary: 'One consent', params: idParams, response: { 200: ok('The consent', consentSchema), ...problems(404) } },
  }, async (req) => consentDto(await services.consents.get(req.params.id)));

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/consents/:id/revoke', {
    config: { permission: 'consents:write' },
    schema: {
      tags: ['consent'], summary: 'Revoke a customer\'s consent (e.g. fraud); the reason is required and audited',
      params: idParams,
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } },
      response: { 200: ok('The consent afterwards', consentSchema), ...problems(404, 409) },
    },
  }, async (req) => consentDto(await services.consents.revokeAsOperator(actorOf(principalOf(req)), req.params.id, req.body.reason)));
};
