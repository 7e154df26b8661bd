import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/index.ts';
import { epochParam } from '../params.ts';
import { auditDto, receiptDto, rejectDto } from '../dto.ts';
import { collection, ok, pageQuery, problems, ref, time } from '../schemas/common.ts';

interface Paged {
  limit?: number;
  cursor?: string;
}

export const recordsRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: Paged & { source?: string; meter?: string; code?: string; since?: string } }>('/rejects', {
    config: { permission: 'rejects:read' },
    schema: {
      tags: ['records'],
      summary: 'Items that ingest refused, with the reason',
      querystring: {
        type: 'object',
        properties: {
          ...pageQuery,
          source: { type: 'string', description: 'e.g. api, mqtt:<client>, file:<name>' },
          meter: { type: 'string' },
          code: { type: 'string', description: 'Error code, e.g. INGEST_UNKNOWN_METER' },
          since: { ...time, description: 'Only rejects at or after this time' },
        },
      },
      response: { 200: ok('A page of rejects, oldest first', collection(ref('Reject'))), ...problems() },
    },
  }, async (req) => {
    const { limit, cursor, source, meter, code, since } = req.query;
    const filter = { source, meterId: meter, code, since: since === undefined ? undefined : epochParam('since', since) };
    const page = await services.records.rejects(filter, { limit, cursor });
    return { items: page.items.map(rejectDto), total: page.total, next: page.next };
  });

  app.get<{ Querystring: Paged }>('/receipts', {
    config: { permission: 'receipts:read' },
    schema: {
      tags: ['records'],
      summary: 'The integrity chain: one receipt (SHA-256, source, size) per received message or file',
      querystring: { type: 'object', properties: pageQuery },
      response: { 200: ok('A page of receipts in chain order', collection(ref('Receipt'))), ...problems() },
    },
  }, async (req) => {
    const page = await services.records.receipts(req.query);
    return { items: page.items.map(receiptDto), total: page.total, next: page.next };
  });

  app.get<{ Querystring: Paged & { actor?: string; action?: string; object?: string } }>('/audit', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['records'],
      summary: 'The hash-chained audit log of state-changing actions',
      querystring: {
        type: 'object',
        properties: {
          ...pageQuery,
          actor: { type: 'string' },
          action: { type: 'string', description: 'e.g. apikey.create, ingest.submit' },
          object: { type: 'string', description: 'Prefix of the object, e.g. apikey: or meter:E0001' },
        },
      },
      response: { 200: ok('A page of audit entries in chain order', collection(ref('AuditEntry'))), ...problems() },
    },
  }, async (req) => {
    const { limit, cursor, actor, action, object } = req.query;
    const page = await services.records.audit({ actor, action, objectPrefix: object }, { limit, cursor });
    return { items: page.items.map(auditDto), total: page.total, next: page.next };
  });
};
