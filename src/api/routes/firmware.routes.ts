import type { FastifyPluginAsync } from 'fastify';
import { MeterstackError } from '../../model/index.ts';
import {
  actorOf, CAMPAIGN_STATES, JOB_STATES, MAX_IMAGE_BYTES, type CampaignView, type ImageView, type KeyView, type NewCampaign, type Services,
} from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { collection, ok, pageQuery, problems } from '../schemas/common.ts';
import {
  campaignSchema, imageSchema, jobSchema, keySchema, newCampaignSchema, newImageJsonSchema, newImageQuery, newKeySchema,
} from '../schemas/firmware.ts';

const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t * 1000).toISOString());
const keyDto = (k: KeyView) => ({ ...k, createdAt: iso(k.createdAt) });
const imageDto = (i: ImageView) => ({ ...i, createdAt: iso(i.createdAt) });
const campaignDto = (c: CampaignView) => ({
  ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
  ...(c.startedAt !== undefined ? { startedAt: iso(c.startedAt) } : {}), ...(c.finishedAt !== undefined ? { finishedAt: iso(c.finishedAt) } : {}),
  ...(c.halt ? { halt: { ...c.halt, at: iso(c.halt.at) } } : {}),
});
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const;

interface Paged { limit?: number; cursor?: string }
interface ImageQuery { vendor?: string; models?: string[]; version?: string; identifier?: string; signature?: string }
interface ImageJson extends ImageQuery { data: string }

/**
 * Firmware (docs/firmware.md): vendor signing keys, signed images and campaigns with progress,
 * halt, resume and cancel. Every change goes to the audit log (in the service).
 */
