/**
 * Client side of a DLMS/COSEM association (IEC 62056-5-3 / Green Book), sans-IO: `send(request)`
 * returns the APDU to put on the wire, `receive(apdu)` takes the server's APDU and queues events for
 * `nextEvent()`. The lifecycle is the TRANSITIONS table; a request not allowed in the current state
 * throws DLMS_ILLEGAL_STATE naming both. Peer faults (bad tag, replay, wrong invoke id, HLS reply
 * that does not verify) move to `failed` and queue a `failed` event with the typed error.
 *
 * Follow-up APDUs the client produces by itself — GET-Request-Next while a long GET runs, the HLS
 * pass-3 ACTION after the AARE — are queued as `transmit` events: the caller sends them as it sent
 * the result of `send`. No sockets, timers or clocks: challenges and counters are injected.
 */
import { randomBytes } from 'node:crypto';
import { DlmsError, isDlmsError } from './errors.ts';
import {
  conformance as conformanceOf, dataOf, decodeApdu, encodeApdu, skipData,
  type AccessSelection, type ActionResult, type Apdu, type AssociationResult, type AttributeDescriptor, type Conformance,
  type DataAccessResult, type ExceptionResponse, type GetDataResult, type MethodDescriptor, type ResultSourceDiagnostic,
} from './apdu/index.ts';
import type { ConfirmedServiceError } from './apdu/index.ts';
import { decodeResultList } from './apdu/get-response.ts';
import { encodeData, type DlmsData } from './axdr/index.ts';
import { hlsGmacResponse, verifyHlsGmacResponse, type ReplayGuard, type SendCounters } from './security/index.ts';
import { SecureChannel } from './association/secure-channel.ts';
import {
  applicationContextFor, CURRENT_ASSOCIATION, DLMS_VERSION, MECHANISM_NAME, sameBytes, transition,
  type AssociationKeys, type AuthMechanism, type SecurityPolicy,
} from './association/types.ts';

export type ClientState = 'idle' | 'awaiting-aare' | 'awaiting-hls-reply' | 'associated' | 'awaiting-response' | 'releasing' | 'released' | 'failed';
export type ClientEventKind =
  | 'associate' | 'get' | 'get-list' | 'set' | 'action' | 'release'
  | 'rx-aare-accepted' | 'rx-aare-hls' | 'rx-aare-rejected' | 'rx-hls-verified' | 'rx-block' | 'rx-response' | 'rx-exception' | 'rx-rlre' | 'fail';

export const CLIENT_TRANSITIONS: Record<ClientState, Partial<Record<ClientEventKind, ClientState>>> = {
  idle: { associate: 'awaiting-aare' },
  'awaiting-aare': { 'rx-aare-accepted': 'associated', 'rx-aare-hls': 'awaiting-hls-reply', 'rx-aare-rejected': 'idle', fail: 'failed' },
  'awaiting-hls-reply': { 'rx-hls-verified': 'associated', fail: 'failed' },
  associated: { get: 'awaiting-response', 'get-list': 'awaiting-response', set: 'awaiting-response', action: 'awaiting-response', release: 'releasing' },
  'awaiting-response': { 'rx-block': 'awaiting-response', 'rx-response': 'associated', 'rx-exception': 'associated', fail: 'failed' },
  releasing: { 'rx-rlre': 'released', fail: 'failed' },
  released: { associate: 'awaiting-aare' },
  failed: { associate: 'awaiting-aare' },
};

export interface DlmsClientOptions {
  /** This client's 8-octet system title (calling-AP-title; IV prefix of what it ciphers). */
  readonly clientSystemTitle: Uint8Array;
  /** When given, the AARE's responding-AP-title must equal it. */
  readonly serverSystemTitle?: Uint8Array;
  readonly mechanism: AuthMechanism;
  /** LLS secret (mechanism `low`). */
  readonly password?: Uint8Array;
  readonly keys?: AssociationKeys;
  readonly securityPolicy: SecurityPolicy;
  /** Invocation counters of this client's EK (keyed by `keys.ek.id`); needed with keys. */
  readonly sendCounters?: SendCounters;
  /** Last accepted invocation counter per server system title; needed with keys. */
  readonly replayGuard?: ReplayGuard;
  /** client-max-receive-pdu-size proposed in the InitiateRequest (default 0xFFFF). */
  readonly maxPduSize?: number;
  /** Proposed conformance (default: get, set, action, selective access, block transfer with get, multiple references). */
  readonly conformance?: Conformance;
  /** The CtoS challenge source for HLS (default: 8 random octets). */
  readonly challenge?: () => Uint8Array;
  /** Cipher with general-glo-ciphering (0xDB) instead of glo-xxx. */
  readonly generalGlo?: boolean;
}

