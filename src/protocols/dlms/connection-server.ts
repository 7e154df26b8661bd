/**
 * Server (meter) side of a DLMS/COSEM association, sans-IO, for the simulated meters: `receive(apdu)`
 * returns the APDU to answer with; what happened (associated, released, rejected, typed errors) is
 * queued for `nextEvent()`. The lifecycle is the SERVER_TRANSITIONS table: a request the table does
 * not allow in the current state is answered with an ExceptionResponse (service-not-allowed) and
 * reported as a DLMS_ILLEGAL_STATE error event naming state and event.
 *
 * Association: AARE accept / reject with the ACSE diagnostics (wrong password → authentication-failure,
 * mechanism not offered → mechanism-name-not-recognised, …); HLS-GMAC passes 3/4 on the current
 * association; GET normal (split into GET-Response-with-datablock blocks by the negotiated PDU
 * size, served by GET-Request-Next), SET, ACTION, RLRQ → RLRE. Ciphering per policy with this
 * meter's system title and send counter; replayed client frames are refused
 * (DLMS_SECURITY_REPLAY, security event through the replay guard's sink).
 */
import { randomBytes } from 'node:crypto';
import { DlmsError, isDlmsError } from './errors.ts';
import {
  conformance as conformanceOf, CONFORMANCE_BITS, dataOf, decodeApdu, encodeApdu,
  type AccessSelection, type ActionResult, type Apdu, type Aarq, type AttributeDescriptor, type Conformance, type ConformanceFlag,
  type DataAccessResult, type GetDataResult, type MethodDescriptor, type ResultSourceDiagnostic,
} from './apdu/index.ts';
import { ACSE_SERVICE_USER_DIAGNOSTIC } from './apdu/aare.ts';
import { INITIATE_ERROR } from './apdu/confirmed-service-error.ts';
import { VAA_NAME_LN } from './apdu/initiate-response.ts';
import { encodeResultList } from './apdu/get-response.ts';
import { encodeData, type DlmsData } from './axdr/index.ts';
import { hlsGmacResponse, verifyHlsGmacResponse, type ReplayGuard, type SendCounters } from './security/index.ts';
import { SecureChannel } from './association/secure-channel.ts';
import {
  applicationContextFor, DLMS_VERSION, isCurrentAssociationHls, MECHANISM_NAME, mechanismOf, sameBytes, transition,
  type AssociationKeys, type AuthMechanism, type SecurityPolicy,
} from './association/types.ts';

export type ServerState = 'idle' | 'awaiting-hls' | 'associated';
export type ServerEventKind = 'aarq-accept' | 'aarq-hls' | 'aarq-reject' | 'hls-ok' | 'hls-fail' | 'get' | 'get-next' | 'set' | 'action' | 'rlrq';

const ASSOCIATE = { 'aarq-accept': 'associated', 'aarq-hls': 'awaiting-hls', 'aarq-reject': 'idle' } as const;

export const SERVER_TRANSITIONS: Record<ServerState, Partial<Record<ServerEventKind, ServerState>>> = {
  idle: { ...ASSOCIATE },
  'awaiting-hls': { ...ASSOCIATE, 'hls-ok': 'associated', 'hls-fail': 'idle', rlrq: 'idle' },
  associated: { ...ASSOCIATE, get: 'associated', 'get-next': 'associated', set: 'associated', action: 'associated', rlrq: 'idle' },
};

/** The COSEM object model behind the server: plain functions, typically a simulated meter. */
export interface CosemHandler {
  /** Attribute value (Data, or its A-XDR octets when already encoded) or why it cannot be read. */
  get(attribute: AttributeDescriptor, access: AccessSelection | null): DlmsData | Uint8Array | { readonly error: DataAccessResult };
  set?(attribute: AttributeDescriptor, access: AccessSelection | null, value: DlmsData): DataAccessResult;
  action?(method: MethodDescriptor, parameters: DlmsData | null): { readonly result: ActionResult; readonly returnData?: DlmsData };
}

