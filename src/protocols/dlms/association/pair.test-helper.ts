/** In-memory pairing of DlmsClientConnection and DlmsServerConnection for the connection tests (no sockets). */
import { DlmsClientConnection, type ClientEvent, type ClientRequest, type DlmsClientOptions } from '../connection.ts';
import { DlmsServerConnection, type CosemHandler, type DlmsServerOptions } from '../connection-server.ts';
import { ReplayGuard, SecretKey, SendCounters, type SecurityEvent } from '../security/index.ts';
import type { AuthMechanism, SecurityPolicy } from './types.ts';

export const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'ascii'));
export const EK = SecretKey.fromHex('000102030405060708090A0B0C0D0E0F', 'ek');
export const AK = SecretKey.fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF', 'ak');
export const CLIENT_TITLE = h('4D4D4D0000000001');
export const SERVER_TITLE = h('4D4D4D0000BC614E');
export const CLOCK = (): Date => new Date('2024-01-01T00:00:00Z');

export interface Pair {
  readonly client: DlmsClientConnection;
  readonly server: DlmsServerConnection;
  readonly clientEvents: SecurityEvent[];
  readonly serverEvents: SecurityEvent[];
  /** Every APDU the client put on the wire, in order. */
  readonly wire: Uint8Array[];
}

export interface PairOptions {
  readonly mechanism?: AuthMechanism;
  readonly policy?: SecurityPolicy;
  readonly handler: CosemHandler;
  readonly client?: Partial<DlmsClientOptions>;
  readonly server?: Partial<DlmsServerOptions>;
  readonly clientStart?: number;
  readonly serverStart?: number;
}

export function pair(o: PairOptions): Pair {
  const mechanism = o.mechanism ?? 'lowest';
  const policy = o.policy ?? 'none';
  const clientEvents: SecurityEvent[] = [];
  const serverEvents: SecurityEvent[] = [];
  const withKeys = mechanism === 'hls-gmac' || policy !== 'none';
  const client = new DlmsClientConnection({
    clientSystemTitle: CLIENT_TITLE, serverSystemTitle: SERVER_TITLE, mechanism, securityPolicy: policy, password: ascii('12345678'),
    ...(withKeys ? {
      keys: { ek: EK, ak: AK },
      sendCounters: new SendCounters({ sink: (e) => clientEvents.push(e), now: CLOCK, start: o.clientStart ?? 1 }),
      replayGuard: new ReplayGuard({ sink: (e) => clientEvents.push(e), now: CLOCK }),
    } : {}),
    ...o.client,
  });
  const server = new DlmsServerConnection({
    systemTitle: SERVER_TITLE, mechanism, securityPolicy: policy, password: ascii('12345678'), handler: o.handler,
    ...(withKeys ? {
      keys: { ek: EK, ak: AK },
      sendCounters: new SendCounters({ sink: (e) => serverEvents.push(e), now: CLOCK, start: o.serverStart ?? 1 }),
      replayGuard: new ReplayGuard({ sink: (e) => serverEvents.push(e), now: CLOCK }),
    } : {}),
    ...o.server,
  });
  return { client, server, clientEvents, serverEvents, wire: [] };
}

/** Sends one request and shuttles APDUs (including the client's own `transmit`s) until a non-transmit event. */
export function exchange(p: Pair, request: ClientRequest): ClientEvent {
  let out: Uint8Array | undefined = p.client.send(request);
  for (;;) {
    if (out !== undefined) {
      p.wire.push(out);
      p.client.receive(p.server.receive(out));
      out = undefined;
    }
    const ev = p.client.nextEvent();
    if (ev === undefined) throw new Error('no event from the client');
    if (ev.type === 'transmit') out = ev.apdu;
    else return ev;
  }
}
