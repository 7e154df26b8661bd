/**
 * P1 over TCP: a ser2net-style gateway (ser2net, a P1 dongle, an ESP "P1 reader") relays the
 * meter's serial bytes on a TCP port. This client connects to HOST:PORT, splits the byte stream
 * into telegrams and yields them, and reconnects with exponential backoff when the gateway drops
 * the connection, refuses it or goes quiet. The only file of the codec that touches sockets.
 *
 * - Backpressure: the socket is read as an async iterable, so a slow consumer pauses the socket.
 * - A telegram cut off by a disconnect is dropped (it would carry partial values without a CRC
 *   to prove them); the next connection starts with a fresh splitter.
 * - Stop with the AbortSignal: the socket is destroyed and the generator ends.
 */
import { createConnection, type Socket } from 'node:net';
import type { EpochSeconds } from '../../model/time.ts';
import { TelegramSplitter } from './splitter.ts';

export interface P1Frame {
  readonly kind: 'telegram' | 'encrypted';
  readonly bytes: Uint8Array;
  readonly receivedAt: EpochSeconds;
}

export type P1Status =
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'connected'; readonly attempt: number }
  | { readonly kind: 'disconnected'; readonly reason: string }
  | { readonly kind: 'retrying'; readonly inMs: number }
  | { readonly kind: 'skipped'; readonly length: number; readonly reason: string };

export interface P1TcpOptions {
  readonly host: string;
  readonly port: number;
  readonly signal?: AbortSignal;
  /** Reconnect delays: doubling from initialMs (500) up to maxMs (30 s); reset by a telegram. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Reconnect when no byte arrives for this long (default 60 s; DSMR meters send every 1-10 s). */
  readonly idleTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly onStatus?: (s: P1Status) => void;
  readonly now?: () => EpochSeconds;
}

export async function* p1TcpFrames(opts: P1TcpOptions): AsyncGenerator<P1Frame> {
  const initialMs = opts.backoff?.initialMs ?? 500;
  const maxMs = opts.backoff?.maxMs ?? 30_000;
  const status = opts.onStatus ?? ((): void => undefined);
  const now = opts.now ?? ((): EpochSeconds => Math.floor(Date.now() / 1000));
  let delay = initialMs;
  for (let attempt = 1; !opts.signal?.aborted; attempt++) {
    status({ kind: 'connecting', attempt });
    let socket: Socket | undefined;
    try {
      socket = await connect(opts);
      status({ kind: 'connected', attempt });
      const splitter = new TelegramSplitter();
      for await (const chunk of socket as AsyncIterable<Buffer>) {
        for (const e of splitter.push(chunk)) {
          if (e.kind === 'skipped') status({ kind: 'skipped', length: e.length, reason: e.reason });
          else if (e.kind === 'encrypted' || e.complete) {
            delay = initialMs;
            yield { kind: e.kind, bytes: e.bytes, receivedAt: now() };
          }
        }
      }
      status({ kind: 'disconnected', reason: 'the gateway closed the connection' });
    } catch (err) {
      if (opts.signal?.aborted) break;
      status({ kind: 'disconnected', reason: err instanceof Error ? err.message : String(err) });
    } finally {
      socket?.destroy();
    }
    if (opts.signal?.aborted) break;
    status({ kind: 'retrying', inMs: delay });
    await sleep(delay, opts.signal);
    delay = Math.min(maxMs, delay * 2);
  }
}

function connect(opts: P1TcpOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: opts.host, port: opts.port });
    const fail = (err: Error): void => { cleanup(); socket.destroy(); reject(err); };
    const onAbort = (): void => fail(new Error('stopped'));
    const timer = setTimeout(() => fail(new Error(`connect to ${opts.host}:${opts.port} timed out`)), opts.connectTimeoutMs ?? 10_000);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('error', fail);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', fail);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      // The read loop reports errors; this keeps one emitted before it starts from being unhandled.
      socket.on('error', () => undefined);
      const idle = opts.idleTimeoutMs ?? 60_000;
      socket.setTimeout(idle, () => socket.destroy(new Error(`no data for ${idle} ms`)));
      // Stopping destroys the socket, which ends the read loop.
      const stop = (): void => { socket.destroy(); };
      opts.signal?.addEventListener('abort', stop, { once: true });
      socket.once('close', () => opts.signal?.removeEventListener('abort', stop));
      resolve(socket);
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