export interface DlmsServerOptions {
  readonly systemTitle: Uint8Array;
  /** The one mechanism this association (client SAP) accepts. */
  readonly mechanism: AuthMechanism;
  readonly password?: Uint8Array;
  readonly keys?: AssociationKeys;
  readonly securityPolicy: SecurityPolicy;
  readonly replayGuard?: ReplayGuard;
  readonly sendCounters?: SendCounters;
  readonly handler: CosemHandler;
  /** server-max-receive-pdu-size, also the most this server sends in one APDU (default 1024). */
  readonly maxPduSize?: number;
  /** What the server offers; the negotiated block is the AND with the client's proposal. */
  readonly conformance?: Conformance;
  /** StoC challenge source for HLS (default: 16 random octets). */
  readonly challenge?: () => Uint8Array;
  readonly generalGlo?: boolean;
}

export type ServerEvent =
  | { readonly type: 'associated'; readonly clientSystemTitle: Uint8Array | null; readonly mechanism: AuthMechanism; readonly conformance: Conformance }
  | { readonly type: 'rejected'; readonly diagnostic: ResultSourceDiagnostic }
  | { readonly type: 'released' }
  | { readonly type: 'error'; readonly error: DlmsError };

const DEFAULT_CONFORMANCE = conformanceOf(
  'get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read', 'attribute0-supported-with-get', 'multiple-references',
);
/** GET-Response-with-datablock header: tag, choice, invoke, last-block, block-number, choice, raw-data length (≤ 3). */
const BLOCK_HEADER = 13;
/** Worst-case ciphering overhead: tag, BER length, (general: system title), SC, IC, GCM tag. */
const CIPHER_OVERHEAD = 33;

type Diagnostic = keyof typeof ACSE_SERVICE_USER_DIAGNOSTIC;

interface LongGet {
  readonly invokeId: number;
  readonly data: Uint8Array;
  offset: number;
  blockNumber: number;
}

const and = (a: Conformance, b: Conformance): Conformance =>
  conformanceOf(...CONFORMANCE_BITS.filter((f: ConformanceFlag) => a[f] && b[f]));

const illegalResponse = (): Uint8Array => encodeApdu({ type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'operation-not-possible' });

class Rejection extends Error {
  constructor(readonly diagnostic: Diagnostic, readonly error: DlmsError, readonly initiateError?: keyof typeof INITIATE_ERROR) {
    super(error.message);
  }
}

export class DlmsServerConnection {
  #state: ServerState = 'idle';
  readonly #o: DlmsServerOptions;
  readonly #channel: SecureChannel;
  readonly #events: ServerEvent[] = [];
  #clientTitle: Uint8Array | undefined;
  #ctos: Uint8Array | null = null;
  #stoc: Uint8Array | null = null;
  #clientMaxPdu = 0xffff;
  #longGet: LongGet | null = null;
  #conformance: Conformance = DEFAULT_CONFORMANCE;

