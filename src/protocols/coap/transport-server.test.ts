import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { decodeDatagram, encodeDatagram, text } from './datagram.fixture.ts';
import { startCoapServer } from './transport-server.ts';

test('server: random datagrams never take it down; it still answers afterwards', { timeout: 20_000 }, async () => {
  const seen: string[] = [];
  const server = await startCoapServer({ port: 0, handle: async (r) => { seen.push(r.path.join('/')); return { code: '2.04' }; } });
  const sock = createSocket('udp4');
  const answers: Uint8Array[] = [];
  sock.on('message', (m) => answers.push(new Uint8Array(m)));
  try {
    const junk = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 64 }), { numRuns: 300, seed: 42 });
    for (const j of junk) sock.send(j, server.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    const ping = encodeDatagram({ type: 'CON', code: '0.02', messageId: 4242, token: Uint8Array.of(9), options: [[11, text('alive')]] });
    sock.send(ping, server.port, '127.0.0.1');
    const end = Date.now() + 3000;
    while (!answers.some((a) => decodeDatagram(a).messageId === 4242) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const reply = answers.map(decodeDatagram).find((a) => a.messageId === 4242);
    assert.equal(reply?.code, '2.04');
    assert.ok(seen.includes('alive'));
  } finally {
    sock.close();
    await server.close();
  }
});

test('server: a taken port is refused with EADDRINUSE, not silently shared', { timeout: 10_000 }, async () => {
  const first = await startCoapServer({ port: 0, handle: async () => ({ code: '2.04' }) });
  try {
    await assert.rejects(startCoapServer({ port: first.port, handle: async () => ({ code: '2.04' }) }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE');
  } finally {
    await first.close();
  }
});
