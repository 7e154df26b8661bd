import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import { actorOf, ROLES, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { ok, problems, time } from '../schemas/common.ts';

export const keysRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post<{ Body: { role: string; label: string } }>('/keys', {
    config: { permission: 'keys:create' },
    schema: {
      tags: ['keys'],
      summary: 'Create an API key (the key is in this answer only; the server keeps its SHA-256)',
      body: {
        type: 'object',
        required: ['role', 'label'],
        additionalProperties: false,
        properties: {
          role: { type: 'string', enum: [...ROLES] },
          label: { type: 'string', minLength: 1, maxLength: 200, description: 'Who or what uses the key' },
        },
      },
      response: {
        201: ok('The new key, shown this once', {
          type: 'object',
          required: ['id', 'key', 'role', 'label', 'createdAt'],
          properties: {
            id: { type: 'string' }, key: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' }, createdAt: time,
          },
        }),
        ...problems(),
      },
    },
  }, async (req, reply) => {
    const k = await services.auth.createKey(req.body.role, req.body.label, actorOf(principalOf(req)));
    reply.code(201).header('cache-control', 'no-store');
    return { ...k, createdAt: epochToIso(k.createdAt) };
  });
};
