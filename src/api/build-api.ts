import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Services } from '../services/index.ts';
import { requireApiKey } from './auth.ts';
import { openapiOptions } from './openapi.ts';
import { problem, PROBLEM_CONTENT_TYPE, toProblem } from './problem.ts';
import { fleetRoutes } from './routes/fleet.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { ingestRoutes } from './routes/ingest.routes.ts';
import { keysRoutes } from './routes/keys.routes.ts';
import { metersRoutes } from './routes/meters.routes.ts';
import { readingsRoutes } from './routes/readings.routes.ts';
import { recordsRoutes } from './routes/records.routes.ts';
import { topologyRoutes } from './routes/topology.routes.ts';
import { veeRoutes } from './routes/vee.routes.ts';
import { billingRoutes } from './routes/billing.routes.ts';
import { gridRoutes } from './routes/grid.routes.ts';
import { portalBillingRoutes } from './routes/portal-billing.routes.ts';
import { sessionRoutes } from './routes/session.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { liveRoutes } from './routes/live.routes.ts';
import { portalRoutes } from './routes/portal.routes.ts';
import { consentRoutes } from './routes/consent.routes.ts';
import { portalConsentRoutes } from './routes/portal-consent.routes.ts';
import { thirdPartyRoutes } from './routes/third-party.routes.ts';
import { settlementRoutes } from './routes/settlement.routes.ts';
import { touRoutes } from './routes/tou.routes.ts';
import { firmwareRoutes } from './routes/firmware.routes.ts';
import { drRoutes } from './routes/dr.routes.ts';
import { SHARED_SCHEMAS } from './schemas/index.ts';
import { DEFAULT_WEB_ROOT, webStatic } from './web-static.ts';

export interface ApiOptions {
  readonly services: Services;
  /** true: JSON logs to stdout; or a stream (tests read it to prove keys never reach a log). */
  readonly logger?: boolean | { readonly stream: NodeJS.WritableStream; readonly level?: string };
  /** Directory of the web bundle (Vite's output); dist/web by default. */
  readonly webRoot?: string;
}

export const API_PREFIX = '/api/v1';

// The authorization header is the API key and the cookie a session; pino's redaction keeps both out of every log line.
const REDACT = [
  'req.headers.authorization', 'headers.authorization', 'request.headers.authorization',
  'req.headers.cookie', 'headers.cookie', 'request.headers.cookie', 'res.headers["set-cookie"]',
];

function loggerOptions(logger: ApiOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = { level: 'info', redact: { paths: REDACT, censor: '[redacted]' } };
  return logger === true ? base : { ...base, level: logger.level ?? 'info', stream: logger.stream };
}

/** The HTTP face: REST under /api/v1, OpenAPI, docs UI and the web page. The caller listens. */
export function buildApi({ services, logger, webRoot = DEFAULT_WEB_ROOT }: ApiOptions): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(logger),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false, allowUnionTypes: true } },
  });
  for (const s of SHARED_SCHEMAS) app.addSchema(s);

  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err, req.url.split('?')[0]!);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: p.code }, p.detail);
    if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="meterstack"');
    if (p.status === 503) reply.header('retry-after', '1');
    return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(p);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problem('API_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`, req.url.split('?')[0]!)));

  app.register(swagger, openapiOptions(API_PREFIX));
  app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: false } });
  app.register(healthRoutes, { prefix: API_PREFIX });
  // Login and "who am I" check a key or session themselves: POST /session has neither yet.
  app.register(sessionRoutes, { prefix: API_PREFIX, services });
  app.register(async (api) => {
    requireApiKey(api, services.auth, services.users);
    for (const routes of [metersRoutes, readingsRoutes, topologyRoutes, fleetRoutes, ingestRoutes, recordsRoutes, keysRoutes, veeRoutes, billingRoutes, gridRoutes, portalBillingRoutes, settlementRoutes, touRoutes, firmwareRoutes]) {
      api.register(routes, { services });
    }
    // The web faces' own routes: users, the live stream and chart series, the customer portal.
    for (const routes of [usersRoutes, liveRoutes, portalRoutes]) api.register(routes, { services });
    // Consent: the registry and consents (console), my data sharing (portal), the third parties' own API.
    for (const routes of [consentRoutes, portalConsentRoutes, thirdPartyRoutes]) api.register(routes, { services });
    // Peak events (demand response): console, OpenADR intake and the portal's notices.
    api.register(drRoutes, { services });
  }, { prefix: API_PREFIX });
  app.register(webStatic, { root: webRoot });
  return app;
}
