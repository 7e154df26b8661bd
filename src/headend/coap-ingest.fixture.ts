import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoapServer, type CoapServerHandle } from '../protocols/coap/index.ts';
import type { AuditInput, Store } from '../store/store.port.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { CoapIngest } from './coap-ingest.ts';
import { CoapKeyTable } from './coap-keys.ts';

/** 2026-11-26T12:00:00Z: the receiving clock of these tests (payload examples are at 10:00). */
export const NOW = 1_795_694_400;
const now = (): number => NOW;

/**
 * The concrete parts a test hands in (the head-end may not name a store or the pipeline itself):
 * `{ openSqliteStore, createPipeline }`, or wrapped ones for failure injection.
 */
export interface RigParts {
  openSqliteStore(opts: { path: string; clock: () => number }): Store;
  createPipeline(opts: { store: Store; now: () => number }): Ingestor;
}

export const KEY1 = Uint8Array.from(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
export const KEY2 = Uint8Array.from(Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex'));

export interface CoapRig {
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly coap: CoapIngest;
  readonly server: CoapServerHandle;
  readonly target: { host: string; port: number };
  close(): Promise<void>;
}

/** A real store (meters SIM000001–3), pipeline, CoAP ingest and server on an ephemeral loopback port. */
export async function coapRig(parts: RigParts, opts: { piggybackReplyMs?: number } = {}): Promise<CoapRig> {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-coap-'));
  const store = parts.openSqliteStore({ path: join(dir, 'meterstack.db'), clock: now });
  await store.upsertMeters(['SIM000001', 'SIM000002', 'SIM000003'].map((id) => ({ id, kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active' })));
  const ingest = parts.createPipeline({ store, now });
  const keys = CoapKeyTable.fromHex({ SIM000001: Buffer.from(KEY1).toString('hex'), SIM000002: Buffer.from(KEY2).toString('hex') });
  const coap = new CoapIngest({ ingest, keys, now, audit: (e: readonly AuditInput[]) => store.appendAudit(e) });
  const server = await startCoapServer({
    host: '127.0.0.1', port: 0, handle: (r) => coap.handleRequest(r),
    ...(opts.piggybackReplyMs === undefined ? {} : { piggybackReplyMs: opts.piggybackReplyMs }),
  });
  return {
    store, ingest, coap, server, target: { host: '127.0.0.1', port: server.port },
    async close() {
      await server.close();
      await coap.flush();
      await ingest.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Send datagrams from one raw UDP socket; collect the answers for `waitMs`. */
export async function exchangeRaw(port: number, datagrams: readonly { bytes: Uint8Array; afterMs?: number }[], waitMs: number): Promise<Uint8Array[]> {
  const sock = createSocket('udp4');
  const answers: Uint8Array[] = [];
  sock.on('message', (m) => answers.push(new Uint8Array(m)));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  try {
    for (const d of datagrams) {
      if (d.afterMs) await new Promise((r) => setTimeout(r, d.afterMs));
      await new Promise<void>((r, j) => sock.send(d.bytes, port, '127.0.0.1', (e) => (e ? j(e) : r())));
    }
    await new Promise((r) => setTimeout(r, waitMs));
  } finally {
    await new Promise<void>((r) => sock.close(() => r()));
  }
  return answers;
}
