import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MeterstackError } from '../model/index.ts';
import type { AuthService, Permission, Principal } from '../services/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** What the route needs. A route without one is refused: deny by default. */
    permission?: Permission;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function bearerKey(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new MeterstackError('API_UNAUTHORIZED', 'this route needs an API key');
  return req.principal;
}

/** Every route registered in `app` (an encapsulated context) requires a key and a permission. */
export function requireApiKey(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const principal = await auth.verify(bearerKey(req.headers.authorization));
    req.principal = principal;
    const permission = req.routeOptions.config.permission;
    if (permission === undefined) {
      throw new MeterstackError('API_FORBIDDEN', 'this route grants no permission to any role');
    }
    auth.authorize(principal, permission);
  });
}
