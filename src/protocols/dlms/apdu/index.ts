/**
 * xDLMS and ACSE APDUs (IEC 62056-5-3, DOMAIN §2.5): one module per APDU with its TAG, read/write
 * and decode/encode; `decodeApdu` dispatches on the first octet through a typed handler registry,
 * `encodeApdu` on the `type` field. Sans-IO: bytes in, typed objects out, DlmsErrors with offsets.
 */
import * as aare from './aare.ts';
import * as aarq from './aarq.ts';
import * as actionRequest from './action-request.ts';
import * as actionResponse from './action-response.ts';
import * as ciphered from './ciphered.ts';
import * as confirmedServiceError from './confirmed-service-error.ts';
import * as dataNotification from './data-notification.ts';
import * as exceptionResponse from './exception-response.ts';
import * as getRequest from './get-request.ts';
import * as getResponse from './get-response.ts';
import * as initiateRequest from './initiate-request.ts';
import * as initiateResponse from './initiate-response.ts';
import * as rlre from './rlre.ts';
import * as rlrq from './rlrq.ts';
import * as setRequest from './set-request.ts';
import * as setResponse from './set-response.ts';
import { ApduReader, ApduWriter, hex2 } from './cursor.ts';
import { decodeWhole, encodeWhole } from './codec.ts';
import { DlmsError } from '../errors.ts';

export type Apdu =
  | aarq.Aarq
  | aare.Aare
  | rlrq.Rlrq
  | rlre.Rlre
  | initiateRequest.InitiateRequest
  | initiateResponse.InitiateResponse
  | confirmedServiceError.ConfirmedServiceError
  | getRequest.GetRequest
  | getResponse.GetResponse
  | setRequest.SetRequest
  | setResponse.SetResponse
  | actionRequest.ActionRequest
  | actionResponse.ActionResponse
  | dataNotification.DataNotification
  | exceptionResponse.ExceptionResponse
  | ciphered.Ciphered;

export type ApduType = Apdu['type'];
export type ApduOf<T extends ApduType> = Extract<Apdu, { type: T }>;

/** One handler per APDU type: the tags it owns and its read/write. */
interface Handler<T extends ApduType> {
  readonly tags: readonly number[];
  readonly read: (r: ApduReader) => ApduOf<T>;
  readonly write: (w: ApduWriter, v: ApduOf<T>) => void;
}

type Registry = { readonly [T in ApduType]: Handler<T> };

const one = (m: { TAG: number }): readonly number[] => [m.TAG];

export const HANDLERS: Registry = {
  aarq: { tags: one(aarq), read: aarq.read, write: aarq.write },
  aare: { tags: one(aare), read: aare.read, write: aare.write },
  rlrq: { tags: one(rlrq), read: rlrq.read, write: rlrq.write },
  rlre: { tags: one(rlre), read: rlre.read, write: rlre.write },
  'initiate-request': { tags: one(initiateRequest), read: initiateRequest.read, write: initiateRequest.write },
  'initiate-response': { tags: one(initiateResponse), read: initiateResponse.read, write: initiateResponse.write },
  'confirmed-service-error': { tags: one(confirmedServiceError), read: confirmedServiceError.read, write: confirmedServiceError.write },
  'get-request': { tags: one(getRequest), read: getRequest.read, write: getRequest.write },
  'get-response': { tags: one(getResponse), read: getResponse.read, write: getResponse.write },
  'set-request': { tags: one(setRequest), read: setRequest.read, write: setRequest.write },
  'set-response': { tags: one(setResponse), read: setResponse.read, write: setResponse.write },
  'action-request': { tags: one(actionRequest), read: actionRequest.read, write: actionRequest.write },
  'action-response': { tags: one(actionResponse), read: actionResponse.read, write: actionResponse.write },
  'data-notification': { tags: one(dataNotification), read: dataNotification.read, write: dataNotification.write },
  'exception-response': { tags: one(exceptionResponse), read: exceptionResponse.read, write: exceptionResponse.write },
  ciphered: { tags: ciphered.TAGS, read: ciphered.read, write: ciphered.write },
};

