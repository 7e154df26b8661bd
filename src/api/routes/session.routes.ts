import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { GRANTS, type Role, type Services, type UserView } from '../../services/index.ts';
import { checkOrigin, clearSessionCookie, cookieValue, resolvePrincipal, SESSION_COOKIE, setSessionCookie } from '../auth.ts';
import { ok, problems, time } from '../schemas/common.ts';

export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'name', 'role', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' },
    premise: { type: 'string', description: 'A customer\'s premise' }, createdAt: time, updatedAt: time, disabledAt: time,
  },
} as const;

export function userDto(u: UserView) {
  return {
    id: u.id, username: u.username, name: u.name, role: u.role, ...(u.premise !== undefined ? { premise: u.premise } : {}),
    createdAt: epochToIso(u.createdAt), updatedAt: epochToIso(u.updatedAt), ...(u.disabledAt !== undefined ? { disabledAt: epochToIso(u.disabledAt) } : {}),
  };
}

const sessionSchema = {
  type: 'object',
  required: ['kind', 'role', 'label', 'permissions'],
  properties: {
    kind: { type: 'string', enum: ['user', 'key'], description: 'A logged-in person (cookie) or an API key' },
    role: { type: 'string' }, label: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    user: userSchema,
    premise: { type: 'string' },
    csrf: { type: 'string', description: 'Send as x-csrf-token on every state-changing request of this session' },
    expiresAt: time,
  },
} as const;

/**
 * Login for people (the console and portal): username + password give an HttpOnly, SameSite=Strict
 * session cookie and a CSRF token. These routes sit outside the API-key hook: POST answers without
 * a session, GET and DELETE check one themselves.
 */
export const sessionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post<{ Body: { username: string; password: string } }>('/session', {
    schema: {
      tags: ['session'],
      summary: 'Log in with username and password: sets the session cookie (msk_session)',
      security: [],
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'password'],
        properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
      },
      response: { 200: ok('Logged in', sessionSchema), ...problems(429) },
    },
  }, async (req, reply) => {
    // JSON only (a cross-site form cannot send it without CORS) and, when the browser says, from this origin.
    checkOrigin(req);
    const login = await services.users.login(req.body.username, req.body.password);
    setSessionCookie(req, reply, login.token);
    reply.header('cache-control', 'no-store');
    return {
      kind: 'user', role: login.user.role, label: login.user.name, permissions: [...GRANTS[login.user.role]], user: userDto(login.user),
      ...(login.user.premise !== undefined ? { premise: login.user.premise } : {}), csrf: login.csrf, expiresAt: epochToIso(login.expiresAt),
    };
  });

  app.get('/session', {
    schema: {
      tags: ['session'],
      summary: 'Who is asking: the logged-in user (with the CSRF token) or the API key\'s role',
      response: { 200: ok('The current principal', sessionSchema), ...problems() },
    },
  }, async (req, reply) => {
    const { principal, session } = await resolvePrincipal(req, services.auth, services.users);
    reply.header('cache-control', 'no-store');
    const role = principal.role as Role;
    return {
      kind: session ? 'user' : 'key', role, label: principal.label, permissions: [...(GRANTS[role] ?? [])],
      ...(session ? { user: userDto(session.user), csrf: session.csrf, expiresAt: epochToIso(session.expiresAt) } : {}),
      ...(principal.premise !== undefined ? { premise: principal.premise } : {}),
    };
  });

  app.delete('/session', {
    schema: {
      tags: ['session'],
      summary: 'Log out: ends the session and clears its cookie (needs the x-csrf-token header)',
      response: { 204: { description: 'Logged out' }, ...problems() },
    },
  }, async (req, reply) => {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const { session } = await resolvePrincipal(req, services.auth, services.users);
    if (session) await services.users.logout(token);
    clearSessionCookie(reply);
    return reply.code(204).send();
  });
};