export type ClientRequest =
  | { readonly type: 'associate' }
  | { readonly type: 'get'; readonly attribute: AttributeDescriptor; readonly access?: AccessSelection | null }
  /** GET-Request-With-List: several attributes in one round trip (answered by a `list-response`). */
  | { readonly type: 'get-list'; readonly items: readonly { readonly attribute: AttributeDescriptor; readonly access?: AccessSelection | null }[] }
  | { readonly type: 'set'; readonly attribute: AttributeDescriptor; readonly access?: AccessSelection | null; readonly value: DlmsData | Uint8Array }
  | { readonly type: 'action'; readonly method: MethodDescriptor; readonly parameters?: DlmsData | Uint8Array | null }
  | { readonly type: 'release' };

export type ClientEvent =
  | { readonly type: 'associated'; readonly conformance: Conformance; readonly serverMaxReceivePduSize: number; readonly serverSystemTitle: Uint8Array | null }
  | { readonly type: 'rejected'; readonly result: AssociationResult; readonly diagnostic: ResultSourceDiagnostic; readonly serviceError: ConfirmedServiceError | null }
  | { readonly type: 'transmit'; readonly apdu: Uint8Array }
  /** GET result: `data` is the whole A-XDR value (reassembled over `blocks` data blocks); decode it with `dataOf`. */
  | { readonly type: 'response'; readonly invokeId: number; readonly data: Uint8Array; readonly blocks: number }
  | { readonly type: 'response'; readonly invokeId: number; readonly error: DataAccessResult; readonly blocks: number }
  /** GET-with-list result: one data or error per requested attribute, in order. */
  | { readonly type: 'list-response'; readonly invokeId: number; readonly results: readonly GetDataResult[]; readonly blocks: number }
  | { readonly type: 'set-result'; readonly invokeId: number; readonly result: DataAccessResult }
  | { readonly type: 'action-result'; readonly invokeId: number; readonly result: ActionResult; readonly returnParameters: GetDataResult | null }
  | { readonly type: 'exception'; readonly exception: ExceptionResponse }
  | { readonly type: 'released' }
  | { readonly type: 'failed'; readonly error: DlmsError };

const DEFAULT_CONFORMANCE = conformanceOf('get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read', 'attribute0-supported-with-get', 'multiple-references');

interface Pending {
  readonly kind: 'get' | 'get-list' | 'set' | 'action' | 'hls';
  /** Attributes asked for by a get-list. */
  readonly count?: number;
  readonly invokeId: number;
  readonly blocks: Uint8Array[];
}

const EXCEPTION_RESPONSE_TAG = 0xd8;
const invoke = (invokeId: number) => ({ invokeId, confirmed: true, highPriority: true });
const toData = (v: DlmsData | Uint8Array): Uint8Array => (v instanceof Uint8Array ? v : encodeData(v));

export class DlmsClientConnection {
  #state: ClientState = 'idle';
  readonly #o: DlmsClientOptions;
  readonly #channel: SecureChannel;
  readonly #events: ClientEvent[] = [];
  #invokeId = 0;
  #pending: Pending | null = null;
  #serverTitle: Uint8Array | undefined;
  #ctos: Uint8Array | null = null;
  #negotiated: { conformance: Conformance; serverMaxReceivePduSize: number } | null = null;

