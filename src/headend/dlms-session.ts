/**
 * One DLMS/COSEM association on one TCP connection, pumped for its owner: the head-end reader and
 * the field engineer's `meterstack dlms read` share it.
 *
 * - `DlmsClientConnection` is sans-IO; every APDU it produces — the result of `send` and its own
 *   `transmit` events (HLS pass 3, GET-Request-Next) — goes on the wire in order (`exchange`).
 * - The wire accounting of the session (requests, bytes, round trips, the responses as received)
 *   is kept for the caller's statistics and integrity chain.
 * - Failures are typed DlmsErrors: `eventError` for an event where data was expected,
 *   `associationError` for an association that did not come up (the AARE decides why).
 * - The caller opens and closes the TCP connection.
 */
import { obis, obisToBytes, type Obis } from '../model/obis.ts';
import { DlmsClientConnection, type ClientEvent, type ClientRequest } from '../protocols/dlms/connection.ts';
import type { AuthMechanism, SecurityPolicy } from '../protocols/dlms/association/types.ts';
import type { KeyStore, ReplayGuard, SendCounters } from '../protocols/dlms/security/index.ts';
import {
  decodeApdu, type AccessSelection, type ActionResult, type Apdu, type AttributeDescriptor, type MethodDescriptor,
} from '../protocols/dlms/apdu/index.ts';
import { encodeDateTimeOctets, utcToCosemDateTime, type DlmsData } from '../protocols/dlms/axdr/index.ts';
import { DlmsError } from '../protocols/dlms/errors.ts';
import type { DlmsTcpConnection } from '../protocols/dlms/transport-tcp.ts';

/** The clock object: what profiles capture first and what a range selection restricts on. */
/** What the head-end's secure associations share: its keys, title and counters (reader and firmware path alike). */
export interface SecureClientOptions {
  readonly keyStore: KeyStore;
  /** The head-end's 8-octet system title. */
  readonly clientSystemTitle: Uint8Array;
  /** Per key id; shared by every association of the head-end. */
  readonly sendCounters: SendCounters;
  /** Last accepted counter per meter system title. */
  readonly replayGuard: ReplayGuard;
  /** Default 'authenticated-encrypted'. */
  readonly securityPolicy?: SecurityPolicy;
  /** Default 'hls-gmac'. */
  readonly mechanism?: AuthMechanism;
}

/** The client side of one association with the meter, with the meter's keys from the key store (HLS-GMAC, authenticated encryption by default). */
export async function secureClient(o: SecureClientOptions, meterId: string): Promise<DlmsClientConnection> {
  const ids = await o.keyStore.keysFor({ meterId });
  const [ek, ak] = await Promise.all([o.keyStore.exportKey(ids.ek), o.keyStore.exportKey(ids.ak)]);
  return new DlmsClientConnection({
    clientSystemTitle: o.clientSystemTitle,
    serverSystemTitle: Uint8Array.from(Buffer.from(ids.systemTitle, 'hex')),
    mechanism: o.mechanism ?? 'hls-gmac',
    securityPolicy: o.securityPolicy ?? 'authenticated-encrypted',
    keys: { ek, ak },
    sendCounters: o.sendCounters,
    replayGuard: o.replayGuard,
  });
}

export const CLOCK_OBIS: Obis = obis('0-0:1.0.0.255');

/** Sees every APDU on the wire (tx: to the meter, rx: from it). */
export type SessionTap = (peer: string, direction: 'tx' | 'rx', apdu: Uint8Array) => void;

export const attributeOf = (classId: number, ln: Obis, attributeId: number): AttributeDescriptor => ({ classId, logicalName: obisToBytes(ln), attributeId });
export const methodOf = (classId: number, ln: Obis, methodId: number): MethodDescriptor => ({ classId, logicalName: obisToBytes(ln), methodId });

const dateTime = (t: number): DlmsData => ({ type: 'octet-string', value: encodeDateTimeOctets(utcToCosemDateTime(t)) });

