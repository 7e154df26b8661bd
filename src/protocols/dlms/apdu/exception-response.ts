/** ExceptionResponse (0xD8): state-error and service-error (invocation-counter-error carries the expected counter). */
import { DlmsError } from '../errors.ts';
import { decodeWhole, encodeWhole, expectTag } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { enumeration } from './common.ts';

export const TAG = 0xd8;

export const STATE_ERROR = { 'service-not-allowed': 1, 'service-unknown': 2 } as const;
export const SERVICE_ERROR = {
  'operation-not-possible': 1,
  'service-not-supported': 2,
  'other-reason': 3,
  'pdu-too-long': 4,
  'deciphering-error': 5,
  'invocation-counter-error': 6,
} as const;
export type StateError = keyof typeof STATE_ERROR;
export type ServiceError = keyof typeof SERVICE_ERROR;
const stateError = enumeration<StateError>('exception state-error', STATE_ERROR);
const serviceError = enumeration<ServiceError>('exception service-error', SERVICE_ERROR);

export type ExceptionResponse =
  | { readonly type: 'exception-response'; readonly stateError: StateError; readonly serviceError: Exclude<ServiceError, 'invocation-counter-error'> }
  | { readonly type: 'exception-response'; readonly stateError: StateError; readonly serviceError: 'invocation-counter-error'; readonly invocationCounter: number };

export function read(r: ApduReader): ExceptionResponse {
  expectTag(r, TAG, 'exception-response');
  const state = stateError.read(r);
  const service = serviceError.read(r);
  if (service === 'invocation-counter-error') {
    return { type: 'exception-response', stateError: state, serviceError: service, invocationCounter: r.u32('invocation counter') };
  }
  return { type: 'exception-response', stateError: state, serviceError: service };
}

export function write(w: ApduWriter, v: ExceptionResponse): void {
  stateError.write(w.u8(TAG), v.stateError);
  serviceError.write(w, v.serviceError);
  if (v.serviceError === 'invocation-counter-error') {
    if (!('invocationCounter' in v)) throw new DlmsError('DLMS_BAD_VALUE', 'invocation-counter-error needs the invocation counter');
    w.u32(v.invocationCounter, 'invocation counter');
  }
}

export const decode = (bytes: Uint8Array): ExceptionResponse => decodeWhole(bytes, 'exception-response', read);
export const encode = (v: ExceptionResponse): Uint8Array => encodeWhole(v, write);
