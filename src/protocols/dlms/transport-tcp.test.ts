// Real sockets on loopback, ephemeral ports; every server and connection is closed in `finally`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { hasCode } from '../../model/errors.ts';
import { encodeWrapper } from './framing/wrapper.ts';
import { listenDlmsTcp, openDlmsTcp, type DlmsTcpConnection, type DlmsTcpServer, type DlmsTcpServerOptions } from './transport-tcp.ts';

const HOST = '127.0.0.1';
const CLIENT = 0x10;
const SERVER = 0x01;
const T = { timeout: 15_000 };

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const echo = (apdu: Uint8Array): Uint8Array => Uint8Array.from([0xc4, ...apdu]);
const open = (port: number, extra: Partial<Parameters<typeof openDlmsTcp>[0]> = {}): Promise<DlmsTcpConnection> =>
  openDlmsTcp({ host: HOST, port, clientWPort: CLIENT, serverWPort: SERVER, connectTimeoutMs: 2000, ...extra });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withServer(opts: Omit<DlmsTcpServerOptions, 'host'> & { host?: string }, fn: (s: DlmsTcpServer) => Promise<void>): Promise<void> {
  const server = await listenDlmsTcp({ host: HOST, port: 0, ...opts });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** A hand-written peer: `onData` gets each received chunk and the socket to answer on. */
async function withRawServer(onData: (chunk: Buffer, s: net.Socket) => void, fn: (port: number) => Promise<void>): Promise<void> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.on('data', (c) => onData(c, s));
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  try {
    await fn((server.address() as net.AddressInfo).port);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
}

/** A raw client socket on `port`, collecting what it receives. */
async function rawClient(port: number): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = net.connect({ host: HOST, port });
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (c) => chunks.push(c));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise((r) => socket.once('connect', r));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const req = (apdu: Uint8Array): Uint8Array => encodeWrapper({ sourceWPort: CLIENT, destinationWPort: SERVER, apdu });
const resp = (apdu: Uint8Array): Uint8Array => encodeWrapper({ sourceWPort: SERVER, destinationWPort: CLIENT, apdu });

test('request/response round trip; ctx carries connection id, peer address and wPorts', T, async () => {
  const seen: { id: number; addr: string; port: number; c: number; s: number }[] = [];
  await withServer({ handler: (apdu, ctx) => {
    seen.push({ id: ctx.connectionId, addr: ctx.remoteAddress, port: ctx.remotePort, c: ctx.clientWPort, s: ctx.serverWPort });
    return echo(apdu);
  } }, async (server) => {
    const conn = await open(server.port);
    try {
      assert.deepEqual(await conn.request(bytes(0xc0, 1, 2), { timeoutMs: 1000 }), bytes(0xc4, 0xc0, 1, 2));
      assert.deepEqual(await conn.request(new Uint8Array(0), { timeoutMs: 1000 }), bytes(0xc4));
      assert.equal(server.connections, 1);
    } finally {
      await conn.close();
    }
    assert.equal(conn.isOpen, false);
    assert.equal(await conn.closed, undefined);
    assert.deepEqual(seen.map((s) => [s.addr, s.port, s.c, s.s]), [[HOST, conn.localPort, CLIENT, SERVER], [HOST, conn.localPort, CLIENT, SERVER]]);
    assert.equal(seen[0]!.id, seen[1]!.id);
  });
});

test('a 64 KiB APDU crosses intact; concurrent requests on one connection are queued in order', T, async () => {
  await withServer({ handler: async (apdu) => { await sleep(2); return apdu; } }, async (server) => {
    const conn = await open(server.port);
    try {
      const big = Uint8Array.from({ length: 0xffff }, (_, i) => i & 0xff);
      assert.deepEqual(await conn.request(big, { timeoutMs: 2000 }), big);
      const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => conn.request(bytes(n), { timeoutMs: 2000 })));
      assert.deepEqual(answers, [1, 2, 3, 4, 5].map((n) => bytes(n)));
    } finally {
      await conn.close();
    }
  });
});

