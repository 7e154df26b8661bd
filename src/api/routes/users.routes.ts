import type { FastifyPluginAsync } from 'fastify';
import { actorOf, ROLES, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { ok, problems } from '../schemas/common.ts';
import { userDto, userSchema } from './session.routes.ts';

const password = { type: 'string', minLength: 10, maxLength: 200 } as const;

/** People who log in to the console and the portal (administrators manage them; every change is audited). */
export const usersRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/users', {
    config: { permission: 'users:read' },
    schema: {
      tags: ['users'],
      summary: 'Every console and portal user (never a password)',
      response: { 200: ok('Users by username', { type: 'object', required: ['items', 'total', 'next'], properties: { items: { type: 'array', items: userSchema }, total: { type: 'integer' }, next: { type: 'null' } } }), ...problems() },
    },
  }, async () => {
    const items = (await services.users.list()).map(userDto);
    return { items, total: items.length, next: null };
  });

  app.post<{ Body: { username: string; name?: string; role: string; premise?: string; password?: string } }>('/users', {
    config: { permission: 'users:write' },
    schema: {
      tags: ['users'],
      summary: 'Create a user; without a password one is generated and returned in this answer only',
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'role'],
        properties: {
          username: { type: 'string', minLength: 2, maxLength: 64 }, name: { type: 'string', maxLength: 200 }, role: { type: 'string', enum: [...ROLES] },
          premise: { type: 'string', minLength: 1, maxLength: 200, description: 'Required for a customer: the premise whose meters they see' }, password,
        },
      },
      response: {
        201: ok('The new user', { type: 'object', required: ['user'], properties: { user: userSchema, password: { type: 'string', description: 'Generated; shown this once' } } }),
        ...problems(409),
      },
    },
  }, async (req, reply) => {
    const r = await services.users.create(req.body, actorOf(principalOf(req)));
    reply.code(201).header('cache-control', 'no-store');
    return { user: userDto(r.user), ...(r.password !== undefined ? { password: r.password } : {}) };
  });

  app.patch<{ Params: { id: string }; Body: { name?: string; role?: string; premise?: string | null; password?: string; disabled?: boolean } }>('/users/:id', {
    config: { permission: 'users:write' },
    schema: {
      tags: ['users'],
      summary: 'Change a user\'s name, role, premise or password, or disable them (their sessions end)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } },
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          name: { type: 'string', maxLength: 200 }, role: { type: 'string', enum: [...ROLES] },
          premise: { type: ['string', 'null'], minLength: 1, maxLength: 200 }, password, disabled: { type: 'boolean' },
        },
      },
      response: { 200: ok('The user after the change', userSchema), ...problems(404) },
    },
  }, async (req) => userDto(await services.users.update(req.params.id, req.body, actorOf(principalOf(req)))));
};