/**
 * Selective access by range on a profile generic buffer: restricting object the profile's clock
 * capture (class 8, 0-0:1.0.0.255, attribute 2), from/to as 12-octet COSEM date-time octet-strings.
 */
export function rangeAccess(from: number, to: number): AccessSelection {
  return {
    selector: 1,
    range: {
      restrictingObject: { classId: 8, logicalName: obisToBytes(CLOCK_OBIS), attributeId: 2, dataIndex: 0 },
      from: dateTime(from),
      to: dateTime(to),
      selectedValues: [],
    },
  };
}

/** One association on one TCP connection, with the wire accounting of a read. */
export class DlmsSession {
  requests = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly rttMs: number[] = [];
  readonly received: Uint8Array[] = [];

  /** `peer` names the meter in errors and for the tap (a meter id, or host:port). */
  constructor(
    readonly peer: string,
    private readonly tcp: DlmsTcpConnection,
    private readonly client: DlmsClientConnection,
    private readonly timeoutMs: number,
    private readonly tap?: SessionTap,
  ) {}

  /** Sends a request and everything the client transmits on its own, until a non-transmit event. */
  async exchange(request: ClientRequest): Promise<ClientEvent> {
    let out = this.client.send(request);
    for (;;) {
      this.tap?.(this.peer, 'tx', out);
      const t0 = performance.now();
      this.requests++;
      this.bytesSent += out.length;
      const reply = await this.tcp.request(out, { timeoutMs: this.timeoutMs });
      this.rttMs.push(performance.now() - t0);
      this.bytesReceived += reply.length;
      this.received.push(reply);
      this.tap?.(this.peer, 'rx', reply);
      this.client.receive(reply);
      const ev = this.client.nextEvent();
      if (ev === undefined) throw new DlmsError('DLMS_BAD_APDU', 'the meter answered with nothing the association could use');
      if (ev.type !== 'transmit') return ev;
      out = ev.apdu;
    }
  }

  /** AARQ (and HLS pass 3/4); throws `associationError` unless the meter associated. */
  async associate(): Promise<void> {
    const ev = await this.exchange({ type: 'associate' });
    if (ev.type !== 'associated') throw associationError(ev, this.received[this.received.length - 1]);
  }

  /** GET of one attribute; the value's A-XDR bytes (`dataOf` decodes them). */
  async get(attribute: AttributeDescriptor, access: AccessSelection | null = null): Promise<Uint8Array> {
    const ev = await this.exchange({ type: 'get', attribute, access });
    if (ev.type === 'response' && 'data' in ev) return ev.data;
    throw eventError(ev, `GET ${attribute.classId}/${Buffer.from(attribute.logicalName).toString('hex')}/${attribute.attributeId}`);
  }

  /**
   * GET-with-list: several attributes in one round trip, each value's A-XDR bytes in request order.
   * Meters that did not negotiate the with-list conformance bit are asked one attribute at a time.
   */
  async getList(items: readonly { readonly attribute: AttributeDescriptor; readonly access?: AccessSelection | null }[]): Promise<Uint8Array[]> {
    if (items.length === 1 || !this.client.negotiated?.conformance['multiple-references']) {
      const out: Uint8Array[] = [];
      for (const x of items) out.push(await this.get(x.attribute, x.access ?? null));
      return out;
    }
    const ev = await this.exchange({ type: 'get-list', items });
    if (ev.type !== 'list-response') throw eventError(ev, `GET with list of ${items.length}`);
    return ev.results.map((r, i) => {
      if ('data' in r) return r.data;
      const a = items[i]!.attribute;
      throw eventError({ type: 'response', invokeId: ev.invokeId, error: r.error, blocks: 0 }, `GET ${a.classId}/${Buffer.from(a.logicalName).toString('hex')}/${a.attributeId}`);
    });
  }

