import type { FastifyPluginAsync } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { MeterstackError } from '../../model/index.ts';
import type { Account } from '../../model/index.ts';
import { actorOf, type AccountInput, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { collection, ok, pageQuery, problems } from '../schemas/common.ts';

interface Paged { limit?: number; cursor?: string }

const str = { type: 'string' } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Local date YYYY-MM-DD in the account\'s zone' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const;
const billIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

const market = {
  type: 'object', required: ['supplier', 'brp', 'gridArea'], additionalProperties: false,
  properties: { supplier: str, brp: { type: 'string', description: 'Balance responsible party' }, gridArea: str },
} as const;
const accountSchema = {
  type: 'object', required: ['id', 'name', 'timeZone', 'tariffId', 'cycleDay', 'market'],
  properties: {
    id: str, name: str, premise: str, timeZone: { type: 'string', description: 'IANA zone of the bill periods' }, tariffId: str,
    cycleDay: { type: 'integer', minimum: 1, maximum: 28 }, market, capacityExempt: { type: 'boolean' },
  },
} as const;
const accountDto = (a: Account) => ({ ...a, createdAt: new Date(a.createdAt * 1000).toISOString() });

/**
 * Tariffs, price feeds, accounts, bills and billing runs (docs/billing.md). A bill line can be
 * explained down to the intervals it counted: GET /bills/:id/lines/:n.
 */
export const billingRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  // Tariff documents may be sent as YAML, the same structure as the JSON form.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
    try {
      done(null, parseYaml(String(body)));
    } catch (e) {
      done(new MeterstackError('TARIFF_INVALID', `the YAML does not parse: ${(e as Error).message}`), undefined);
    }
  });

  app.get('/tariffs', {
    config: { permission: 'tariffs:read' },
    schema: { tags: ['billing'], summary: 'Tariffs with their newest version', response: { 200: ok('Tariffs', collection({ type: 'object', properties: { id: str, version: { type: 'integer' }, effectiveFrom: str } })), ...problems() } },
  }, async () => {
    const items = await services.tariffs.list();
    return { items, total: items.length, next: null };
  });

  app.post<{ Body: unknown }>('/tariffs', {
    config: { permission: 'tariffs:write' },
    schema: {
      tags: ['billing'], summary: 'Add a tariff version (the document of docs/tariffs.md); versions are immutable and effective-dated',
      body: anyObject, response: { 201: ok('The stored version', anyObject), ...problems(409) },
    },
  }, async (req, reply) => reply.code(201).send(await services.tariffs.addVersion(req.body, actorOf(principalOf(req)))));

  app.get<{ Params: { id: string } }>('/tariffs/:id', {
    config: { permission: 'tariffs:read' },
    schema: { tags: ['billing'], summary: 'Every version of a tariff, oldest first', params: idParams, response: { 200: ok('Versions', { type: 'object', properties: { id: str, versions: { type: 'array', items: anyObject } } }), ...problems(404) } },
  }, async (req) => ({ id: req.params.id, versions: await services.tariffs.versions(req.params.id) }));

  app.put<{ Params: { feed: string }; Body: string }>('/prices/:feed', {
    config: { permission: 'tariffs:write' },
    schema: {
      tags: ['billing'], summary: 'Import a dynamic price feed (CSV start,price[,end]; price per kWh)',
      params: { type: 'object', required: ['feed'], properties: { feed: str } },
      response: { 200: ok('Imported', { type: 'object', properties: { feed: str, prices: { type: 'integer' }, from: { type: 'integer' }, to: { type: 'integer' } } }), ...problems(415) },
    },
  }, async (req) => services.tariffs.importPrices(req.params.feed, String(req.body ?? ''), actorOf(principalOf(req))));

  app.get<{ Querystring: Paged & { cycleDay?: number; premise?: string; tariff?: string; gridArea?: string; q?: string } }>('/accounts', {
    config: { permission: 'accounts:read' },
    schema: {
      tags: ['billing'], summary: 'Accounts',
      querystring: { type: 'object', properties: { ...pageQuery, cycleDay: { type: 'integer', minimum: 1, maximum: 28 }, premise: str, tariff: str, gridArea: str, q: str } },
      response: { 200: ok('A page of accounts', collection(accountSchema)), ...problems() },
    },
  }, async (req) => {
    const { limit = 100, cursor, cycleDay, premise, tariff, gridArea, q } = req.query;
    const page = await services.accounts.list({
      ...(cycleDay !== undefined ? { cycleDay } : {}), ...(premise ? { premise } : {}), ...(tariff ? { tariffId: tariff } : {}),
      ...(gridArea ? { gridArea } : {}), ...(q ? { q } : {}),
    }, { limit, cursor: cursor ?? null });
    return { ...page, items: page.items.map(accountDto) };
  });

  app.post<{ Body: AccountInput }>('/accounts', {
    config: { permission: 'accounts:write' },
    schema: { tags: ['billing'], summary: 'Create or update an account', body: { ...accountSchema, additionalProperties: false }, response: { 201: ok('The account', accountSchema), ...problems(404) } },
  }, async (req, reply) => reply.code(201).send(accountDto(await services.accounts.upsert(req.body, actorOf(principalOf(req))))));

  app.get<{ Params: { id: string } }>('/accounts/:id', {
    config: { permission: 'accounts:read' },
    schema: { tags: ['billing'], summary: 'An account with the meters that served it', params: idParams, response: { 200: ok('The account', anyObject), ...problems(404) } },
  }, async (req) => {
    const a = await services.accounts.get(req.params.id);
    const meters = await services.accounts.assignments(a.id);
    return { ...accountDto(a), meters: meters.map((m) => ({ meterId: m.meterId, from: new Date(m.from * 1000).toISOString(), to: m.to === undefined ? null : new Date(m.to * 1000).toISOString() })) };
  });

  app.post<{ Params: { id: string }; Body: { meterId: string; from: string } }>('/accounts/:id/meters', {
    config: { permission: 'accounts:write' },
    schema: {
      tags: ['billing'], summary: 'Let a meter serve the account from an instant (a meter exchange ends the previous meter there)', params: idParams,
      body: { type: 'object', required: ['meterId', 'from'], additionalProperties: false, properties: { meterId: str, from: { type: 'string', format: 'date-time' } } },
      response: { 201: ok('The assignments written', { type: 'array', items: anyObject }), ...problems(404) },
    },
  }, async (req, reply) => reply.code(201).send(await services.accounts.assignMeter(req.params.id, req.body.meterId, req.body.from, actorOf(principalOf(req)))));

  app.post<{ Params: { id: string }; Body: { from: string; to: string } }>('/accounts/:id/bills', {
    config: { permission: 'billing:write' },
    schema: {
      tags: ['billing'], summary: 'Bill the account for local dates [from, to): stored as the next revision, with the difference to the previous one',
      params: idParams, body: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: date, to: date } },
      response: { 201: ok('The bill', anyObject), ...problems(404, 409, 422) },
    },
  }, async (req, reply) => reply.code(201).send(await services.billing.bill(req.params.id, req.body.from, req.body.to, actorOf(principalOf(req)))));

  app.get<{ Querystring: Paged & { account?: string; run?: string } }>('/bills', {
    config: { permission: 'billing:read' },
    schema: {
      tags: ['billing'], summary: 'Bills, newest first',
      querystring: { type: 'object', properties: { ...pageQuery, account: str, run: { type: 'string', description: 'Billing run id' } } },
      response: { 200: ok('A page of bills', collection(anyObject)), ...problems() },
    },
  }, async (req) => {
    const { limit = 100, cursor, account, run } = req.query;
    return services.billing.list({ ...(account ? { accountId: account } : {}), ...(run ? { runId: run } : {}) }, { limit, cursor: cursor ?? null });
  });

  app.get<{ Params: { id: number } }>('/bills/:id', {
    config: { permission: 'billing:read' },
    schema: { tags: ['billing'], summary: 'A bill: lines, determinants, data quality, tariff versions and meters', params: billIdParams, response: { 200: ok('The bill', anyObject), ...problems(404) } },
  }, async (req) => services.billing.get(req.params.id));

  app.get<{ Params: { id: number; n: number } }>('/bills/:id/lines/:n', {
    config: { permission: 'billing:read' },
    schema: {
      tags: ['billing'], summary: 'How one line was computed: the intervals (or days, or peak) it counted, with their quality',
      params: { type: 'object', required: ['id', 'n'], properties: { id: { type: 'integer', minimum: 1 }, n: { type: 'integer', minimum: 1 } } },
      response: { 200: ok('The explanation', anyObject), ...problems(404) },
    },
  }, async (req) => services.billing.explain(req.params.id, req.params.n));

  app.get<{ Params: { id: number } }>('/bills/:id/reproduce', {
    config: { permission: 'billing:read' },
    schema: { tags: ['billing'], summary: 'Recompute the bill from the data as stored at its asOf instant and compare', params: billIdParams, response: { 200: ok('Comparison', anyObject), ...problems(404) } },
  }, async (req) => services.billing.reproduce(req.params.id));

  app.post<{ Body: { cycleDay: number; month: string } }>('/billing-runs', {
    config: { permission: 'billing:write' },
    schema: {
      tags: ['billing'], summary: 'Bill every account of a cycle for the period starting in `month` (runs in the background; poll the run)',
      body: { type: 'object', required: ['cycleDay', 'month'], additionalProperties: false, properties: { cycleDay: { type: 'integer', minimum: 1, maximum: 28 }, month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } } },
      response: { 202: ok('The run, started', anyObject), ...problems() },
    },
  }, async (req, reply) => {
    const { run } = await services.billingRuns.start(req.body.cycleDay, req.body.month, actorOf(principalOf(req)));
    return reply.code(202).header('location', `/api/v1/billing-runs/${run.id}`).send(run);
  });

  app.get<{ Querystring: Paged }>('/billing-runs', {
    config: { permission: 'billing:read' },
    schema: { tags: ['billing'], summary: 'Billing runs, newest first', querystring: { type: 'object', properties: pageQuery }, response: { 200: ok('Runs', collection(anyObject)), ...problems() } },
  }, async (req) => services.billingRuns.list({ limit: req.query.limit ?? 100, cursor: req.query.cursor ?? null }));

  app.get<{ Params: { id: string } }>('/billing-runs/:id', {
    config: { permission: 'billing:read' },
    schema: { tags: ['billing'], summary: 'A billing run with its progress (done of total) and failures', params: idParams, response: { 200: ok('The run', anyObject), ...problems(404) } },
  }, async (req) => services.billingRuns.get(req.params.id));
};