test('client reassembles a response sent in 1-byte chunks, and splits several PDUs from one chunk', T, async () => {
  let calls = 0;
  await withRawServer((_chunk, s) => {
    calls++;
    const r = resp(bytes(0xc4, 0x01, calls));
    if (calls === 1) {
      void (async () => {
        for (const b of r) {
          s.write(Uint8Array.of(b));
          await sleep(1);
        }
      })();
    } else {
      const push = encodeWrapper({ sourceWPort: SERVER, destinationWPort: 0x66, apdu: bytes(0x0f, 9) });
      s.write(Buffer.concat([push, r, push]));
    }
  }, async (port) => {
    const conn = await open(port);
    const pushes: [number[], number][] = [];
    conn.onPush((apdu, info) => { pushes.push([[...apdu], info.destinationWPort]); });
    try {
      assert.deepEqual(await conn.request(bytes(0xc0), { timeoutMs: 2000 }), bytes(0xc4, 0x01, 1));
      assert.deepEqual(await conn.request(bytes(0xc0), { timeoutMs: 2000 }), bytes(0xc4, 0x01, 2));
      await until(() => pushes.length === 2);
      assert.deepEqual(pushes, [[[0x0f, 9], 0x66], [[0x0f, 9], 0x66]]);
    } finally {
      await conn.close();
    }
  });
});

test('server reassembles 1-byte chunks and answers several pipelined PDUs in order', T, async () => {
  await withServer({ handler: async (apdu) => { await sleep(3 - apdu[0]!); return echo(apdu); } }, async (server) => {
    const c = await rawClient(server.port);
    try {
      for (const b of req(bytes(0))) {
        c.socket.write(Uint8Array.of(b));
        await sleep(1);
      }
      c.socket.write(Buffer.concat([req(bytes(1)), req(bytes(2)), req(bytes(3))]));
      const want = Buffer.concat([0, 1, 2, 3].map((n) => resp(bytes(0xc4, n))));
      await until(() => c.received().length >= want.length);
      assert.deepEqual(c.received(), want);
    } finally {
      c.socket.destroy();
    }
  });
});