  /**
   * ACTION on one method. The meter's action-result comes back as it is (temporary-failure and the
   * like are answers for the caller to act on); `data` is the A-XDR of the return parameters, if any.
   */
  async action(method: MethodDescriptor, parameters: DlmsData | null = null): Promise<{ readonly result: ActionResult; readonly data: Uint8Array | null }> {
    const ev = await this.exchange({ type: 'action', method, parameters });
    if (ev.type === 'action-result') {
      const ret = ev.returnParameters;
      return { result: ev.result, data: ret !== null && 'data' in ret ? ret.data : null };
    }
    throw eventError(ev, `ACTION ${method.classId}/${Buffer.from(method.logicalName).toString('hex')}/${method.methodId}`);
  }

  /** RLRQ; false when the RLRE did not come (the data was read all the same). */
  async release(): Promise<boolean> {
    try {
      return (await this.exchange({ type: 'release' })).type === 'released';
    } catch {
      return false; // a lost RLRE costs nothing but the socket, which the caller closes
    }
  }
}

/** A non-data event where data was expected → typed DLMS error. */
export function eventError(ev: ClientEvent, what: string): DlmsError {
  switch (ev.type) {
    case 'failed': return ev.error;
    case 'response': return new DlmsError('DLMS_COSEM_BAD_OBJECT', `${what}: the meter answered ${'error' in ev ? ev.error : 'no data'}`, { details: { dataAccessResult: 'error' in ev ? ev.error : null } });
    case 'exception': {
      const ex = ev.exception;
      const code = ex.serviceError === 'invocation-counter-error' ? 'DLMS_SECURITY_REPLAY' : ex.serviceError === 'deciphering-error' ? 'DLMS_SECURITY_BAD_TAG' : 'DLMS_ILLEGAL_STATE';
      return new DlmsError(code, `${what}: exception-response ${ex.stateError}/${ex.serviceError}`, { details: { ...ex } });
    }
    case 'rejected':
      return new DlmsError(ev.diagnostic.source === 'acse-service-user' && ev.diagnostic.value === AUTHENTICATION_FAILURE ? 'DLMS_SECURITY_BAD_TAG' : 'DLMS_ILLEGAL_STATE',
        `${what}: association rejected (${ev.result}, diagnostic ${ev.diagnostic.source} ${ev.diagnostic.value})`, { details: { result: ev.result, diagnostic: ev.diagnostic } });
    default:
      return new DlmsError('DLMS_BAD_APDU', `${what}: unexpected ${ev.type}`);
  }
}

/**
 * Why the association failed. A meter that cannot decipher the AARQ's InitiateRequest (wrong key)
 * or refuses its invocation counter (replay, a head-end counter that went back) rejects with a
 * plain confirmed-service-error, which DlmsClientConnection under a ciphering policy reports as
 * DLMS_SECURITY_UNSUPPORTED; the AARE itself says what happened, so it decides here.
 */
export function associationError(ev: ClientEvent, reply: Uint8Array | undefined): DlmsError {
  let aare: Apdu | undefined;
  try {
    aare = reply !== undefined && reply[0] === AARE_TAG ? decodeApdu(reply) : undefined;
  } catch {
    aare = undefined;
  }
  if (aare?.type !== 'aare' || aare.result === 'accepted') return eventError(ev, 'association');
  const { diagnostic } = aare;
  const serviceError = aare.userInformation?.type === 'confirmed-service-error' ? aare.userInformation : null;
  const auth = diagnostic.source === 'acse-service-user' && (diagnostic.value === AUTHENTICATION_FAILURE || serviceError !== null);
  return new DlmsError(auth ? 'DLMS_SECURITY_BAD_TAG' : 'DLMS_ILLEGAL_STATE',
    `association rejected (${aare.result}, diagnostic ${diagnostic.source} ${diagnostic.value}${serviceError ? `, initiate error ${serviceError.code}` : ''})`
    + (auth ? ': the meter could not authenticate the request (wrong key, or an invocation counter it has seen)' : ''),
    { details: { result: aare.result, diagnostic, serviceError: serviceError?.code ?? null }, cause: ev.type === 'failed' ? ev.error : undefined });
}

const AARE_TAG = 0x61;
const AUTHENTICATION_FAILURE = 13;
