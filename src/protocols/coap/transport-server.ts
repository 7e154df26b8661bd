import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { ExchangeCache } from './dedup.ts';
import type { CoapReply, CoapRequest } from './readings-request.ts';

/**
 * The CoAP server socket (the only server-side file touching the coap library): turns the
 * library's request into a plain CoapRequest, deduplicates retransmissions (dedup.ts), and writes
 * the handler's reply. The handler decides what a request means; this file decides nothing.
 */
export interface CoapServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /**
   * How long to hold the answer back for a piggybacked reply before sending an empty ACK and the
   * answer separately (RFC 7252 §5.2.2). Ingest commits usually take milliseconds; a client
   * retransmits after ACK_TIMEOUT (2–3 s), so waiting a moment saves a round trip.
   */
  readonly piggybackReplyMs?: number;
  handle(req: CoapRequest): Promise<CoapReply>;
  /** Socket and response errors (a separate response the client never acknowledged …). */
  onError?(err: Error): void;
  readonly nowMs?: () => number;
}

export interface CoapServerStats {
  readonly requests: number;
  readonly duplicates: number;
}

export interface CoapServerHandle {
  readonly host: string;
  readonly port: number;
  stats(): CoapServerStats;
  close(): Promise<void>;
}

export function startCoapServer(opts: CoapServerOptions): Promise<CoapServerHandle> {
  const host = opts.host ?? '127.0.0.1';
  const nowMs = opts.nowMs ?? Date.now;
  const onError = opts.onError ?? ((): void => undefined);
  const exchanges = new ExchangeCache<CoapReply>();
  const counts = { requests: 0, duplicates: 0 };
  // reuseAddr off: with it (the library's default) a second server would silently share the port.
  const server: Server = createServer({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, piggybackReplyMs: opts.piggybackReplyMs ?? 1000 });

  server.on('request', (msg: IncomingMessage, res: OutgoingMessage) => {
    res.on('error', onError);
    const req = toRequest(msg);
    counts.requests++;
    // Through a promise, so a handler that throws synchronously still answers 5.00 instead of crashing.
    const { duplicate, result } = exchanges.run(ExchangeCache.key(req.peer, req.messageId), nowMs(), () => Promise.resolve(req).then((r) => opts.handle(r)));
    if (duplicate) counts.duplicates++;
    result.then((reply) => send(res, reply), (err: unknown) => {
      onError(err instanceof Error ? err : new Error(String(err)));
      send(res, { code: '5.00' });
    });
  });

  return new Promise((resolve, reject) => {
    const failed = (err: Error): void => {
      server.close();
      reject(err);
    };
    server.once('error', failed);
    server.listen(opts.port ?? 5683, host, () => {
      server.off('error', failed);
      server.on('error', onError);
      const sock = (server as unknown as { _sock: { address(): { port: number } } })._sock;
      resolve({
        host, port: sock.address().port,
        stats: () => ({ ...counts }),
        close: () => new Promise<void>((done) => { server.close(() => done()); }),
      });
    });
  });
}

function toRequest(msg: IncomingMessage): CoapRequest {
  const p = msg._packet;
  const options = new Map<number, Uint8Array>();
  const path: string[] = [];
  let contentFormat: number | string | undefined;
  for (const o of p.options ?? []) {
    const name = String(o.name);
    if (name === 'Uri-Path') path.push(Buffer.isBuffer(o.value) ? o.value.toString('utf8') : String(o.value));
    else if (name === 'Content-Format') contentFormat = formatNumber(o.value);
    else if (/^\d+$/.test(name) && Buffer.isBuffer(o.value)) options.set(Number(name), new Uint8Array(o.value));
  }
  return {
    method: msg.method ?? String(msg.code), path, options,
    ...(contentFormat === undefined ? {} : { contentFormat }),
    payload: new Uint8Array(msg.payload ?? Buffer.alloc(0)),
    peer: { address: msg.rsinfo.address, port: msg.rsinfo.port },
    messageId: p.messageId ?? -1, confirmable: p.confirmable === true,
  };
}

/** The library hands Content-Format over as its registered name; we speak numbers. */
const FORMAT_NUMBERS: Record<string, number> = { 'text/plain': 0, 'application/octet-stream': 42, 'application/json': 50, 'application/cbor': 60 };

export function formatNumber(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return FORMAT_NUMBERS[v] ?? v;
  return Buffer.isBuffer(v) ? v.reduce((n, b) => n * 256 + b, 0) : String(v);
}

function send(res: OutgoingMessage, reply: CoapReply): void {
  res.code = reply.code;
  if (reply.contentFormat !== undefined) res.setOption('Content-Format', reply.contentFormat);
  res.end(reply.payload === undefined ? undefined : Buffer.from(reply.payload));
}
