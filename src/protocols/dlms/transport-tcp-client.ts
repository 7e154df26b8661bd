/**
 * DLMS/COSEM client over TCP (IEC 62056-47 wrapper, port 4059). APDU-agnostic: it moves APDU
 * byte strings in wrapper PDUs; association and APDU coding belong to the layers above.
 *
 * - One request on the wire at a time; further requests wait in order.
 * - `timeoutMs` bounds the whole wait (queue + wire). A request that times out while queued is
 *   just dropped; one that times out on the wire closes the socket, so a late response can never
 *   be paired with the next request. Everything still queued then fails with DLMS_TRANSPORT_CLOSED.
 * - A response must come from the swapped wPort pair (server → client), else
 *   DLMS_TRANSPORT_WPORT_MISMATCH and the socket is closed.
 * - A bad wrapper header (version, length) fails the request with the framing DlmsError and closes
 *   the socket: a TCP byte stream cannot be resynchronised.
 * - Unsolicited PDUs (data-notification, event-notification) go to `onPush` handlers. While no
 *   request is on the wire every PDU is unsolicited; while one is, `isUnsolicited` decides
 *   (default: by APDU tag, see DEFAULT_PUSH_TAGS; pass your own for ciphered pushes).
 * - Socket errors never surface as an 'error' event: they become typed DlmsErrors.
 */
import net from 'node:net';
import { DlmsError } from './errors.ts';
import { DLMS_PORT, WrapperReader, encodeWrapper, type WrapperPdu } from './framing/wrapper.ts';
import { checkPort, checkPositive, closedError, socketError } from './transport-tcp-errors.ts';

/** data-notification, event-notification-request, glo-event-notification (DOMAIN.md §2.5). */
export const DEFAULT_PUSH_TAGS: ReadonlySet<number> = new Set([0x0f, 0xc2, 0xca]);

export const isPushByTag = (pdu: WrapperPdu): boolean => DEFAULT_PUSH_TAGS.has(pdu.apdu[0] ?? -1);

export interface DlmsTcpClientOptions {
  readonly host: string;
  readonly port?: number;
  readonly clientWPort: number;
  readonly serverWPort: number;
  readonly connectTimeoutMs: number;
  /** Local address to bind, e.g. to pick the source address in a 127/8 simulated fleet. */
  readonly localAddress?: string;
  /** Largest accepted incoming APDU (default 65535). */
  readonly maxPduLength?: number;
  /** Decides, while a request is on the wire, whether an incoming PDU is a push. */
  readonly isUnsolicited?: (pdu: WrapperPdu) => boolean;
  /** Called when a push handler throws or rejects; such failures never close the connection. */
  readonly onError?: (err: unknown) => void;
}

export interface DlmsPushInfo {
  readonly sourceWPort: number;
  readonly destinationWPort: number;
}

export type DlmsPushHandler = (apdu: Uint8Array, info: DlmsPushInfo) => void | Promise<void>;

export interface DlmsTcpConnection {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** False once the connection failed or was closed. */
  readonly isOpen: boolean;
  /** Resolves once the socket is closed: with the reason, or undefined after `close()`. */
  readonly closed: Promise<DlmsError | undefined>;
  request(apdu: Uint8Array, opts: { readonly timeoutMs: number }): Promise<Uint8Array>;
  /** Subscribes to unsolicited PDUs; returns the unsubscribe function. */
  onPush(handler: DlmsPushHandler): () => void;
  close(): Promise<void>;
}

interface Pending {
  readonly frame: Uint8Array;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (apdu: Uint8Array) => void;
  readonly reject: (err: DlmsError) => void;
}

class TcpConnection implements DlmsTcpConnection {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly closed: Promise<DlmsError | undefined>;
  private readonly reader: WrapperReader;
  private readonly queue: Pending[] = [];
  private readonly pushHandlers = new Set<DlmsPushHandler>();
  private inflight: Pending | undefined;
  private failure: DlmsError | undefined;
  private ended = false;