export const firmwareRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const fw = services.firmware;
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_req, body, done) => done(null, body));

  app.get<{ Querystring: { vendor?: string } }>('/firmware/keys', {
    config: { permission: 'firmware:read' },
    schema: {
      tags: ['firmware'], summary: 'Registered firmware signing keys (public keys only)',
      querystring: { type: 'object', properties: { vendor: { type: 'string' } } },
      response: { 200: ok('Signing keys', collection(keySchema)), ...problems() },
    },
  }, async (req) => {
    const items = (await fw.listKeys(req.query.vendor)).map(keyDto);
    return { items, total: items.length, next: null };
  });

  app.post<{ Body: { vendor: string; publicKey: string; label?: string } }>('/firmware/keys', {
    config: { permission: 'firmware:write' },
    schema: {
      tags: ['firmware'], summary: 'Register a vendor\'s firmware signing public key (Ed25519 or ECDSA P-256; PEM or base64 DER SPKI)',
      body: newKeySchema, response: { 201: ok('The key', keySchema), ...problems(409) },
    },
  }, async (req, reply) => reply.code(201).send(keyDto(await fw.addKey(req.body, actorOf(principalOf(req))))));

  app.get<{ Querystring: Paged }>('/firmware/images', {
    config: { permission: 'firmware:read' },
    schema: {
      tags: ['firmware'], summary: 'Firmware images, newest first',
      querystring: { type: 'object', properties: { ...pageQuery } },
      response: { 200: ok('A page of images', collection(imageSchema)), ...problems() },
    },
  }, async (req) => {
    const p = await fw.listImages({ limit: req.query.limit ?? 100, cursor: req.query.cursor ?? null });
    return { ...p, items: p.items.map(imageDto) };
  });

  app.post<{ Querystring: ImageQuery; Body: Buffer | ImageJson }>('/firmware/images', {
    config: { permission: 'firmware:write' },
    bodyLimit: Math.ceil(MAX_IMAGE_BYTES * 4 / 3) + 4096,
    schema: {
      tags: ['firmware'],
      summary: 'Upload a signed image: application/octet-stream with vendor, models, version, identifier and signature in the query, or JSON with the bytes as base64 `data`',
      querystring: newImageQuery,
      body: { content: { 'application/json': { schema: newImageJsonSchema }, 'application/octet-stream': { schema: { description: 'The image bytes' } } } },
      response: { 201: ok('The stored image', imageSchema), ...problems(409, 413, 415, 422) },
    },
  }, async (req, reply) => {
    let meta: ImageQuery;
    let bytes: Uint8Array;
    if (typeof req.body !== 'object' || req.body === null) {
      throw new MeterstackError('API_UNSUPPORTED_MEDIA_TYPE', 'send the image as application/octet-stream (metadata in the query) or as JSON with base64 data');
    }
    if (Buffer.isBuffer(req.body)) {
      meta = req.query;
      bytes = new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    } else {
      const { data, ...rest } = req.body;
      meta = rest;
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) throw new MeterstackError('FIRMWARE_IMAGE_INVALID', 'data must be the image bytes as base64');
      const b = Buffer.from(data, 'base64');
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    if (meta.vendor === undefined || meta.version === undefined || meta.models === undefined) {
      throw new MeterstackError('FIRMWARE_IMAGE_INVALID', 'vendor, models and version are required (query parameters with application/octet-stream)');
    }
    const models = meta.models.flatMap((m) => m.split(',')).map((m) => m.trim()).filter((m) => m !== '');
    const img = await fw.addImage({
      vendor: meta.vendor, models, version: meta.version, ...(meta.identifier ? { identifier: meta.identifier } : {}), signature: meta.signature ?? '',
    }, bytes, actorOf(principalOf(req)));
    return reply.code(201).header('location', `/api/v1/firmware/images/${img.id}`).send(imageDto(img));
  });

  app.get<{ Params: { id: string } }>('/firmware/images/:id', {
    config: { permission: 'firmware:read' },
    schema: { tags: ['firmware'], summary: 'A firmware image (metadata, hash, signature)', params: idParams, response: { 200: ok('The image', imageSchema), ...problems(404) } },
  }, async (req) => imageDto(await fw.getImage(req.params.id)));

  app.get<{ Querystring: Paged & { state?: (typeof CAMPAIGN_STATES)[number] } }>('/firmware/campaigns', {
    config: { permission: 'firmware:read' },
    schema: {
      tags: ['firmware'], summary: 'Firmware campaigns with their progress, newest first',
      querystring: { type: 'object', properties: { ...pageQuery, state: { type: 'string', enum: [...CAMPAIGN_STATES] } } },
      response: { 200: ok('A page of campaigns', collection(campaignSchema)), ...problems() },
    },
  }, async (req) => {
    const p = await fw.listCampaigns(req.query.state ? { state: req.query.state } : {}, { limit: req.query.limit ?? 100, cursor: req.query.cursor ?? null });
    return { ...p, items: p.items.map(campaignDto) };
  });

  app.post<{ Body: NewCampaign }>('/firmware/campaigns', {
    config: { permission: 'firmware:write' },
    schema: {
      tags: ['firmware'], summary: 'Create a draft campaign: the target is resolved to meters and waves now; start it with POST …/start',
      body: newCampaignSchema, response: { 201: ok('The draft campaign', campaignSchema), ...problems(404) },
    },
  }, async (req, reply) => {
    const c = await fw.createCampaign(req.body, actorOf(principalOf(req)));
    return reply.code(201).header('location', `/api/v1/firmware/campaigns/${c.id}`).send(campaignDto(c));
  });

  app.get<{ Params: { id: string } }>('/firmware/campaigns/:id', {
    config: { permission: 'firmware:read' },
    schema: { tags: ['firmware'], summary: 'A campaign with its progress: counts per state, blocks, per-wave results, ETA', params: idParams, response: { 200: ok('The campaign', campaignSchema), ...problems(404) } },
  }, async (req) => campaignDto(await fw.getCampaign(req.params.id)));

  app.get<{ Params: { id: string }; Querystring: Paged & { state?: (typeof JOB_STATES)[number]; wave?: number } }>('/firmware/campaigns/:id/jobs', {
    config: { permission: 'firmware:read' },
    schema: {
      tags: ['firmware'], summary: 'The campaign\'s meters in run order, by state or wave',
      params: idParams,
      querystring: { type: 'object', properties: { ...pageQuery, state: { type: 'string', enum: [...JOB_STATES] }, wave: { type: 'integer', minimum: 0 } } },
      response: { 200: ok('A page of jobs', collection(jobSchema)), ...problems(404) },
    },
  }, async (req) => {
    const { state, wave, limit = 100, cursor } = req.query;
    const p = await fw.jobs(req.params.id, { ...(state ? { state } : {}), ...(wave !== undefined ? { wave } : {}) }, { limit, cursor: cursor ?? null });
    return { ...p, items: p.items.map((j) => ({ ...j, startedAt: iso(j.startedAt), finishedAt: iso(j.finishedAt) })) };
  });

  for (const action of ['start', 'halt', 'resume', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(`/firmware/campaigns/:id/${action}`, {
      config: { permission: 'firmware:write' },
      schema: {
        tags: ['firmware'],
        summary: {
          start: 'Start a draft campaign', halt: 'Halt: no new upgrades; in-flight ones stop at their next block',
          resume: 'Resume a halted campaign (stopped transfers continue from the first missing block)', cancel: 'Cancel for good: in-flight upgrades stop, pending meters are skipped',
        }[action],
        params: idParams, response: { 200: ok('The campaign', campaignSchema), ...problems(404, 409) },
      },
    }, async (req) => campaignDto(await fw[action](req.params.id, actorOf(principalOf(req)))));
  }
};
