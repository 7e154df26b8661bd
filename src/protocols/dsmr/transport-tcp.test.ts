/**
 * The P1 TCP client against a real loopback server that behaves like a ser2net gateway: it streams
 * telegrams in odd chunks, drops the client, goes quiet. Ephemeral ports; every test bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseTelegram } from './telegram.ts';
import { p1TcpFrames, type P1Frame, type P1Status } from './transport-tcp.ts';
import { fixed, formatTelegram } from './writer.ts';

const telegram = (i: number): Buffer => Buffer.from(formatTelegram('ISK5\\2M550T-1011', [`0-0:96.1.1(4530)`, `1-0:1.8.1(${fixed(i, 9, 3)}*kWh)`]), 'latin1');
const registerOf = (f: P1Frame): number => {
  const v = parseTelegram(f.bytes, { requireValidCrc: true }).objects[1]!.value;
  return v.kind === 'number' ? v.value : NaN;
};

/** Writes `data` in chunks of 1..13 bytes with a little delay, like a serial line through a gateway. */
async function trickle(socket: Socket, data: Buffer): Promise<void> {
  for (let i = 0; i < data.length && !socket.destroyed;) {
    const n = 1 + ((i * 7) % 13);
    socket.write(data.subarray(i, i + n));
    i += n;
    if (i % 5 === 0) await new Promise((r) => setImmediate(r));
  }
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function collect(frames: AsyncIterable<P1Frame>, n: number, stop: AbortController): Promise<P1Frame[]> {
  const out: P1Frame[] = [];
  for await (const f of frames) {
    out.push(f);
    if (out.length === n) stop.abort();
  }
  return out;
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

test('streams telegrams cut into odd chunks, with noise; reconnects after the gateway drops it', async () => {
  let connections = 0;
  const server = createServer((socket) => {
    const c = connections++;
    socket.on('error', () => undefined);
    void (async () => {
      // First connection: half a telegram of leftovers, two telegrams, then the gateway drops us mid-telegram.
      if (c === 0) {
        await trickle(socket, Buffer.concat([telegram(99).subarray(30), telegram(1), Buffer.from('\r\n\x00'), telegram(2), telegram(3).subarray(0, 25)]));
        socket.destroy();
      } else {
        await trickle(socket, Buffer.concat([telegram(3), telegram(4)]));
      }
    })();
  });
  const port = await listen(server);
  const stop = new AbortController();
  const statuses: P1Status[] = [];
  try {
    const frames = await within(collect(p1TcpFrames({ host: '127.0.0.1', port, signal: stop.signal, backoff: { initialMs: 20, maxMs: 100 }, onStatus: (s) => statuses.push(s) }), 4, stop), 10_000);
    assert.deepEqual(frames.map(registerOf), [1, 2, 3, 4], 'the cut-off telegram is dropped, nothing else is lost');
    assert.ok(frames.every((f) => f.kind === 'telegram' && Number.isInteger(f.receivedAt)));
    assert.equal(connections, 2);
    assert.deepEqual(statuses.filter((s) => s.kind === 'connected').length, 2);
    assert.ok(statuses.some((s) => s.kind === 'disconnected'));
    assert.ok(statuses.some((s) => s.kind === 'skipped'), 'the leftovers before the first "/" are reported');
  } finally {
    server.close();
  }
});

test('a refused connection is retried with growing delays until the gateway is up', async () => {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  const stop = new AbortController();
  const statuses: P1Status[] = [];
  const server = createServer((socket) => { socket.on('error', () => undefined); socket.end(telegram(7)); });
  const frames = collect(p1TcpFrames({ host: '127.0.0.1', port, signal: stop.signal, backoff: { initialMs: 20, maxMs: 80 }, onStatus: (s) => statuses.push(s) }), 1, stop);
  try {
    // Let it fail a few times before the gateway comes up.
    await within((async () => { while (statuses.filter((s) => s.kind === 'retrying').length < 3) await new Promise((r) => setTimeout(r, 10)); })(), 5_000);
    await listen(server, port);
    assert.deepEqual((await within(frames, 5_000)).map(registerOf), [7]);
    const delays = statuses.flatMap((s) => (s.kind === 'retrying' ? [s.inMs] : []));
    assert.deepEqual(delays.slice(0, 3), [20, 40, 80]);
  } finally {
    stop.abort();
    server.close();
  }
});

test('a gateway that goes quiet is dropped after the idle timeout; aborting ends the stream promptly', async () => {
  let connections = 0;
  const sockets: Socket[] = [];
  const server = createServer((socket) => { connections++; sockets.push(socket); socket.on('error', () => undefined); });
  const port = await listen(server);
  const stop = new AbortController();
  const statuses: P1Status[] = [];
  const done = collect(p1TcpFrames({ host: '127.0.0.1', port, signal: stop.signal, idleTimeoutMs: 100, backoff: { initialMs: 10 }, onStatus: (s) => statuses.push(s) }), 1, stop);
  try {
    await within((async () => { while (connections < 2) await new Promise((r) => setTimeout(r, 10)); })(), 5_000);
    assert.ok(statuses.some((s) => s.kind === 'disconnected' && /no data for 100 ms/.test(s.reason)));
    stop.abort();
    assert.deepEqual(await within(done, 2_000), []);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});