test('timeout: server never answers → TIMEOUT within the bound, socket closed, queued request CLOSED', T, async () => {
  await withServer({ handler: () => new Promise<undefined>(() => undefined) }, async (server) => {
    const conn = await open(server.port);
    const t0 = Date.now();
    const first = conn.request(bytes(0xc0, 1), { timeoutMs: 150 });
    const queued = conn.request(bytes(0xc0, 2), { timeoutMs: 5000 });
    await assert.rejects(first, (e) => hasCode(e, 'DLMS_TRANSPORT_TIMEOUT'));
    const took = Date.now() - t0;
    assert.ok(took >= 140 && took < 1500, `timed out after ${took} ms`);
    await assert.rejects(queued, (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
    const reason = await conn.closed;
    assert.ok(hasCode(reason, 'DLMS_TRANSPORT_TIMEOUT'));
    assert.equal(conn.isOpen, false);
    await until(() => server.connections === 0);
    await assert.rejects(conn.request(bytes(0xc0), { timeoutMs: 100 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
  });
});

test('a late response is never delivered to the next request', T, async () => {
  let late = 0;
  await withRawServer((_c, s) => { setTimeout(() => { late++; if (!s.destroyed) s.write(resp(bytes(0xc4, 0xee))); }, 200); }, async (port) => {
    const conn = await open(port);
    try {
      await assert.rejects(conn.request(bytes(0xc0, 1), { timeoutMs: 50 }), (e) => hasCode(e, 'DLMS_TRANSPORT_TIMEOUT'));
      await assert.rejects(conn.request(bytes(0xc0, 2), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
      await sleep(250);
      assert.equal(late, 1);
    } finally {
      await conn.close();
    }
  });
});

test('a request that times out while queued is dropped without closing the connection', T, async () => {
  await withServer({ handler: async (apdu) => { await sleep(150); return apdu; } }, async (server) => {
    const conn = await open(server.port);
    try {
      const slow = conn.request(bytes(1), { timeoutMs: 2000 });
      await assert.rejects(conn.request(bytes(2), { timeoutMs: 30 }), (e) => hasCode(e, 'DLMS_TRANSPORT_TIMEOUT'));
      assert.deepEqual(await slow, bytes(1));
      assert.equal(conn.isOpen, true);
      assert.deepEqual(await conn.request(bytes(3), { timeoutMs: 2000 }), bytes(3));
    } finally {
      await conn.close();
    }
  });
});

test('a response from the wrong wPorts is rejected and the connection closed', T, async () => {
  await withRawServer((_c, s) => s.write(encodeWrapper({ sourceWPort: 0x02, destinationWPort: CLIENT, apdu: bytes(0xc4) })), async (port) => {
    const conn = await open(port);
    try {
      await assert.rejects(conn.request(bytes(0xc0), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_WPORT_MISMATCH'));
      assert.ok(hasCode(await conn.closed, 'DLMS_TRANSPORT_WPORT_MISMATCH'));
    } finally {
      await conn.close();
    }
  });
});

test('a bad wrapper header from the server → typed framing error and the socket is closed', T, async () => {
  await withRawServer((_c, s) => s.write(bytes(0x00, 0x02, 0, SERVER, 0, CLIENT, 0, 1, 0xc4)), async (port) => {
    const conn = await open(port);
    try {
      await assert.rejects(conn.request(bytes(0xc0), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_WRAPPER_BAD_VERSION'));
      assert.ok(hasCode(await conn.closed, 'DLMS_WRAPPER_BAD_VERSION'));
    } finally {
      await conn.close();
    }
  });
});

test('server closes a connection that sends a bad header or an oversize PDU and reports it', T, async () => {
  const errors: unknown[] = [];
  await withServer({ maxPduLength: 16, handler: echo, onError: (e) => errors.push(e) }, async (server) => {
    const bad = await rawClient(server.port);
    bad.socket.write(bytes(0x00, 0x07, 0, CLIENT, 0, SERVER, 0, 0));
    await bad.closed;
    const big = await rawClient(server.port);
    big.socket.write(req(new Uint8Array(17)));
    await big.closed;
    assert.deepEqual(errors.map((e) => hasCode(e, 'DLMS_WRAPPER_BAD_VERSION') || hasCode(e, 'DLMS_FRAME_TOO_LONG')), [true, true]);
    const ok = await open(server.port);
    try {
      assert.deepEqual(await ok.request(bytes(1), { timeoutMs: 1000 }), bytes(0xc4, 1));
    } finally {
      await ok.close();
    }
  });
});

test('handler throws → that connection is closed, onError called, the server keeps serving others', T, async () => {
  const errors: [unknown, number][] = [];
  await withServer({
    handler: (apdu) => {
      if (apdu[0] === 0xff) throw new Error('boom');
      if (apdu[0] === 0xfe) return Promise.reject(new Error('async boom'));
      return echo(apdu);
    },
    onError: (err, conn) => errors.push([err, conn.connectionId]),
  }, async (server) => {
    const a = await open(server.port);
    const b = await open(server.port);
    try {
      assert.deepEqual(await b.request(bytes(1), { timeoutMs: 1000 }), bytes(0xc4, 1));
      await assert.rejects(a.request(bytes(0xff), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
      assert.deepEqual(await b.request(bytes(2), { timeoutMs: 1000 }), bytes(0xc4, 2));
      await assert.rejects(b.request(bytes(0xfe), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
      const c = await open(server.port);
      try {
        assert.deepEqual(await c.request(bytes(3), { timeoutMs: 1000 }), bytes(0xc4, 3));
      } finally {
        await c.close();
      }
      assert.equal(errors.length, 2);
      assert.deepEqual(errors.map(([e]) => (e as Error).message), ['boom', 'async boom']);
      assert.notEqual(errors[0]![1], errors[1]![1]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

test('push: unsolicited PDUs before a response and while idle reach onPush; handler errors are contained', T, async () => {
  let held: ((apdu: Uint8Array) => void) | undefined;
  await withServer({ handler: (apdu, ctx) => {
    ctx.push(bytes(0x0f, 0x00, 0x01));
    held = ctx.push;
    return echo(apdu);
  } }, async (server) => {
    const errors: unknown[] = [];
    const conn = await open(server.port, { onError: (e) => errors.push(e) });
    const got: [number[], number, number][] = [];
    const off = conn.onPush((apdu, info) => { got.push([[...apdu], info.sourceWPort, info.destinationWPort]); });
    conn.onPush(() => { throw new Error('bad push handler'); });
    conn.onPush(() => Promise.reject(new Error('bad async push handler')));
    try {
      assert.deepEqual(await conn.request(bytes(0xc0), { timeoutMs: 1000 }), bytes(0xc4, 0xc0));
      held!(bytes(0xc2, 0x07));
      await until(() => got.length === 2 && errors.length === 4);
      assert.deepEqual(got, [[[0x0f, 0x00, 0x01], SERVER, CLIENT], [[0xc2, 0x07], SERVER, CLIENT]]);
      off();
      held!(bytes(0x0f, 0x02));
      assert.deepEqual(await conn.request(bytes(0xc1), { timeoutMs: 1000 }), bytes(0xc4, 0xc1));
      assert.equal(got.length, 2);
      assert.equal(conn.isOpen, true);
    } finally {
      await conn.close();
    }
    await until(() => server.connections === 0);
    assert.throws(() => held!(bytes(0x0f)), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
  });
});

test('200 concurrent connections × 20 requests against one server pair every response correctly', { timeout: 60_000 }, async () => {
  await withServer({ handler: async (apdu) => { if (apdu[2]! % 3 === 0) await sleep(1); return echo(apdu); } }, async (server) => {
    const conns = await Promise.all(Array.from({ length: 200 }, () => open(server.port, { connectTimeoutMs: 10_000 })));
    try {
      const results = await Promise.all(conns.map(async (conn, c) => {
        let ok = 0;
        for (let i = 0; i < 20; i++) {
          const apdu = bytes(0xc0, c >> 8, c & 0xff, i);
          const answer = await conn.request(apdu, { timeoutMs: 20_000 });
          assert.deepEqual(answer, bytes(0xc4, 0xc0, c >> 8, c & 0xff, i));
          ok++;
        }
        return ok;
      }));
      assert.equal(results.reduce((a, b) => a + b, 0), 4000);
      assert.equal(server.connections, 200);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });
});

test('connection refused → DLMS_TRANSPORT_REFUSED, no unhandled error', T, async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, HOST, r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  await assert.rejects(open(port), (e) => hasCode(e, 'DLMS_TRANSPORT_REFUSED') && (e as Error).cause !== undefined);
});

test('peer reset while a request is pending → DLMS_TRANSPORT_CLOSED', T, async () => {
  await withRawServer((_c, s) => s.resetAndDestroy(), async (port) => {
    const conn = await open(port);
    await assert.rejects(conn.request(bytes(0xc0), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
    assert.ok(hasCode(await conn.closed, 'DLMS_TRANSPORT_CLOSED'));
  });
});

test('invalid options are typed CONFIG_INVALID errors', T, async () => {
  await assert.rejects(open(4059, { clientWPort: 70000 }), (e) => hasCode(e, 'CONFIG_INVALID'));
  await assert.rejects(open(4059, { connectTimeoutMs: 0 }), (e) => hasCode(e, 'CONFIG_INVALID'));
  await assert.rejects(listenDlmsTcp({ host: HOST, port: 0, maxConnections: 0, handler: echo }), (e) => hasCode(e, 'CONFIG_INVALID'));
  await withServer({ handler: echo }, async (server) => {
    const conn = await open(server.port);
    try {
      await assert.rejects(conn.request(bytes(1), { timeoutMs: -1 }), (e) => hasCode(e, 'CONFIG_INVALID'));
      await assert.rejects(conn.request(new Uint8Array(0x10000), { timeoutMs: 100 }), (e) => hasCode(e, 'DLMS_FRAME_TOO_LONG'));
      assert.equal(conn.isOpen, true);
    } finally {
      await conn.close();
    }
  });
});

test('idle connections are closed after idleTimeoutMs; maxConnections turns extra connections away', T, async () => {
  await withServer({ idleTimeoutMs: 100, maxConnections: 1, handler: echo }, async (server) => {
    const a = await open(server.port);
    try {
      assert.deepEqual(await a.request(bytes(1), { timeoutMs: 1000 }), bytes(0xc4, 1));
      const b = await open(server.port);
      await assert.rejects(b.request(bytes(2), { timeoutMs: 1000 }), (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
      const t0 = Date.now();
      assert.ok(hasCode(await a.closed, 'DLMS_TRANSPORT_CLOSED'));
      assert.ok(Date.now() - t0 < 1000);
    } finally {
      await a.close();
    }
  });
});

test('the idle timer does not close a connection while its handler is still working', T, async () => {
  await withServer({ idleTimeoutMs: 60, handler: async (apdu) => { await sleep(200); return apdu; } }, async (server) => {
    const conn = await open(server.port);
    try {
      assert.deepEqual(await conn.request(bytes(5), { timeoutMs: 2000 }), bytes(5));
      assert.ok(hasCode(await conn.closed, 'DLMS_TRANSPORT_CLOSED'));
    } finally {
      await conn.close();
    }
  });
});

test('servers on 127.0.0.2 and 127.0.0.3 share one port; the client can pick its source address', T, async () => {
  const s2 = await listenDlmsTcp({ host: '127.0.0.2', port: 0, handler: (apdu, ctx) => Uint8Array.from([2, ...ctx.remoteAddress.split('.').map(Number), ...apdu]) });
  try {
    const s3 = await listenDlmsTcp({ host: '127.0.0.3', port: s2.port, handler: () => bytes(3) });
    try {
      assert.equal(s3.port, s2.port);
      assert.equal(s2.host, '127.0.0.2');
      const c2 = await openDlmsTcp({ host: '127.0.0.2', port: s2.port, localAddress: '127.0.0.9', clientWPort: CLIENT, serverWPort: SERVER, connectTimeoutMs: 1000 });
      const c3 = await openDlmsTcp({ host: '127.0.0.3', port: s2.port, clientWPort: CLIENT, serverWPort: SERVER, connectTimeoutMs: 1000 });
      try {
        assert.deepEqual(await c2.request(bytes(7), { timeoutMs: 1000 }), bytes(2, 127, 0, 0, 9, 7));
        assert.deepEqual(await c3.request(bytes(7), { timeoutMs: 1000 }), bytes(3));
        assert.equal(c2.remoteAddress, '127.0.0.2');
      } finally {
        await c2.close();
        await c3.close();
      }
    } finally {
      await s3.close();
    }
    await assert.rejects(listenDlmsTcp({ host: '127.0.0.2', port: s2.port, handler: echo }), (e) => hasCode(e, 'PORT_IN_USE'));
  } finally {
    await s2.close();
  }
});

test('close() destroys open connections and leaves no socket or timer behind', T, async () => {
  const count = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;
  await until(() => count('TCPSocketWrap') + count('TCPServerWrap') === 0); // earlier tests' handles finish closing
  const baseTimers = count('Timeout');
  const server = await listenDlmsTcp({ host: HOST, port: 0, idleTimeoutMs: 60_000, handler: () => new Promise<undefined>(() => undefined) });
  const conns = await Promise.all([open(server.port), open(server.port), open(server.port)]);
  const pending = conns.map((c) => c.request(bytes(1), { timeoutMs: 60_000 }));
  await until(() => server.connections === 3);
  await server.close();
  for (const p of pending) await assert.rejects(p, (e) => hasCode(e, 'DLMS_TRANSPORT_CLOSED'));
  await Promise.all(conns.map((c) => c.closed));
  await sleep(10);
  assert.equal(count('TCPSocketWrap'), 0);
  assert.equal(count('TCPServerWrap'), 0);
  assert.ok(count('Timeout') <= baseTimers, String(process.getActiveResourcesInfo()));
  assert.equal(server.connections, 0);
});

test('a process that used server and clients exits by itself after close()', T, async () => {
  const url = new URL('./transport-tcp.ts', import.meta.url).href;
  const script = `
    import { listenDlmsTcp, openDlmsTcp } from ${JSON.stringify(url)};
    const server = await listenDlmsTcp({ host: '127.0.0.1', port: 0, idleTimeoutMs: 60000,
      handler: (apdu, ctx) => { ctx.push(Uint8Array.of(0x0f)); return apdu[0] === 9 ? new Promise(() => {}) : apdu; } });
    const conns = await Promise.all([1, 2, 3].map(() => openDlmsTcp({ host: '127.0.0.1', port: server.port, clientWPort: 16, serverWPort: 1, connectTimeoutMs: 60000 })));
    let pushes = 0;
    for (const c of conns) { c.onPush(() => { pushes++; }); await c.request(Uint8Array.of(1), { timeoutMs: 60000 }); }
    await conns[0].request(Uint8Array.of(9), { timeoutMs: 50 }).catch((e) => console.log(e.code));
    const hanging = conns[1].request(Uint8Array.of(9), { timeoutMs: 60000 }).catch((e) => console.log(e.code));
    await conns[2].close();
    await server.close();
    await hanging;
    console.log('pushes', pushes);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  clearTimeout(killer);
  assert.equal(signal, null, 'the child had to be killed: something stayed open');
  assert.equal(code, 0, err);
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), ['DLMS_TRANSPORT_TIMEOUT', 'DLMS_TRANSPORT_CLOSED']);
  // 3 answered requests + the timed-out one push before answering; the last may race server.close()
  assert.match(lines[2] ?? '', /^pushes [45]$/);
});
