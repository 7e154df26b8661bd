import type { IncomingMessage } from 'coap';
import { MeterstackError } from '../../model/index.ts';
import { SIGNATURE_OPTION } from './manifest.ts';
import { newAgent } from './transport-agent.ts';

/**
 * A device's side of a push: POST one signed payload to `/r/<meter id>` and wait for the answer.
 * Used by the simulated CoAP devices and the tests; a real device does the same with libcoap.
 */
export interface PostOptions {
  readonly host: string;
  readonly port: number;
  readonly meterId: string;
  readonly payload: Uint8Array;
  readonly contentFormat: number;
  readonly signature?: Uint8Array;
  readonly confirmable?: boolean;
  readonly timeoutMs?: number;
}

export interface PostAnswer {
  readonly code: string;
  readonly payload: Uint8Array;
}

export function postReading(opts: PostOptions): Promise<PostAnswer> {
  const own = newAgent(opts.host);
  const agent = own.agent;
  const done = <T>(v: T): Promise<T> => own.close().then(() => v);
  return new Promise<PostAnswer>((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      void done(undefined).then(() => reject(new MeterstackError('COAP_TIMEOUT', `no answer from coap://${opts.host}:${opts.port} within ${timeoutMs} ms`)));
    }, timeoutMs);
    const req = agent.request({
      hostname: opts.host, port: opts.port, method: 'POST', pathname: `/r/${encodeURIComponent(opts.meterId)}`, confirmable: opts.confirmable ?? true,
    });
    req.setOption('Content-Format', opts.contentFormat);
    if (opts.signature !== undefined) req.setOption(String(SIGNATURE_OPTION) as 'Content-Format', Buffer.from(opts.signature));
    req.on('error', (err: Error) => { clearTimeout(timer); void done(undefined).then(() => reject(err)); });
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      void done({ code: res.code, payload: new Uint8Array(res.payload ?? Buffer.alloc(0)) }).then(resolve);
    });
    req.end(Buffer.from(opts.payload));
  });
}
