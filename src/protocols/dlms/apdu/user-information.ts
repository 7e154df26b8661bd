/** The xDLMS APDUs an ACSE user-information field may carry, dispatched by their first octet. */
import * as ciphered from './ciphered.ts';
import * as confirmedServiceError from './confirmed-service-error.ts';
import * as initiateRequest from './initiate-request.ts';
import * as initiateResponse from './initiate-response.ts';
import { ApduReader, ApduWriter, hex2 } from './cursor.ts';
import { DlmsError } from '../errors.ts';

export type RequestUserInformation = initiateRequest.InitiateRequest | ciphered.Ciphered;
export type ResponseUserInformation = initiateResponse.InitiateResponse | confirmedServiceError.ConfirmedServiceError | ciphered.Ciphered;

function unexpected(r: ApduReader, what: string): DlmsError {
  const b = r.bytes[r.pos];
  return new DlmsError('DLMS_BAD_TAG', `${b === undefined ? 'nothing' : hex2(b)} at offset ${r.pos} is not an xDLMS APDU allowed in ${what} user-information`, { offset: r.pos });
}

export function readRequestInfo(r: ApduReader, what: string): RequestUserInformation {
  const t = r.bytes[r.pos];
  if (t === initiateRequest.TAG) return initiateRequest.read(r);
  if (t !== undefined && ciphered.TAGS.includes(t)) return ciphered.read(r);
  throw unexpected(r, what);
}

export function readResponseInfo(r: ApduReader, what: string): ResponseUserInformation {
  const t = r.bytes[r.pos];
  if (t === initiateResponse.TAG) return initiateResponse.read(r);
  if (t === confirmedServiceError.TAG) return confirmedServiceError.read(r);
  if (t !== undefined && ciphered.TAGS.includes(t)) return ciphered.read(r);
  throw unexpected(r, what);
}

export function encodeUserInfo(v: RequestUserInformation | ResponseUserInformation): Uint8Array {
  const w = new ApduWriter();
  if (v.type === 'initiate-request') initiateRequest.write(w, v);
  else if (v.type === 'initiate-response') initiateResponse.write(w, v);
  else if (v.type === 'confirmed-service-error') confirmedServiceError.write(w, v);
  else ciphered.write(w, v);
  return w.result();
}
