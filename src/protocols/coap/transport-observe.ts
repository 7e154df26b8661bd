import type { IncomingMessage, ObserveReadStream } from 'coap';
import { MeterstackError } from '../../model/index.ts';
import { newAgent } from './transport-agent.ts';
import { formatNumber } from './transport-server.ts';

/**
 * The platform as an Observe client (RFC 7641) of a device resource: one GET with Observe=0, then
 * every notification the device sends. The coap library acknowledges confirmable notifications
 * and drops stale or repeated ones by their Observe sequence number (§3.4), so each notification
 * arrives here once. `cancel` deregisters eagerly (GET with Observe=1) and closes the socket.
 */
export interface Notification {
  /** "2.05" for a representation; a device ends an observation with an error code. */
  readonly code: string;
  readonly observe: number;
  readonly contentFormat?: number | string;
  readonly options: ReadonlyMap<number, Uint8Array>;
  readonly payload: Uint8Array;
}

export interface ObserveOptions {
  readonly host: string;
  readonly port: number;
  /** e.g. '/readings'. */
  readonly path: string;
  /** How long to wait for the first response (default 10 s). */
  readonly timeoutMs?: number;
  onNotification(n: Notification): void;
  /** The observation ended (cancelled, or the device stopped it). */
  onEnd?(): void;
}

export interface Observation {
  cancel(): Promise<void>;
}

type Stream = ObserveReadStream & { options?: { name: string | number; value: unknown }[] };

export function observeResource(opts: ObserveOptions): Promise<Observation> {
  const own = newAgent(opts.host);
  const agent = own.agent;
  const closeAgent = (): Promise<void> => own.close();
  const target = `coap://${opts.host}:${opts.port}${opts.path}`;
  return new Promise<Observation>((resolve, reject) => {
    let settled = false;
    const fail = (why: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void closeAgent().then(() => reject(new MeterstackError('COAP_OBSERVE_FAILED', `observing ${target}: ${why}`, cause === undefined ? {} : { cause })));
    };
    const timer = setTimeout(() => fail(`no answer within ${opts.timeoutMs ?? 10_000} ms`), opts.timeoutMs ?? 10_000);
    const req = agent.request({ hostname: opts.host, port: opts.port, pathname: opts.path, method: 'GET', observe: true, confirmable: true });
    req.on('error', (err: Error) => fail(err.message, err));
    req.on('response', (res: IncomingMessage) => {
      if (settled) return;
      const stream = res as Stream;
      if (!res.code.startsWith('2.') || typeof res.headers.Observe !== 'number') {
        fail(`the device answered ${res.code}${typeof res.headers.Observe === 'number' ? '' : ' without Observe'}: ${res.payload?.toString('utf8').slice(0, 200) ?? ''}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        opts.onEnd?.();
      };
      // The library sets the stream's headers and options to each notification's just before it
      // pushes the payload, so the push is where options and payload still belong together. The
      // first response is the first notification (the library pushed it already; it stays unread).
      opts.onNotification(notification(stream, res.payload));
      stream.push = (chunk: unknown): boolean => {
        if (Buffer.isBuffer(chunk)) opts.onNotification(notification(stream, chunk));
        return true;
      };
      stream.on('close', end);
      resolve({
        async cancel() {
          if (!ended) {
            // Eager deregistration (RFC 7641 §3.6): GET with Observe=1 and the same token, answered
            // or not within a second; a device that missed it gets a RST for its next notification.
            stream.close(false);
            const token = (req as unknown as { _packet: { token: Buffer } })._packet.token;
            const dereg = agent.request({ hostname: opts.host, port: opts.port, pathname: opts.path, method: 'GET', observe: 1, token, confirmable: true });
            await new Promise<void>((r) => {
              const t = setTimeout(r, 1000);
              dereg.on('response', () => { clearTimeout(t); r(); });
              dereg.on('error', () => { clearTimeout(t); r(); });
              dereg.end();
            });
          }
          end();
          await closeAgent();
        },
      });
    });
    req.end();
  });
}

function notification(stream: Stream, payload: Buffer): Notification {
  const options = new Map<number, Uint8Array>();
  let contentFormat: number | string | undefined;
  for (const o of stream.options ?? []) {
    const name = String(o.name);
    if (name === 'Content-Format') contentFormat = formatNumber(o.value);
    else if (/^\d+$/.test(name) && Buffer.isBuffer(o.value)) options.set(Number(name), new Uint8Array(o.value));
  }
  return {
    code: stream.code, observe: typeof stream.headers.Observe === 'number' ? stream.headers.Observe : 0, options, payload: new Uint8Array(payload ?? Buffer.alloc(0)),
    ...(contentFormat === undefined ? {} : { contentFormat }),
  };
}
