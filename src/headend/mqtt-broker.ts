import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { MeterstackError } from '../model/index.ts';
import { type MqttTopic, type Principal, canPublish, canSubscribe, isDeviceId, verifySecret } from '../protocols/mqtt/index.ts';
import type { Store } from '../store/store.port.ts';
import type { MqttAuditLog } from './mqtt-audit.ts';
import type { CommandPublisher } from './mqtt-commands.ts';

/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1) with the platform's rules (docs/mqtt.md):
 *
 * - authenticate: username = device/gateway id with its secret, checked against the stored hash;
 *   the client id must be the username (or `<username>:<suffix>`), so nobody can take over
 *   another device's session. On the TLS listener a client certificate signed by the configured
 *   CA authenticates instead of the secret; its CN is the device id.
 * - authorizePublish: acl.ts; an allowed message goes to `onMessage` and aedes sends the PUBACK
 *   only after it resolved (aedes runs authorizePublish before it acknowledges a QoS 1 publish),
 *   i.e. after the ingest pipeline committed it. A denied publish closes the connection (MQTT
 *   3.1.1 has no negative PUBACK) and is audited, like every failed login.
 * - authorizeSubscribe: a device gets its own commands only; other filters get SUBACK 0x80.
 * - retained messages are not kept (the platform records device status itself, see mqtt-ingest.ts).
 */

export type MessageHandler = (topicText: string, topic: MqttTopic, payload: Uint8Array, from: Principal, meta: { retained: boolean }) => Promise<void>;

export interface BrokerTlsOptions {
  readonly port: number;
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CA that signs device certificates. */
  readonly ca: string | Buffer;
}

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
  readonly credentials: Pick<Store, 'getMqttCredential'>;
  readonly audit: MqttAuditLog;
  readonly onMessage: MessageHandler;
  readonly tls?: BrokerTlsOptions;
}

export interface EmbeddedBroker extends CommandPublisher {
  readonly host: string;
  readonly port: number;
  readonly tlsPort?: number;
  connectedClients(): number;
  /** Closes every connection (their wills fire) and the listeners. */
  close(): Promise<void>;
}

const BAD_CREDENTIALS = 4;
const IDENTIFIER_REJECTED = 2;

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const principals = new WeakMap<Client, Principal>();
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      authenticate(opts, client, username, password).then(
        (p) => { principals.set(client, p); done(null, true); },
        (err: AuthenticateError) => done(err, false),
      );
    },
    authorizePublish: (client, packet, done) => {
      if (client === null) return done(null);
      const p = principals.get(client);
      const d = p === undefined ? { ok: false as const, reason: 'not authenticated' } : canPublish(p, packet.topic);
      if (!d.ok) {
        opts.audit.record(p?.id ?? '(unknown)', 'mqtt.acl.denied', `mqtt/${p?.id ?? '-'}`, { operation: 'publish', topic: shown(packet.topic), reason: d.reason, address: addressOf(client) });
        return done(new MeterstackError('MQTT_ACL_DENIED', d.reason));
      }
      const retained = packet.retain === true;
      // Nothing is kept as retained: no client may subscribe to what devices publish (only the
      // platform sees it, through this hook), and aedes' in-memory store matches every new
      // subscription against every retained topic (10,000 devices: 10^8 matches).
      packet.retain = false;
      opts.onMessage(packet.topic, d.value, packet.payload as Buffer, p!, { retained }).then(() => done(null), (err: unknown) => done(err as Error));
    },
    authorizeSubscribe: (client, sub, done) => {
      const p = principals.get(client);
      const d = p === undefined ? { ok: false as const, reason: 'not authenticated' } : canSubscribe(p, sub.topic);
      if (!d.ok) {
        opts.audit.record(p?.id ?? '(unknown)', 'mqtt.acl.denied', `mqtt/${p?.id ?? '-'}`, { operation: 'subscribe', topic: shown(sub.topic), reason: d.reason, address: addressOf(client) });
        return done(null, null);
      }
      done(null, sub);
    },
  });
  // A client's socket error is the client's problem; never let it reach the process.
  broker.on('clientError', () => undefined);
  broker.on('connectionError', () => undefined);

  const servers: Server[] = [];
  // Sockets that never sent CONNECT are not aedes clients yet; close() must end them too.
  const sockets = new Set<Socket>();
  const accept = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    broker.handle(s);
  };
  try {
    const plain = createServer(accept);
    servers.push(plain);
    const port = await listen(plain, opts.port, opts.host);
    let tlsPort: number | undefined;
    if (opts.tls) {
      const secure = createTlsServer({ key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false }, accept);
      servers.push(secure);
      tlsPort = await listen(secure, opts.tls.port, opts.host);
    }
    return {
      host: opts.host, port, ...(tlsPort !== undefined ? { tlsPort } : {}),
      connectedClients: () => broker.connectedClients,
      publish: (topic, payload) => new Promise<void>((resolve, reject) => {
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err?: Error) => (err ? reject(err) : resolve()));
      }),
      close: () => closeAll(broker, servers, sockets),
    };
  } catch (err) {
    await closeAll(broker, servers, sockets);
    throw err;
  }
}

