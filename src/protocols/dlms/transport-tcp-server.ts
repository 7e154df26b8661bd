/**
 * DLMS/COSEM server side over TCP (IEC 62056-47 wrapper): what a simulated meter listens with,
 * or what a head-end listens with for meters that connect in to push. APDU-agnostic: `handler`
 * gets each request APDU and returns the response APDU (or undefined for none).
 *
 * - Requests of one connection are handled strictly in order; connections run independently.
 * - The response goes back with the request's wPorts swapped.
 * - A handler that throws or rejects, a bad wrapper header or a PDU over `maxPduLength` closes
 *   that connection only and is reported to `onError`; the server keeps serving.
 * - Binding to any loopback address works (127.x.y.z), so a simulated fleet can give every meter
 *   its own address on port 4059.
 */
import net from 'node:net';
import { MeterstackError } from '../../model/errors.ts';
import { DLMS_PORT, WrapperReader, encodeWrapper } from './framing/wrapper.ts';
import { checkPort, checkPositive, closedError, socketError } from './transport-tcp-errors.ts';

export interface DlmsTcpConnectionInfo {
  readonly connectionId: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

export interface DlmsTcpRequestContext extends DlmsTcpConnectionInfo {
  /** wPort the request came from (the client's). */
  readonly clientWPort: number;
  /** wPort the request was addressed to (this logical device's). */
  readonly serverWPort: number;
  /** Sends an unsolicited PDU (serverWPort → clientWPort); throws DLMS_TRANSPORT_CLOSED once closed. */
  push(apdu: Uint8Array): void;
}

export type DlmsTcpHandler = (apdu: Uint8Array, ctx: DlmsTcpRequestContext) => Promise<Uint8Array | undefined> | Uint8Array | undefined;

export interface DlmsTcpServerOptions {
  readonly host: string;
  /** Default 4059; 0 picks an ephemeral port (see the returned `port`). */
  readonly port?: number;
  readonly maxConnections?: number;
  /** Largest accepted request APDU (default 65535). */
  readonly maxPduLength?: number;
  /** Closes a connection that has been silent this long. */
  readonly idleTimeoutMs?: number;
  readonly handler: DlmsTcpHandler;
  /**
   * Called once per connection closed by a handler failure (the thrown value as is) or a framing
   * DlmsError; accept errors come with connectionId 0.
   */
  readonly onError?: (err: unknown, conn: DlmsTcpConnectionInfo) => void;
}

export interface DlmsTcpServer {
  readonly host: string;
  readonly port: number;
  /** Connections open right now. */
  readonly connections: number;
  /** Stops listening, destroys open connections, resolves when all of them are closed. */
  close(): Promise<void>;
}

/** Reading stops while the handler is busy and this much is already buffered (TCP backpressure). */
const HIGH_WATER = 256 * 1024;

function serveConnection(socket: net.Socket, id: number, opts: DlmsTcpServerOptions): void {
  const info: DlmsTcpConnectionInfo = {
    connectionId: id,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
  };
  const reader = new WrapperReader(opts.maxPduLength === undefined ? {} : { maxLength: opts.maxPduLength });
  let busy = false;

  const report = (err: unknown): void => {
    try {
      opts.onError?.(err, info);
    } catch {
      // a throwing onError must not take the server down
    }
  };
  const send = (sourceWPort: number, destinationWPort: number, apdu: Uint8Array): void => {
    if (socket.destroyed) throw closedError(`DLMS connection ${id} to ${info.remoteAddress}:${info.remotePort} is closed`);
    socket.write(encodeWrapper({ sourceWPort, destinationWPort, apdu }));
  };

  const drain = async (): Promise<void> => {
    busy = true;
    try {
      for (;;) {
        if (socket.destroyed) return;
        const pdu = reader.next();
        if (pdu === undefined) return;
        const clientWPort = pdu.sourceWPort;
        const serverWPort = pdu.destinationWPort;
        const ctx: DlmsTcpRequestContext = { ...info, clientWPort, serverWPort, push: (apdu) => send(serverWPort, clientWPort, apdu) };
        const out = await opts.handler(pdu.apdu, ctx);
        if (out !== undefined && !socket.destroyed) send(serverWPort, clientWPort, out);
      }
    } catch (err) {
      if (!socket.destroyed) report(err); // framing DlmsError, or whatever the handler threw
      socket.destroy();
    } finally {
      busy = false;
      if (socket.isPaused() && !socket.destroyed) socket.resume();
    }
  };

  socket.setNoDelay(true);
  // idle = no traffic and no request being handled. A persistent listener (setTimeout's own callback
  // is a `once`), since Node re-activates the fired timer on the next read or write.
  if (opts.idleTimeoutMs !== undefined) {
    socket.setTimeout(opts.idleTimeoutMs);
    socket.on('timeout', () => { if (!busy) socket.destroy(); });
  }
  socket.on('error', () => socket.destroy()); // resets by the peer are its business; 'close' follows
  socket.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    if (busy) {
      if (reader.buffered > HIGH_WATER) socket.pause();
      return;
    }
    void drain();
  });
}

function listenError(err: unknown, host: string, port: number): Error {
  if ((err as { code?: unknown } | null)?.code === 'EADDRINUSE') {
    return new MeterstackError('PORT_IN_USE', `${host}:${port} is already in use`, { cause: err });
  }
  return socketError(err, `DLMS listen on ${host}:${port}`);
}

/** Starts listening; resolves once bound (PORT_IN_USE / DLMS_TRANSPORT_FAILED otherwise). */
export function listenDlmsTcp(opts: DlmsTcpServerOptions): Promise<DlmsTcpServer> {
  const wanted = opts.port ?? DLMS_PORT;
  try {
    checkPort(wanted, 'port');
    if (opts.idleTimeoutMs !== undefined) checkPositive(opts.idleTimeoutMs, 'idleTimeoutMs');
    if (opts.maxConnections !== undefined && (!Number.isInteger(opts.maxConnections) || opts.maxConnections < 1)) {
      throw new MeterstackError('CONFIG_INVALID', `maxConnections must be a positive integer, got ${opts.maxConnections}`);
    }
  } catch (err) {
    return Promise.reject(err);
  }
  const sockets = new Set<net.Socket>();
  let nextId = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, ++nextId, opts);
  });
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections;
  let closing: Promise<void> | undefined;

  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, opts.host, wanted)));
    server.listen({ host: opts.host, port: wanted }, () => {
      server.removeAllListeners('error');
      const address = server.address() as net.AddressInfo;
      // after listen, net.Server errors only on accept (e.g. EMFILE): report it and keep serving
      const self: DlmsTcpConnectionInfo = { connectionId: 0, remoteAddress: '', remotePort: 0, localAddress: address.address, localPort: address.port };
      server.on('error', (err) => {
        try {
          opts.onError?.(socketError(err, 'DLMS accept'), self);
        } catch {
          // as in report(): a throwing onError must not take the server down
        }
      });
      resolve({
        host: address.address,
        port: address.port,
        get connections() {
          return sockets.size;
        },
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          });
          return closing;
        },
      });
    });
  });
}
