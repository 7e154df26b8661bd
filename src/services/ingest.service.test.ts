import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodedMessage, IngestResult, RawMessage } from '../ingest/ingest.port.ts';
import type { AuditInput } from '../store/store.port.ts';
import { IngestService } from './ingest.service.ts';

const result: IngestResult = {
  receiptSeq: 7, sha256: 'ab'.repeat(32), accepted: 2, rejected: [{ index: 1, code: 'INGEST_UNKNOWN_METER', reason: 'no' }],
  written: 96, unchanged: 0, versioned: 0,
};

test('submit passes the bytes untouched and audits who sent what', async () => {
  const seen: RawMessage[] = [];
  const audit: AuditInput[] = [];
  const svc = new IngestService(
    { submit: async (m) => { seen.push(m); return result; }, submitDecoded: async () => assert.fail('not this one') },
    { appendAudit: async (e) => { audit.push(...e); } },
    () => 1_800_000_000,
  );
  const bytes = new TextEncoder().encode('{"readings":[]}');
  assert.equal(await svc.submit({ bytes, actor: 'key:k1' }), result);
  assert.equal(seen[0]!.bytes, bytes);
  assert.deepEqual([seen[0]!.source, seen[0]!.actor, seen[0]!.receivedAt], ['api', 'key:k1', 1_800_000_000]);
  assert.equal(audit.length, 1);
  assert.deepEqual([audit[0]!.action, audit[0]!.object, audit[0]!.actor], ['ingest.submit', 'receipt:7', 'key:k1']);
  assert.equal(audit[0]!.details!.rejected, 1);
});

test('a refused submit (nothing stored) leaves no audit entry', async () => {
  const audit: AuditInput[] = [];
  const svc = new IngestService(
    { submit: async () => { throw new Error('queue full'); }, submitDecoded: async () => { throw new Error('queue full'); } },
    { appendAudit: async (e) => { audit.push(...e); } },
    () => 0,
  );
  await assert.rejects(svc.submit({ bytes: new Uint8Array(), actor: 'a' }));
  assert.equal(audit.length, 0);
});

test('decoded series (file import, head-end) go the same way and are audited too', async () => {
  const audit: AuditInput[] = [];
  let got: DecodedMessage | undefined;
  const svc = new IngestService(
    { submit: async () => assert.fail('not this one'), submitDecoded: async (m) => { got = m; return result; } },
    { appendAudit: async (e) => { audit.push(...e); } },
    () => 42,
  );
  await svc.submitDecoded({ source: 'file:a.csv', series: [], actor: 'cli' });
  assert.deepEqual([got!.source, got!.receivedAt, audit[0]!.actor, audit[0]!.at], ['file:a.csv', 42, 'cli', 42]);
});