async function authenticate(opts: EmbeddedBrokerOptions, client: Client, username: string | undefined, password: Buffer | undefined): Promise<Principal> {
  const fail = (reason: string, code = BAD_CREDENTIALS): AuthenticateError => {
    const who = typeof username === 'string' ? shown(username, 64) : '(none)';
    opts.audit.record(who, 'mqtt.auth.failed', `mqtt/${who}`, { reason, address: addressOf(client) });
    return Object.assign(new Error(reason), { returnCode: code }) as AuthenticateError;
  };
  const cn = certificateName(client);
  if (cn === null) throw fail('the client certificate does not verify against the device CA');
  const id = username ?? cn;
  if (cn !== undefined && id !== cn) throw fail(`username ${shown(String(id), 64)} differs from the certificate's CN ${cn}`);
  if (!isDeviceId(id)) throw fail('no username, or one that is not a device id');
  if (client.id !== id && !client.id.startsWith(`${id}:`)) throw fail(`client id "${shown(client.id, 64)}" is not the username`, IDENTIFIER_REJECTED);
  const cred = await opts.credentials.getMqttCredential(id);
  if (cred === undefined || cred.revokedAt !== undefined) throw fail(cred === undefined ? 'no credential for this id' : 'credential revoked');
  if (cred.kind === 'platform') throw fail('the platform credential is for external brokers, not the embedded one');
  if (cn === undefined && (password === undefined || !(await verifySecret(password, cred.hash)))) throw fail('wrong secret');
  return { kind: cred.kind, id, meters: cred.meters };
}

/** The CN of a verified client certificate; undefined without one; null for one that does not verify. */
function certificateName(client: Client): string | undefined | null {
  const conn = client.conn;
  if (!(conn instanceof TLSSocket)) return undefined;
  const cert = conn.getPeerCertificate();
  if (cert === null || Object.keys(cert).length === 0) return undefined;
  if (!conn.authorized) return null;
  const cn = cert.subject?.CN;
  return typeof cn === 'string' && isDeviceId(cn) ? cn : null;
}

function addressOf(client: Client): string | undefined {
  const conn = client.conn as Partial<Socket>;
  return conn.remoteAddress === undefined ? undefined : `${conn.remoteAddress}:${conn.remotePort}`;
}

function shown(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EADDRINUSE'
        ? new MeterstackError('PORT_IN_USE', `MQTT port ${port} on ${host} is already taken`, { cause: err, details: { port, host } })
        : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : port);
    });
  });
}

async function closeAll(broker: Aedes, servers: readonly Server[], sockets: Set<Socket>): Promise<void> {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
}