  constructor(o: DlmsClientOptions) {
    if (o.mechanism === 'low' && o.password === undefined) throw new DlmsError('DLMS_BAD_VALUE', 'mechanism low needs a password');
    if (o.mechanism === 'hls-gmac' && o.keys === undefined) throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'mechanism hls-gmac needs keys');
    this.#o = o;
    this.#channel = new SecureChannel({
      policy: o.securityPolicy, ownSystemTitle: o.clientSystemTitle, keys: o.keys, sendCounters: o.sendCounters, replayGuard: o.replayGuard, general: o.generalGlo,
    });
    this.#serverTitle = o.serverSystemTitle;
  }

  get state(): ClientState { return this.#state; }

  /** What the AARE negotiated (null before association). */
  get negotiated(): { readonly conformance: Conformance; readonly serverMaxReceivePduSize: number } | null { return this.#negotiated; }

  nextEvent(): ClientEvent | undefined {
    return this.#events.shift();
  }

  /** Builds the APDU for a request; the state changes only once the APDU is built. */
  send(request: ClientRequest): Uint8Array {
    const to = transition('DLMS client', CLIENT_TRANSITIONS, this.#state, request.type);
    const bytes = this.#build(request);
    this.#state = to;
    return bytes;
  }

  receive(apdu: Uint8Array): void {
    try {
      this.#dispatch(apdu);
    } catch (err) {
      if (isDlmsError(err) && err.code === 'DLMS_ILLEGAL_STATE') throw err;
      this.#fail(isDlmsError(err) ? err : new DlmsError('DLMS_BAD_APDU', String(err), { cause: err }));
    }
  }

  #build(request: ClientRequest): Uint8Array {
    switch (request.type) {
      case 'associate': return this.#aarq();
      case 'get': return this.#request('get', (invokeId) => ({
        type: 'get-request', kind: 'normal', invoke: invoke(invokeId), attribute: request.attribute, access: request.access ?? null,
      }));
      case 'get-list':
        if (request.items.length === 0) throw new DlmsError('DLMS_BAD_VALUE', 'a GET with list needs at least one attribute');
        return this.#request('get-list', (invokeId) => ({
          type: 'get-request', kind: 'with-list', invoke: invoke(invokeId), items: request.items.map((x) => ({ attribute: x.attribute, access: x.access ?? null })),
        }), request.items.length);
      case 'set': return this.#request('set', (invokeId) => ({
        type: 'set-request', kind: 'normal', invoke: invoke(invokeId), attribute: request.attribute, access: request.access ?? null, value: toData(request.value),
      }));
      case 'action': return this.#request('action', (invokeId) => ({
        type: 'action-request', kind: 'normal', invoke: invoke(invokeId), method: request.method,
        parameters: request.parameters === undefined || request.parameters === null ? null : toData(request.parameters),
      }));
      case 'release':
        this.#pending = null;
        return encodeApdu({ type: 'rlrq', reason: 'normal', userInformation: null });
    }
  }

  #aarq(): Uint8Array {
    const o = this.#o;
    this.#pending = null;
    this.#negotiated = null;
    this.#serverTitle = o.serverSystemTitle;
    this.#ctos = o.mechanism === 'hls-gmac' ? (o.challenge ?? (() => Uint8Array.from(randomBytes(8))))() : null;
    const initiate = encodeApdu({
      type: 'initiate-request', dedicatedKey: null, responseAllowed: true, proposedQualityOfService: null, dlmsVersion: DLMS_VERSION,
      conformance: o.conformance ?? DEFAULT_CONFORMANCE, clientMaxReceivePduSize: o.maxPduSize ?? 0xffff,
    });
    const info = this.#channel.wrap(initiate);
    const userInformation = decodeApdu(info) as Extract<Apdu, { type: 'initiate-request' | 'ciphered' }>;
    return encodeApdu({
      type: 'aarq',
      applicationContext: applicationContextFor(o.securityPolicy),
      callingApTitle: o.securityPolicy !== 'none' || o.mechanism === 'hls-gmac' ? o.clientSystemTitle : null,
      mechanism: MECHANISM_NAME[o.mechanism],
      callingAuthenticationValue: o.mechanism === 'low' ? o.password! : this.#ctos,
      userInformation,
      other: [],
    });
  }

  /** Next invoke id (0..15, rotating), the APDU built for it, ciphered per policy. */
  #request(kind: Pending['kind'], build: (invokeId: number) => Apdu, count?: number): Uint8Array {
    const invokeId = this.#invokeId;
    const plain = encodeApdu(build(invokeId));
    const bytes = this.#channel.wrap(plain);
    this.#invokeId = (this.#invokeId + 1) & 0x0f;
    this.#pending = { kind, invokeId, blocks: [], ...(count === undefined ? {} : { count }) };
    return bytes;
  }

  #step(event: ClientEventKind): void {
    this.#state = transition('DLMS client', CLIENT_TRANSITIONS, this.#state, event);
  }

  #fail(error: DlmsError): void {
    this.#step('fail');
    this.#pending = null;
    this.#events.push({ type: 'failed', error });
  }

  #dispatch(bytes: Uint8Array): void {
    switch (this.#state) {
      case 'awaiting-aare': return this.#onAare(bytes);
      case 'awaiting-hls-reply': return this.#onHlsReply(this.#open(bytes));
      case 'awaiting-response': return this.#onResponse(this.#open(bytes));
      case 'releasing': return this.#onRelease(bytes);
      default: transition('DLMS client', CLIENT_TRANSITIONS, this.#state, 'rx-response');
    }
  }

  /** Unwraps per policy; an ExceptionResponse (0xD8) is never ciphered (it can abort a request, never carry data). */
  #open(bytes: Uint8Array): Apdu {
    if (bytes[0] === EXCEPTION_RESPONSE_TAG) return decodeApdu(bytes);
    return decodeApdu(this.#channel.unwrap(bytes, this.#serverTitle));
  }

  #onAare(bytes: Uint8Array): void {
    const aare = decodeApdu(bytes);
    if (aare.type !== 'aare') throw unexpected(aare.type, 'an AARE');
    const title = aare.respondingApTitle;
    if (title !== null && this.#o.serverSystemTitle !== undefined && !sameBytes(title, this.#o.serverSystemTitle)) {
      throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', 'the AARE responding-AP-title is not the expected server system title');
    }
    if (title !== null) this.#serverTitle = title;
    const info = aare.userInformation === null ? null : this.#userInfo(aare.userInformation, aare.result !== 'accepted');
    if (aare.result !== 'accepted') {
      this.#step('rx-aare-rejected');
      this.#events.push({ type: 'rejected', result: aare.result, diagnostic: aare.diagnostic, serviceError: info?.type === 'confirmed-service-error' ? info : null });
      return;
    }
    if (info?.type !== 'initiate-response') throw new DlmsError('DLMS_BAD_APDU', 'an accepted AARE carries no InitiateResponse');
    this.#negotiated = { conformance: info.conformance, serverMaxReceivePduSize: info.serverMaxReceivePduSize };
    if (this.#o.mechanism === 'hls-gmac') return this.#hlsPass3(aare.respondingAuthenticationValue);
    this.#step('rx-aare-accepted');
    this.#associated();
  }

  /**
   * The AARE user-information, deciphered per policy. A rejected AARE may carry a plain
   * ConfirmedServiceError even under a ciphering policy: a meter that cannot decipher the AARQ
   * (wrong key) or refuses its invocation counter has nothing to cipher the answer with, and the
   * rejection is reported as such rather than as a security failure.
   */
  #userInfo(info: NonNullable<Extract<Apdu, { type: 'aare' }>['userInformation']>, rejected: boolean): Apdu {
    if (info.type !== 'ciphered') {
      if (this.#channel.ciphered && !(rejected && info.type === 'confirmed-service-error')) throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', `security policy ${this.#o.securityPolicy} refuses a plain AARE user-information`);
      return info;
    }
    return this.#open(encodeApdu(info));
  }

  #associated(): void {
    const n = this.#negotiated!;
    this.#events.push({ type: 'associated', conformance: n.conformance, serverMaxReceivePduSize: n.serverMaxReceivePduSize, serverSystemTitle: this.#serverTitle ?? null });
  }

  /** HLS pass 3: ACTION reply_to_HLS_authentication on the current association with f(StoC). */
  #hlsPass3(stoc: Uint8Array | null): void {
    if (stoc === null || this.#serverTitle === undefined) {
      throw new DlmsError('DLMS_BAD_APDU', 'an HLS-GMAC AARE needs the StoC challenge and the server system title');
    }
    const { ek, ak } = this.#channel.keys;
    const f = hlsGmacResponse({ systemTitle: this.#o.clientSystemTitle, invocationCounter: this.#channel.nextCounter(), ek, ak, challenge: stoc });
    const apdu = this.#request('hls', (invokeId) => ({
      type: 'action-request', kind: 'normal', invoke: invoke(invokeId),
      method: { classId: CURRENT_ASSOCIATION.classId, logicalName: CURRENT_ASSOCIATION.logicalName, methodId: CURRENT_ASSOCIATION.replyToHlsMethod },
      parameters: encodeData({ type: 'octet-string', value: f }),
    }));
    this.#step('rx-aare-hls');
    this.#events.push({ type: 'transmit', apdu });
  }

  /** HLS pass 4: the server's f(CtoS) must verify under the server system title. */
  #onHlsReply(apdu: Apdu): void {
    const pending = this.#expectInvoke(apdu);
    if (apdu.type !== 'action-response' || apdu.kind !== 'normal' || pending.kind !== 'hls') throw unexpected(apdu.type, 'the HLS ACTION-Response');
    const ret = apdu.returnParameters;
    if (apdu.result !== 'success' || ret === null || !('data' in ret)) {
      throw new DlmsError('DLMS_SECURITY_BAD_TAG', `the server refused HLS-GMAC authentication (${apdu.result})`, { details: { result: apdu.result } });
    }
    const value = dataOf(ret.data);
    if (value.type !== 'octet-string') throw new DlmsError('DLMS_SECURITY_MALFORMED', 'the HLS reply is not an octet-string');
    const { ek, ak } = this.#channel.keys;
    verifyHlsGmacResponse({ systemTitle: this.#serverTitle!, ek, ak, challenge: this.#ctos!, response: value.value });
    this.#pending = null;
    this.#step('rx-hls-verified');
    this.#associated();
  }

  #expectInvoke(apdu: Apdu): Pending {
    const pending = this.#pending!;
    if (apdu.type === 'exception-response') return pending;
    const got = 'invoke' in apdu ? apdu.invoke.invokeId : undefined;
    if (got !== pending.invokeId) {
      throw new DlmsError('DLMS_BAD_APDU', `response invoke id ${String(got)} does not match the request's ${pending.invokeId}`, {
        details: { expected: pending.invokeId, received: got ?? null },
      });
    }
    return pending;
  }

  #onResponse(apdu: Apdu): void {
    const pending = this.#expectInvoke(apdu);
    const { invokeId } = pending;
    if (apdu.type === 'exception-response') {
      this.#done('rx-exception', { type: 'exception', exception: apdu });
    } else if (apdu.type === 'get-response' && pending.kind === 'get' && apdu.kind === 'normal') {
      this.#done('rx-response', 'data' in apdu.result
        ? { type: 'response', invokeId, data: apdu.result.data, blocks: 0 }
        : { type: 'response', invokeId, error: apdu.result.error, blocks: 0 });
    } else if (apdu.type === 'get-response' && pending.kind === 'get-list' && apdu.kind === 'with-list') {
      this.#onList(pending, apdu.results, 0);
    } else if (apdu.type === 'get-response' && (pending.kind === 'get' || pending.kind === 'get-list') && apdu.kind === 'with-datablock') {
      this.#onBlock(pending, apdu.block);
    } else if (apdu.type === 'set-response' && pending.kind === 'set' && apdu.kind === 'normal') {
      this.#done('rx-response', { type: 'set-result', invokeId, result: apdu.result });
    } else if (apdu.type === 'action-response' && pending.kind === 'action' && apdu.kind === 'normal') {
      this.#done('rx-response', { type: 'action-result', invokeId, result: apdu.result, returnParameters: apdu.returnParameters });
    } else {
      throw unexpected(`${apdu.type}${'kind' in apdu ? ` (${apdu.kind})` : ''}`, `the answer to a ${pending.kind} request`);
    }
  }

  /** A GET data block: checks its number, collects it, asks for the next one until the last. */
  #onBlock(pending: Pending, block: Extract<Apdu, { type: 'get-response'; kind: 'with-datablock' }>['block']): void {
    const expected = pending.blocks.length + 1;
    if (block.blockNumber !== expected) {
      throw new DlmsError('DLMS_BAD_APDU', `GET data block ${block.blockNumber} received, ${expected} expected`, { details: { expected, received: block.blockNumber } });
    }
    if ('error' in block) {
      this.#done('rx-response', { type: 'response', invokeId: pending.invokeId, error: block.error, blocks: expected });
      return;
    }
    pending.blocks.push(Uint8Array.from(block.rawData));
    if (!block.lastBlock) {
      const next = this.#channel.wrap(encodeApdu({ type: 'get-request', kind: 'next', invoke: invoke(pending.invokeId), blockNumber: block.blockNumber }));
      this.#step('rx-block');
      this.#events.push({ type: 'transmit', apdu: next });
      return;
    }
    const data = Uint8Array.from(Buffer.concat(pending.blocks));
    if (pending.kind === 'get-list') {
      this.#onList(pending, decodeResultList(data), expected);
      return;
    }
    if (skipData(data) !== data.length) throw new DlmsError('DLMS_TRAILING_DATA', 'octets left after the Data reassembled from GET data blocks');
    this.#done('rx-response', { type: 'response', invokeId: pending.invokeId, data, blocks: expected });
  }

  #onList(pending: Pending, results: readonly GetDataResult[], blocks: number): void {
    if (results.length !== pending.count) {
      throw new DlmsError('DLMS_BAD_APDU', `${results.length} result(s) for a GET with ${pending.count} attribute(s)`, { details: { expected: pending.count, received: results.length } });
    }
    this.#done('rx-response', { type: 'list-response', invokeId: pending.invokeId, results, blocks });
  }

  #done(event: ClientEventKind, out: ClientEvent): void {
    this.#step(event);
    this.#pending = null;
    this.#events.push(out);
  }

  #onRelease(bytes: Uint8Array): void {
    const apdu = decodeApdu(bytes);
    if (apdu.type !== 'rlre') throw unexpected(apdu.type, 'an RLRE');
    this.#step('rx-rlre');
    this.#events.push({ type: 'released' });
  }
}

function unexpected(got: string, wanted: string): DlmsError {
  return new DlmsError('DLMS_BAD_APDU', `received ${got} where ${wanted} was expected`, { details: { received: got } });
}
