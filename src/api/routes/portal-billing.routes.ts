import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { ok, problems } from '../schemas/common.ts';

const anyObject = { type: 'object', additionalProperties: true } as const;
const premise = { type: 'string', minLength: 1, maxLength: 200, description: 'The premise (operators: any; customers: their own, the default)' } as const;
const premiseQuery = { type: 'object', properties: { premise } } as const;
const billParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** "My bill explained" and "when to run appliances" for the customer portal; object-checked per premise. */
export const portalBillingRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: { premise?: string } }>('/portal/bills', {
    config: { permission: 'portal:read' },
    schema: { tags: ['portal'], summary: 'The premise\'s stored bills, newest first', querystring: premiseQuery, response: { 200: ok('Bills', anyObject), ...problems(404) } },
  }, async (req) => ({ items: await services.portalBilling.bills(principalOf(req), req.query.premise) }));

  app.get<{ Querystring: { premise?: string } }>('/portal/bills/current', {
    config: { permission: 'portal:read' },
    schema: { tags: ['portal'], summary: 'The current bill period so far, computed now (not stored), line by line', querystring: premiseQuery, response: { 200: ok('Bill to date', anyObject), ...problems(404, 422) } },
  }, async (req) => services.portalBilling.current(principalOf(req), req.query.premise));

  app.get<{ Params: { id: number }; Querystring: { premise?: string } }>('/portal/bills/:id', {
    config: { permission: 'portal:read' },
    schema: { tags: ['portal'], summary: 'One of the premise\'s bills', params: billParams, querystring: premiseQuery, response: { 200: ok('Bill', anyObject), ...problems(404) } },
  }, async (req) => services.portalBilling.bill(principalOf(req), req.query.premise, req.params.id));

  app.get<{ Params: { id: number; n: number }; Querystring: { premise?: string } }>('/portal/bills/:id/lines/:n', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'The intervals behind one line of the bill',
      params: { type: 'object', required: ['id', 'n'], properties: { id: { type: 'integer', minimum: 1 }, n: { type: 'integer', minimum: 1 } } },
      querystring: premiseQuery, response: { 200: ok('Explanation', anyObject), ...problems(404) },
    },
  }, async (req) => services.portalBilling.explain(principalOf(req), req.query.premise, req.params.id, req.params.n));

  app.get<{ Querystring: { premise?: string; date?: string } }>('/portal/advice', {
    config: { permission: 'portal:read' },
    schema: {
      tags: ['portal'], summary: 'When one more kWh is cheapest on a local date (default tomorrow) under the premise\'s tariff',
      querystring: { type: 'object', properties: { premise, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } },
      response: { 200: ok('Advice', anyObject), ...problems(404) },
    },
  }, async (req) => services.portalBilling.advice(principalOf(req), req.query.premise, req.query.date));
};