/** Known xDLMS tags this codec does not handle (DOMAIN §2.5), reported as unsupported rather than unknown. */
const UNSUPPORTED_TAGS: ReadonlyMap<number, string> = new Map([
  [0xc2, 'event-notification-request'], [0xca, 'glo-event-notification'], [0xd0, 'ded-get-request'], [0xd4, 'ded-get-response'],
  [0xd9, 'access-request'], [0xda, 'access-response'], [0xdc, 'general-ded-ciphering'], [0xdd, 'general-ciphering'],
  [0xdf, 'general-signing'], [0xe0, 'general-block-transfer'],
]);

const READ_BY_TAG = new Map<number, (r: ApduReader) => Apdu>();
for (const h of Object.values(HANDLERS) as Handler<ApduType>[]) for (const t of h.tags) READ_BY_TAG.set(t, h.read);

function readApdu(r: ApduReader): Apdu {
  const tag = r.bytes[r.pos];
  if (tag === undefined) throw new DlmsError('DLMS_TRUNCATED', `APDU tag needs 1 octet at offset ${r.pos}, 0 left`, { offset: r.pos });
  const read = READ_BY_TAG.get(tag);
  if (read !== undefined) return read(r);
  const name = UNSUPPORTED_TAGS.get(tag);
  if (name !== undefined) throw new DlmsError('DLMS_UNSUPPORTED_APDU', `${name} (${hex2(tag)}) at offset ${r.pos} is not supported`, { offset: r.pos });
  throw new DlmsError('DLMS_BAD_TAG', `${hex2(tag)} at offset ${r.pos} is not an xDLMS or ACSE APDU tag`, { offset: r.pos });
}

/** Decode one APDU filling all of `bytes` (DLMS_BAD_APDU on trailing octets). */
export function decodeApdu(bytes: Uint8Array): Apdu {
  return decodeWhole(bytes, 'APDU', readApdu);
}

export function encodeApdu(apdu: Apdu): Uint8Array {
  const h = HANDLERS[apdu.type] as Handler<ApduType> | undefined;
  if (h === undefined) throw new DlmsError('DLMS_UNSUPPORTED_APDU', `APDU type "${String(apdu.type)}" is not known`);
  return encodeWhole(apdu, h.write);
}

export { aare, aarq, actionRequest, actionResponse, ciphered, confirmedServiceError, dataNotification, exceptionResponse, getRequest, getResponse, initiateRequest, initiateResponse, rlre, rlrq, setRequest, setResponse };
export type { Aarq } from './aarq.ts';
export type { Aare, AssociationResult, ResultSourceDiagnostic } from './aare.ts';
export type { Rlrq, ReleaseRequestReason } from './rlrq.ts';
export type { Rlre, ReleaseResponseReason } from './rlre.ts';
export type { InitiateRequest } from './initiate-request.ts';
export type { InitiateResponse } from './initiate-response.ts';
export type { ConfirmedServiceError } from './confirmed-service-error.ts';
export type { GetRequest, AttributeRequest } from './get-request.ts';
export type { GetResponse, DataBlockG } from './get-response.ts';
export type { SetRequest } from './set-request.ts';
export type { SetResponse } from './set-response.ts';
export type { ActionRequest } from './action-request.ts';
export type { ActionResponse, ActionOutcome } from './action-response.ts';
export type { DataNotification } from './data-notification.ts';
export type { ExceptionResponse } from './exception-response.ts';
export type { Ciphered } from './ciphered.ts';
export type { RequestUserInformation, ResponseUserInformation } from './user-information.ts';
export * from './common.ts';
export { APPLICATION_CONTEXT, MECHANISM, type AcseComponent, type ApplicationContext, type Mechanism } from './acse.ts';
export { CONFORMANCE_BITS, conformance, conformanceFromBits, conformanceToBits, type Conformance, type ConformanceFlag } from './conformance-block.ts';
export { captureObjectFromData, captureObjectToData, selectionParameters, type AccessSelection, type CaptureObject, type EntryDescriptor, type RangeDescriptor } from './selective-access.ts';
export { dataOf, offsetIn, skipData } from './data-span.ts';
