import { time } from './common.ts';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;

export const rejectSchema = {
  $id: 'Reject',
  type: 'object',
  required: ['at', 'source', 'position', 'code', 'reason', 'item'],
  properties: {
    id: int,
    at: time,
    source: str,
    receiptSeq: { type: 'integer', description: 'Receipt of the message the item came from' },
    position: { type: 'integer', description: 'Index of the item in its batch, or line in its file' },
    meter: str,
    channel: str,
    code: { type: 'string', description: 'Error code, see docs/errors.md' },
    reason: str,
    item: { type: 'string', description: 'The item as received (JSON text)' },
  },
} as const;

export const receiptSchema = {
  $id: 'Receipt',
  type: 'object',
  required: ['seq', 'sha256', 'source', 'receivedAt', 'bytes', 'prevHash', 'hash'],
  properties: { seq: int, sha256: str, source: str, receivedAt: time, bytes: int, prevHash: str, hash: str },
} as const;

export const auditEntrySchema = {
  $id: 'AuditEntry',
  type: 'object',
  required: ['seq', 'at', 'actor', 'action', 'object', 'prevHash', 'hash'],
  properties: {
    seq: int, at: time, actor: str, action: str, object: str,
    details: { type: 'object', additionalProperties: true },
    prevHash: str, hash: str,
  },
} as const;