  constructor(private readonly socket: net.Socket, private readonly opts: DlmsTcpClientOptions) {
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.reader = new WrapperReader(opts.maxPduLength === undefined ? {} : { maxLength: opts.maxPduLength });
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.fail(closedError('connection closed'));
      resolve(this.failure);
    }));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(socketError(err, `DLMS connection to ${this.remoteAddress}:${this.remotePort}`)));
    socket.on('end', () => this.fail(closedError(`peer ${this.remoteAddress}:${this.remotePort} closed the connection`
      + (this.reader.buffered > 0 ? ` inside a PDU (${this.reader.buffered} bytes pending)` : ''))));
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  request(apdu: Uint8Array, opts: { readonly timeoutMs: number }): Promise<Uint8Array> {
    if (this.ended) return Promise.reject(closedError('DLMS connection is closed', this.failure));
    let frame: Uint8Array;
    try {
      checkPositive(opts.timeoutMs, 'timeoutMs');
      frame = encodeWrapper({ sourceWPort: this.opts.clientWPort, destinationWPort: this.opts.serverWPort, apdu });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => this.onTimeout(pending, opts.timeoutMs), opts.timeoutMs);
      const pending: Pending = { frame, timer, resolve, reject };
      this.queue.push(pending);
      this.pump();
    });
  }

  onPush(handler: DlmsPushHandler): () => void {
    this.pushHandlers.add(handler);
    return () => this.pushHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.fail(undefined);
    await this.closed;
  }

  private pump(): void {
    if (this.ended || this.inflight !== undefined) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.inflight = next;
    this.socket.write(next.frame);
  }

  private onTimeout(pending: Pending, timeoutMs: number): void {
    const err = new DlmsError('DLMS_TRANSPORT_TIMEOUT', `no DLMS response from ${this.remoteAddress}:${this.remotePort} within ${timeoutMs} ms`);
    if (pending === this.inflight) {
      this.fail(err);
      return;
    }
    const i = this.queue.indexOf(pending);
    if (i >= 0) this.queue.splice(i, 1);
    pending.reject(err);
  }

  private onData(chunk: Uint8Array): void {
    if (this.ended) return;
    this.reader.push(chunk);
    while (!this.ended) {
      let pdu: WrapperPdu | undefined;
      try {
        pdu = this.reader.next();
      } catch (err) {
        this.fail(socketError(err, 'DLMS wrapper'));
        return;
      }
      if (pdu === undefined) return;
      this.dispatch(pdu);
    }
  }

  private dispatch(pdu: WrapperPdu): void {
    const current = this.inflight;
    const isPush = this.opts.isUnsolicited ?? isPushByTag;
    if (current === undefined || isPush(pdu)) {
      this.deliverPush(pdu);
      return;
    }
    if (pdu.sourceWPort !== this.opts.serverWPort || pdu.destinationWPort !== this.opts.clientWPort) {
      this.fail(new DlmsError('DLMS_TRANSPORT_WPORT_MISMATCH',
        `response wPorts ${pdu.sourceWPort}→${pdu.destinationWPort}, expected ${this.opts.serverWPort}→${this.opts.clientWPort}`,
        { details: { sourceWPort: pdu.sourceWPort, destinationWPort: pdu.destinationWPort } }));
      return;
    }
    clearTimeout(current.timer);
    this.inflight = undefined;
    current.resolve(pdu.apdu);
    this.pump();
  }

  private deliverPush(pdu: WrapperPdu): void {
    const info: DlmsPushInfo = { sourceWPort: pdu.sourceWPort, destinationWPort: pdu.destinationWPort };
    for (const handler of this.pushHandlers) {
      try {
        Promise.resolve(handler(pdu.apdu, info)).catch((err: unknown) => this.report(err));
      } catch (err) {
        this.report(err);
      }
    }
  }

  private report(err: unknown): void {
    try {
      this.opts.onError?.(err);
    } catch {
      // an onError that throws must not break the socket's data path
    }
  }

  /** Ends the connection once: the in-flight request gets `reason`, queued ones DLMS_TRANSPORT_CLOSED. */
  private fail(reason: DlmsError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = reason;
    const closed = closedError('DLMS connection closed before the request was sent', reason);
    const inflight = this.inflight;
    this.inflight = undefined;
    if (inflight !== undefined) {
      clearTimeout(inflight.timer);
      inflight.reject(reason ?? closedError('DLMS connection closed by the caller'));
    }
    for (const p of this.queue.splice(0)) {
      clearTimeout(p.timer);
      p.reject(closed);
    }
    this.socket.destroy();
  }
}

/** Opens a DLMS TCP connection; rejects with DLMS_TRANSPORT_REFUSED / _TIMEOUT / _FAILED. */
export function openDlmsTcp(opts: DlmsTcpClientOptions): Promise<DlmsTcpConnection> {
  const port = opts.port ?? DLMS_PORT;
  try {
    checkPort(port, 'port', 1);
    checkPort(opts.clientWPort, 'clientWPort');
    checkPort(opts.serverWPort, 'serverWPort');
    checkPositive(opts.connectTimeoutMs, 'connectTimeoutMs');
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port, noDelay: true, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) });
    const settle = (err: DlmsError | undefined): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      if (err === undefined) {
        resolve(new TcpConnection(socket, opts));
        return;
      }
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void => settle(socketError(err, `DLMS connect to ${opts.host}:${port}`));
    const onConnect = (): void => settle(undefined);
    const timer = setTimeout(() => settle(new DlmsError('DLMS_TRANSPORT_TIMEOUT',
      `DLMS connect to ${opts.host}:${port} took longer than ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}
