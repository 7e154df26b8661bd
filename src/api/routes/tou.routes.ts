import type { FastifyPluginAsync } from 'fastify';
import type { Services, TouPageQuery, TouVerdict, TouVerifyRequest } from '../../services/index.ts';
import { collection, ok, pageQuery, problems } from '../schemas/common.ts';

const str = { type: 'string' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const when = { type: 'string', minLength: 1, description: 'Local date YYYY-MM-DD (midnight in each meter\'s zone) or an ISO 8601 time with offset' } as const;
const verdict = { type: 'string', enum: ['ok', 'misconfigured', 'insufficient-data'] } as const;

const meterSchema = {
  type: 'object',
  required: ['meterId', 'zone', 'verdict', 'cause', 'faults', 'confidence', 'windows', 'residualWh', 'evidence'],
  properties: {
    meterId: str,
    accountId: str,
    zone: str,
    verdict,
    cause: { type: ['string', 'null'], description: 'registers-swapped, dst-not-applied, dst-applied, clock-offset, wrong-season, \'+\'-joined when several, or unexplained' },
    faults: { type: 'array', items: anyObject, description: 'The cause in detail, e.g. {"kind": "clock-offset", "minutes": 45}' },
    description: { type: ['string', 'null'] },
    confidence: { type: ['string', 'null'], enum: ['high', 'medium', 'low', null] },
    explained: { type: ['number', 'null'], description: 'Share of the calendar\'s mismatch the cause accounts for' },
    alternatives: { type: 'array', items: anyObject, description: 'Causes the data cannot tell apart from this one' },
    windows: anyObject,
    residualWh: anyObject,
    evidence: { ...anyObject, description: 'Register-read windows furthest off (observed vs calendar vs cause, Wh) and the local hours counted in another register' },
    note: str,
  },
} as const;

const reportExtra = {
  tariffId: str, from: str, to: str,
  zones: { type: 'array', items: str },
  registers: { type: 'array', items: str },
  totals: anyObject,
  untestable: { type: 'array', items: anyObject, description: 'Faults this range cannot reveal (e.g. no DST day in it)' },
  elapsedMs: { type: 'integer' },
  metersPerS: { type: 'integer' },
} as const;

const response = { 200: ok('The verification report, meters paged (misconfigured first)', collection(meterSchema, reportExtra, ['tariffId', 'totals'])), ...problems(404) };

interface Filters { verdict?: TouVerdict; cause?: string; limit?: number; cursor?: string }
interface Query extends Filters { tariff: string; from?: string; to?: string; meters?: string }
interface Body extends Filters { tariff: string; from?: string; to?: string; meters?: string[]; resolutionWh?: number; intervalResolutionWh?: number }

const filterProps = { ...pageQuery, verdict, cause: { type: 'string', description: 'Only misconfigured meters with this cause' } } as const;
const pageOf = (f: Filters): TouPageQuery => ({
  ...(f.verdict !== undefined ? { verdict: f.verdict } : {}), ...(f.cause !== undefined ? { cause: f.cause } : {}),
  ...(f.limit !== undefined ? { limit: f.limit } : {}), ...(f.cursor !== undefined ? { cursor: f.cursor } : {}),
});

/**
 * TOU verification (docs/tou-verification.md): each meter's own TOU registers against its interval
 * data laid over the tariff calendar. GET for a tariff's accounts; POST for a list of meters or
 * other tolerances. Reading only: a run changes nothing stored.
 */
export const touRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: Query }>('/tou-verification', {
    config: { permission: 'billing:read' },
    schema: {
      tags: ['billing'],
      summary: 'Verify the TOU registers of every meter on a tariff (or of the listed meters) against the tariff calendar',
      querystring: {
        type: 'object', required: ['tariff'],
        properties: { tariff: str, from: when, to: { ...when, description: `${when.description}; exclusive. Default: today's local midnight, from 30 days before` }, meters: { type: 'string', description: 'Comma-separated meter ids (default: the meters of every account on the tariff)' }, ...filterProps },
      },
      response,
    },
  }, async (req) => {
    const q = req.query;
    const meters = q.meters?.split(',').map((m) => m.trim()).filter(Boolean);
    const r: TouVerifyRequest = { tariffId: q.tariff, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(meters?.length ? { meterIds: meters } : {}) };
    return services.touVerification.verifyPage(r, pageOf(q));
  });

  app.post<{ Body: Body }>('/tou-verification', {
    config: { permission: 'billing:read' },
    schema: {
      tags: ['billing'],
      summary: 'The same as GET with a body: long meter lists and the meters\' register and interval resolution',
      body: {
        type: 'object', additionalProperties: false, required: ['tariff'],
        properties: {
          tariff: str, from: when, to: when,
          meters: { type: 'array', minItems: 1, maxItems: 1_000_000, items: { type: 'string', minLength: 1 } },
          resolutionWh: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'Register resolution (1 = 0.001 kWh, 10 = 0.01 kWh)' },
          intervalResolutionWh: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'Interval value resolution' },
          ...filterProps,
        },
      },
      response,
    },
  }, async (req) => {
    const b = req.body;
    const options = { ...(b.resolutionWh !== undefined ? { resolutionWh: b.resolutionWh } : {}), ...(b.intervalResolutionWh !== undefined ? { intervalResolutionWh: b.intervalResolutionWh } : {}) };
    const r: TouVerifyRequest = {
      tariffId: b.tariff, ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}), ...(b.meters ? { meterIds: b.meters } : {}),
      ...(Object.keys(options).length ? { options } : {}),
    };
    return services.touVerification.verifyPage(r, pageOf(b));
  });
};
