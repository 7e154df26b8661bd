import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { CONTENT_FORMAT, SIGNATURE_OPTION, postReading, signPayload, type PostAnswer } from '../../protocols/coap/index.ts';
import { encodeBody, type PayloadEncoding } from '../../protocols/payloads/index.ts';

/**
 * A simulated constrained CoAP meter. It serves an observable `/readings` resource (RFC 7641)
 * whose representation is its latest reading as a vendor payload (docs/payload-formats.md), and
 * can also push a reading by POST to the platform. Every body it sends is signed with its own
 * key (option 65000), as the platform expects.
 */
export interface SimCoapDeviceOptions {
  readonly meterId: string;
  readonly key: Uint8Array;
  /** The first representation of /readings (a payload body: object, or Map for CBOR). */
  readonly initial: unknown;
  readonly encoding?: PayloadEncoding;
  readonly host?: string;
  readonly port?: number;
}

type Observer = OutgoingMessage & { setOption(name: string, value: unknown): unknown; write(chunk: Buffer): boolean };

export class SimCoapDevice {
  readonly meterId: string;
  readonly host: string;
  readonly #key: Uint8Array;
  readonly #encoding: PayloadEncoding;
  readonly #server: Server;
  readonly #observers = new Map<string, Observer>();
  #current: Uint8Array;
  #port = 0;

  private constructor(opts: SimCoapDeviceOptions, server: Server) {
    this.meterId = opts.meterId;
    this.host = opts.host ?? '127.0.0.1';
    this.#key = opts.key;
    this.#encoding = opts.encoding ?? 'json';
    this.#current = encodeBody(opts.initial, this.#encoding);
    this.#server = server;
  }

  static start(opts: SimCoapDeviceOptions): Promise<SimCoapDevice> {
    const server = createServer({ type: 'udp4', reuseAddr: false });
    const device = new SimCoapDevice(opts, server);
    server.on('request', (req: IncomingMessage, res: OutgoingMessage) => device.#serve(req, res as Observer));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, device.host, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        device.#port = (server as unknown as { _sock: { address(): { port: number } } })._sock.address().port;
        resolve(device);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** How many observers are registered right now. */
  get observers(): number {
    return this.#observers.size;
  }

  get contentFormat(): number {
    return this.#encoding === 'json' ? CONTENT_FORMAT.json : CONTENT_FORMAT.cbor;
  }

  /** A new reading: it becomes the representation and goes to every observer; returns how many. */
  notify(body: unknown): number {
    this.#current = encodeBody(body, this.#encoding);
    for (const o of this.#observers.values()) this.#write(o);
    return this.#observers.size;
  }

  /** Push a reading to the platform (`/r/<meter id>`), signed; `sign: false` sends it unsigned. */
  post(target: { host: string; port: number }, body: unknown, opts: { sign?: boolean; key?: Uint8Array } = {}): Promise<PostAnswer> {
    const payload = encodeBody(body, this.#encoding);
    return postReading({
      ...target, meterId: this.meterId, payload, contentFormat: this.contentFormat,
      ...(opts.sign === false ? {} : { signature: signPayload(opts.key ?? this.#key, payload) }),
    });
  }

  close(): Promise<void> {
    for (const o of this.#observers.values()) o.end();
    this.#observers.clear();
    return new Promise((done) => { this.#server.close(() => done()); });
  }

  #serve(req: IncomingMessage, res: Observer): void {
    res.on('error', () => undefined);
    if (req.url.split('?')[0] !== '/readings' || req.method !== 'GET') {
      res.code = req.url.split('?')[0] === '/readings' ? '4.05' : '4.04';
      res.end();
      return;
    }
    const token = req._packet.token?.toString('hex') ?? '';
    if (req.headers.Observe === 0) {
      this.#observers.set(token, res);
      const forget = (): void => { if (this.#observers.get(token) === res) this.#observers.delete(token); };
      res.on('finish', forget);
      res.on('close', forget);
      res.code = '2.05';
      this.#write(res);
      return;
    }
    // Observe=1 is the eager deregistration of the observer with this token (RFC 7641 §3.6).
    if (req.headers.Observe === 1) {
      this.#observers.get(token)?.end();
      this.#observers.delete(token);
    }
    this.#sign(res);
    res.code = '2.05';
    res.end(Buffer.from(this.#current));
  }

  #write(o: Observer): void {
    this.#sign(o);
    o.write(Buffer.from(this.#current));
  }

  #sign(res: Observer): void {
    res.setOption('Content-Format', this.contentFormat);
    res.setOption(String(SIGNATURE_OPTION), Buffer.from(signPayload(this.#key, this.#current)));
  }
}