  constructor(o: DlmsServerOptions) {
    if (o.mechanism === 'low' && o.password === undefined) throw new DlmsError('DLMS_BAD_VALUE', 'mechanism low needs a password');
    if (o.mechanism === 'hls-gmac' && o.keys === undefined) throw new DlmsError('DLMS_SECURITY_BAD_KEY', 'mechanism hls-gmac needs keys');
    this.#o = o;
    this.#channel = new SecureChannel({
      policy: o.securityPolicy, ownSystemTitle: o.systemTitle, keys: o.keys, sendCounters: o.sendCounters, replayGuard: o.replayGuard, general: o.generalGlo,
    });
  }

  get state(): ServerState { return this.#state; }

  nextEvent(): ServerEvent | undefined {
    return this.#events.shift();
  }

  /** One client APDU in, the answer out. */
  receive(apdu: Uint8Array): Uint8Array {
    if (apdu[0] === 0x60) return this.#onAarq(apdu);
    if (apdu[0] === 0x62) return this.#onRlrq(apdu);
    if (this.#state === 'idle') return this.#refuse(new DlmsError('DLMS_ILLEGAL_STATE', 'DLMS server: a request arrived before association', { details: { state: 'idle', event: 'request' } }));
    let plain: Uint8Array;
    try {
      plain = this.#channel.unwrap(apdu, this.#clientTitle);
    } catch (err) {
      return this.#securityFailure(err);
    }
    try {
      return this.#serve(decodeApdu(plain));
    } catch (err) {
      if (!isDlmsError(err)) throw err;
      return this.#refuse(err, err.code === 'DLMS_ILLEGAL_STATE' ? undefined : 'service-unknown');
    }
  }

  #error(error: DlmsError): void {
    this.#events.push({ type: 'error', error });
  }

  #refuse(error: DlmsError, state: 'service-not-allowed' | 'service-unknown' = 'service-not-allowed'): Uint8Array {
    this.#error(error);
    if (state === 'service-unknown') return encodeApdu({ type: 'exception-response', stateError: state, serviceError: 'service-not-supported' });
    return illegalResponse();
  }

  /** Replay → invocation-counter-error carrying the counter the server expects; anything else → deciphering-error. */
  #securityFailure(err: unknown): Uint8Array {
    if (!isDlmsError(err)) throw err;
    this.#error(err);
    if (err.code === 'DLMS_SECURITY_REPLAY' && this.#clientTitle !== undefined) {
      const last = this.#o.replayGuard?.lastAccepted(this.#clientTitle) ?? 0;
      return encodeApdu({ type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'invocation-counter-error', invocationCounter: Math.min(last + 1, 0xffffffff) });
    }
    return encodeApdu({ type: 'exception-response', stateError: 'service-not-allowed', serviceError: 'deciphering-error' });
  }

  #step(event: ServerEventKind): void {
    this.#state = transition('DLMS server', SERVER_TRANSITIONS, this.#state, event);
  }

  // ---- association ----

  #onAarq(bytes: Uint8Array): Uint8Array {
    this.#longGet = null;
    let aarq: Aarq;
    try {
      aarq = decodeApdu(bytes) as Aarq;
    } catch (err) {
      if (!isDlmsError(err)) throw err;
      return this.#reject(new Rejection('no-reason-given', err));
    }
    try {
      return this.#accept(aarq);
    } catch (err) {
      if (err instanceof Rejection) return this.#reject(err);
      throw err;
    }
  }

  #reject(r: Rejection): Uint8Array {
    this.#step('aarq-reject');
    this.#error(r.error);
    const diagnostic: ResultSourceDiagnostic = { source: 'acse-service-user', value: ACSE_SERVICE_USER_DIAGNOSTIC[r.diagnostic] };
    this.#events.push({ type: 'rejected', diagnostic });
    return encodeApdu({
      type: 'aare', applicationContext: applicationContextFor(this.#o.securityPolicy), result: 'rejected-permanent', diagnostic,
      respondingApTitle: null, mechanism: null, respondingAuthenticationValue: null, other: [],
      userInformation: r.initiateError === undefined ? null : { type: 'confirmed-service-error', service: 'initiate', family: 'initiate', code: INITIATE_ERROR[r.initiateError] },
    });
  }

  #accept(aarq: Aarq): Uint8Array {
    const o = this.#o;
    const reject = (d: Diagnostic, message: string, code: DlmsError['code'] = 'DLMS_BAD_APDU', initiate?: keyof typeof INITIATE_ERROR): never => {
      throw new Rejection(d, new DlmsError(code, `AARQ rejected: ${message}`), initiate);
    };
    if (aarq.applicationContext !== applicationContextFor(o.securityPolicy)) reject('application-context-name-not-supported', `application context ${aarq.applicationContext}`);
    const asked = mechanismOf(aarq.mechanism);
    const mechanism = o.mechanism;
    if (asked !== mechanism) {
      reject(asked === 'lowest' ? 'authentication-required' : 'authentication-mechanism-name-not-recognised', `mechanism ${String(aarq.mechanism)} is not ${o.mechanism}`, 'DLMS_UNSUPPORTED_APDU');
    }
    const title = aarq.callingApTitle;
    if ((this.#channel.ciphered || mechanism === 'hls-gmac') && title?.length !== 8) reject('calling-ap-title-not-recognized', 'an 8-octet calling-AP-title is required');
    this.#clientTitle = title ?? undefined;
    if (mechanism === 'low' && !samePassword(aarq.callingAuthenticationValue, o.password!)) reject('authentication-failure', 'wrong password', 'DLMS_SECURITY_BAD_TAG');
    const initiate = this.#initiate(aarq, reject);
    const negotiated = and(initiate.conformance, o.conformance ?? DEFAULT_CONFORMANCE);
    if (!negotiated.get && !negotiated.set && !negotiated.action) reject('no-reason-given', 'no common conformance', 'DLMS_BAD_VALUE', 'incompatible-conformance');
    this.#conformance = negotiated;
    this.#clientMaxPdu = initiate.clientMaxReceivePduSize === 0 ? 0xffff : initiate.clientMaxReceivePduSize;
    const hls = mechanism === 'hls-gmac';
    if (hls) {
      const ctos = aarq.callingAuthenticationValue;
      if (ctos === null || ctos.length < 8 || ctos.length > 64) reject('authentication-failure', 'the CtoS challenge must be 8..64 octets', 'DLMS_SECURITY_MALFORMED');
      this.#ctos = ctos;
      this.#stoc = (o.challenge ?? (() => Uint8Array.from(randomBytes(16))))();
    }
    const info = this.#channel.wrap(encodeApdu({
      type: 'initiate-response', negotiatedQualityOfService: null, dlmsVersion: DLMS_VERSION, conformance: negotiated,
      serverMaxReceivePduSize: o.maxPduSize ?? 1024, vaaName: VAA_NAME_LN,
    }));
    this.#step(hls ? 'aarq-hls' : 'aarq-accept');
    if (!hls) this.#events.push({ type: 'associated', clientSystemTitle: this.#clientTitle ?? null, mechanism, conformance: negotiated });
    return encodeApdu({
      type: 'aare', applicationContext: aarq.applicationContext, result: 'accepted',
      diagnostic: { source: 'acse-service-user', value: ACSE_SERVICE_USER_DIAGNOSTIC[hls ? 'authentication-required' : 'null'] },
      respondingApTitle: this.#channel.ciphered || hls ? o.systemTitle : null, mechanism: MECHANISM_NAME[mechanism],
      respondingAuthenticationValue: hls ? this.#stoc : null,
      userInformation: decodeApdu(info) as Extract<Apdu, { type: 'initiate-response' | 'ciphered' }>,
      other: [],
    });
  }

  /** The (deciphered) InitiateRequest; deciphering runs the replay guard on the client's counter. */
  #initiate(aarq: Aarq, reject: (d: Diagnostic, m: string, c?: DlmsError['code'], i?: keyof typeof INITIATE_ERROR) => never) {
    const info = aarq.userInformation;
    if (info === null) return reject('no-reason-given', 'no InitiateRequest in user-information');
    let apdu: Apdu;
    try {
      apdu = info.type === 'ciphered' || this.#channel.ciphered ? decodeApdu(this.#channel.unwrap(encodeApdu(info), this.#clientTitle)) : info;
    } catch (err) {
      if (!isDlmsError(err)) throw err;
      throw new Rejection('no-reason-given', err, 'other');
    }
    if (apdu.type !== 'initiate-request') return reject('no-reason-given', `${apdu.type} in user-information`);
    if (apdu.dlmsVersion < DLMS_VERSION) return reject('no-reason-given', `DLMS version ${apdu.dlmsVersion}`, 'DLMS_UNSUPPORTED_APDU', 'dlms-version-too-low');
    return apdu;
  }

  #onRlrq(bytes: Uint8Array): Uint8Array {
    try {
      decodeApdu(bytes);
      this.#step('rlrq');
    } catch (err) {
      if (!isDlmsError(err)) throw err;
      return this.#refuse(err);
    }
    this.#longGet = null;
    this.#events.push({ type: 'released' });
    return encodeApdu({ type: 'rlre', reason: 'normal', userInformation: null });
  }

  // ---- services ----

  #serve(apdu: Apdu): Uint8Array {
    if (apdu.type === 'get-request' && apdu.kind === 'normal') {
      this.#step('get');
      return this.#get(apdu.invoke.invokeId, apdu.attribute, apdu.access);
    }
    if (apdu.type === 'get-request' && apdu.kind === 'with-list') {
      this.#step('get');
      return this.#getList(apdu.invoke.invokeId, apdu.items);
    }
    if (apdu.type === 'get-request' && apdu.kind === 'next') {
      this.#step('get-next');
      return this.#getNext(apdu.invoke.invokeId, apdu.blockNumber);
    }
    if (apdu.type === 'set-request' && apdu.kind === 'normal') {
      this.#step('set');
      const result = this.#o.handler.set?.(apdu.attribute, apdu.access, dataOf(apdu.value)) ?? 'read-write-denied';
      return this.#channel.wrap(encodeApdu({ type: 'set-response', kind: 'normal', invoke: apdu.invoke, result }));
    }
    if (apdu.type === 'action-request' && apdu.kind === 'normal') {
      if (this.#state === 'awaiting-hls' && isCurrentAssociationHls(apdu.method)) return this.#hlsPass3(apdu.invoke, apdu.parameters);
      this.#step('action');
      const out = this.#o.handler.action?.(apdu.method, apdu.parameters === null ? null : dataOf(apdu.parameters)) ?? { result: 'read-write-denied' as const };
      const returnParameters: GetDataResult | null = out.returnData === undefined ? null : { data: encodeData(out.returnData) };
      return this.#channel.wrap(encodeApdu({ type: 'action-response', kind: 'normal', invoke: apdu.invoke, result: out.result, returnParameters }));
    }
    throw new DlmsError('DLMS_UNSUPPORTED_APDU', `${apdu.type}${'kind' in apdu ? ` (${apdu.kind})` : ''} is not served`);
  }

  /** HLS pass 3 (client's f(StoC)) checked; pass 4 answers with f(CtoS) under this meter's system title. */
  #hlsPass3(invoke: Extract<Apdu, { type: 'action-request' }>['invoke'], parameters: Uint8Array | null): Uint8Array {
    const { ek, ak } = this.#channel.keys;
    try {
      const f = parameters === null ? null : dataOf(parameters);
      if (f?.type !== 'octet-string') throw new DlmsError('DLMS_SECURITY_MALFORMED', 'reply_to_HLS_authentication needs an octet-string');
      verifyHlsGmacResponse({ systemTitle: this.#clientTitle!, ek, ak, challenge: this.#stoc!, response: f.value });
    } catch (err) {
      if (!isDlmsError(err)) throw err;
      this.#step('hls-fail');
      this.#error(err);
      return this.#channel.wrap(encodeApdu({ type: 'action-response', kind: 'normal', invoke, result: 'read-write-denied', returnParameters: null }));
    }
    const reply = hlsGmacResponse({ systemTitle: this.#o.systemTitle, invocationCounter: this.#channel.nextCounter(), ek, ak, challenge: this.#ctos! });
    this.#step('hls-ok');
    this.#events.push({ type: 'associated', clientSystemTitle: this.#clientTitle ?? null, mechanism: 'hls-gmac', conformance: this.#conformance });
    const returnParameters = { data: encodeData({ type: 'octet-string', value: reply }) };
    return this.#channel.wrap(encodeApdu({ type: 'action-response', kind: 'normal', invoke, result: 'success', returnParameters }));
  }

  /** Largest APDU this server may send: its own limit and what the client can receive. */
  get #limit(): number {
    return Math.min(this.#o.maxPduSize ?? 1024, this.#clientMaxPdu);
  }

  #get(invokeId: number, attribute: AttributeDescriptor, access: AccessSelection | null): Uint8Array {
    this.#longGet = null;
    const value = this.#o.handler.get(attribute, access);
    const invoke = { invokeId, confirmed: true, highPriority: true };
    if (!(value instanceof Uint8Array) && 'error' in value) {
      return this.#channel.wrap(encodeApdu({ type: 'get-response', kind: 'normal', invoke, result: { error: value.error } }));
    }
    const data = value instanceof Uint8Array ? value : encodeData(value);
    const normal = encodeApdu({ type: 'get-response', kind: 'normal', invoke, result: { data } });
    if (normal.length + (this.#channel.ciphered ? CIPHER_OVERHEAD : 0) <= this.#limit) return this.#channel.wrap(normal);
    this.#longGet = { invokeId, data, offset: 0, blockNumber: 0 };
    return this.#nextBlock(this.#longGet);
  }

  /** One result per attribute; a list too long for one APDU goes out in data blocks like a long value. */
  #getList(invokeId: number, items: readonly { readonly attribute: AttributeDescriptor; readonly access: AccessSelection | null }[]): Uint8Array {
    this.#longGet = null;
    const results: GetDataResult[] = items.map(({ attribute, access }) => {
      const value = this.#o.handler.get(attribute, access);
      if (!(value instanceof Uint8Array) && 'error' in value) return { error: value.error };
      return { data: value instanceof Uint8Array ? value : encodeData(value) };
    });
    const invoke = { invokeId, confirmed: true, highPriority: true };
    const whole = encodeApdu({ type: 'get-response', kind: 'with-list', invoke, results });
    if (whole.length + (this.#channel.ciphered ? CIPHER_OVERHEAD : 0) <= this.#limit) return this.#channel.wrap(whole);
    this.#longGet = { invokeId, data: encodeResultList(results), offset: 0, blockNumber: 0 };
    return this.#nextBlock(this.#longGet);
  }

  #getNext(invokeId: number, blockNumber: number): Uint8Array {
    const long = this.#longGet;
    const invoke = { invokeId, confirmed: true, highPriority: true };
    const refuse = (error: DataAccessResult): Uint8Array =>
      this.#channel.wrap(encodeApdu({ type: 'get-response', kind: 'with-datablock', invoke, block: { lastBlock: true, blockNumber, error } }));
    if (long === null || long.invokeId !== invokeId) return refuse('no-long-get-in-progress');
    if (blockNumber !== long.blockNumber) {
      this.#longGet = null;
      return refuse('data-block-number-invalid');
    }
    return this.#nextBlock(long);
  }

  #nextBlock(long: LongGet): Uint8Array {
    const chunk = this.#limit - BLOCK_HEADER - (this.#channel.ciphered ? CIPHER_OVERHEAD : 0);
    if (chunk < 1) throw new DlmsError('DLMS_BAD_VALUE', `a PDU size of ${this.#limit} leaves no room for a data block`);
    const rawData = long.data.subarray(long.offset, long.offset + chunk);
    long.offset += rawData.length;
    long.blockNumber += 1;
    const lastBlock = long.offset >= long.data.length;
    if (lastBlock) this.#longGet = null;
    const invoke = { invokeId: long.invokeId, confirmed: true, highPriority: true };
    return this.#channel.wrap(encodeApdu({ type: 'get-response', kind: 'with-datablock', invoke, block: { lastBlock, blockNumber: long.blockNumber, rawData } }));
  }
}

function samePassword(given: Uint8Array | null, expected: Uint8Array): boolean {
  return given !== null && sameBytes(given, expected);
}
