import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MeterstackError } from '../model/index.ts';
import type { ActiveSession, AuthService, Permission, Principal, UsersService } from '../services/index.ts';

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

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'msk_session';
/** The header a logged-in page sends its CSRF token in on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

export function bearerKey(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new MeterstackError('API_UNAUTHORIZED', 'this route needs an API key');
  return req.principal;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser request that carries an Origin must come from this server's own origin. The session
 * cookie is SameSite=Strict already; this closes the remaining gaps (same-site subdomains).
 */
export function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new MeterstackError('AUTH_CSRF', 'the request comes from an unknown origin');
  }
  if (host !== req.headers.host) throw new MeterstackError('AUTH_CSRF', `the request comes from ${origin}, not from this server`);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A session-authenticated state change must echo the session's CSRF token (double submit). */
export function checkCsrf(req: FastifyRequest, session: ActiveSession): void {
  checkOrigin(req);
  if (SAFE.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, session.csrf)) {
    throw new MeterstackError('AUTH_CSRF', `a logged-in page sends its CSRF token in the ${CSRF_HEADER} header on every change`);
  }
}

export interface Resolved {
  readonly principal: Principal;
  /** Set when a person's session cookie (not an API key) authenticated the request. */
  readonly session?: ActiveSession;
}

/**
 * Who sends the request: an API key (Authorization: Bearer) wins; otherwise the session cookie of a
 * logged-in person, whose state-changing requests must carry the CSRF token.
 */
export async function resolvePrincipal(req: FastifyRequest, auth: AuthService, users: UsersService): Promise<Resolved> {
  const key = bearerKey(req.headers.authorization);
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (key !== undefined || cookie === undefined || req.headers.authorization !== undefined) {
    return { principal: await auth.verify(key) };
  }
  const session = await users.session(cookie);
  if (!session) throw new MeterstackError('API_UNAUTHORIZED', 'the session has ended; log in again');
  checkCsrf(req, session);
  return { principal: session.principal, session };
}

/** A browser-session cookie (no Max-Age): the server ends the session itself (idle and absolute expiry). */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure}`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/** Every route registered in `app` (an encapsulated context) requires a key or a session, and a permission. */
export function requireApiKey(app: FastifyInstance, auth: AuthService, users: UsersService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const { principal } = await resolvePrincipal(req, auth, users);
    req.principal = principal;
    const permission = req.routeOptions.config.permission;
    if (permission === undefined) {
      throw new MeterstackError('API_FORBIDDEN', 'this route grants no permission to any role');
    }
    auth.authorize(principal, permission);
  });
}
