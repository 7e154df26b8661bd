import type { FastifyPluginAsync } from 'fastify';
import { actorOf, type Services } from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { assertUncoerced, rawJsonBody } from '../raw-json.ts';
import { ok, problems, ref } from '../schemas/common.ts';

const BODY_LIMIT = 32 * 1024 * 1024;

export const ingestRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  rawJsonBody(app, BODY_LIMIT);

  app.post('/ingest', {
    config: { permission: 'ingest:write' },
    bodyLimit: BODY_LIMIT,
    preHandler: async (req) => assertUncoerced(req),
    schema: {
      tags: ['ingest'],
      summary: 'Submit a canonical JSON batch of interval readings',
      description: 'A body that does not match the schema is refused whole (400) and nothing is stored. '
        + 'A valid batch is stored item by item: the answer lists each refused item with its code '
        + 'and reason (also under /rejects); the good items are durable when the answer arrives.',
      body: ref('IngestBatch'),
      response: { 200: ok('Stored; refused items listed with code and reason', ref('IngestResult')), ...problems(413, 415, 503) },
    },
  }, async (req) => {
    const r = await services.ingest.submit({ bytes: req.rawBody ?? Buffer.alloc(0), actor: actorOf(principalOf(req)) });
    return {
      receipt: { seq: r.receiptSeq, sha256: r.sha256 }, accepted: r.accepted, rejected: r.rejected,
      written: r.written, unchanged: r.unchanged, versioned: r.versioned,
    };
  });
};
