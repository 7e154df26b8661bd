import { headers, url } from './api.ts';

/**
 * Server-sent events read with fetch, not EventSource: fetch can send the Bearer header of an API
 * key as well as the session cookie. Reconnects with backoff until `signal` aborts.
 */
export function listen(path: string, query: Record<string, string | undefined>, onEvent: (event: string, data: unknown) => void,
  signal: AbortSignal, onState?: (connected: boolean) => void): void {
  let delay = 1000;
  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        const res = await fetch(url(path, query), { headers: headers({ accept: 'text/event-stream' }), credentials: 'same-origin', signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState?.(true);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length) onEvent(event, JSON.parse(data.join('\n')));
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      onState?.(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
}
