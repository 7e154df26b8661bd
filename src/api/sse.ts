import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  send(event: string, data: unknown): void;
  /** Called once when the client goes away or the server closes. */
  onClose(fn: () => void): void;
}

const PING_MS = 20_000;

/**
 * Server-sent events on a hijacked reply. Open streams would keep `app.close()` waiting, so every
 * stream of `app` is ended in its preClose hook.
 */
export function sseStreams(app: FastifyInstance): (req: FastifyRequest, reply: FastifyReply) => SseStream {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  return (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 5000\n\n');
    const closers: (() => void)[] = [];
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(ping);
      open.delete(end);
      for (const fn of closers) fn();
      res.end();
    };
    open.add(end);
    req.raw.on('close', end);
    res.on('error', end);
    return {
      send(event, data) {
        if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      onClose(fn) {
        if (ended) fn();
        else closers.push(fn);
      },
    };
  };
}
