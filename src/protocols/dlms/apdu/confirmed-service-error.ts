/**
 * ConfirmedServiceError (0x0E): which confirmed service failed and the ServiceError (a CHOICE of
 * error families, each an enumerated code). Sent in an AARE when the InitiateRequest is refused.
 */
import { decodeWhole, encodeWhole, expectTag } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { enumeration } from './common.ts';

export const TAG = 0x0e;

export const CONFIRMED_SERVICE = {
  initiate: 1, 'get-status': 2, 'get-name-list': 3, 'get-variable-attribute': 4, read: 5, write: 6, 'get-data-set-attribute': 7,
  'get-ti-attribute': 8, 'change-scope': 9, start: 10, stop: 11, resume: 12, 'make-usable': 13, 'initiate-load': 14,
  'load-segment': 15, 'terminate-load': 16, 'initiate-up-load': 17, 'up-load-segment': 18, 'terminate-up-load': 19,
} as const;
export const SERVICE_ERROR_FAMILY = {
  'application-reference': 0, 'hardware-resource': 1, 'vde-state-error': 2, service: 3, definition: 4, access: 5,
  initiate: 6, 'load-data-set': 7, 'change-scope': 8, task: 9, other: 10,
} as const;
/** Codes of the `initiate` family (the one an AARE carries). */
export const INITIATE_ERROR = { other: 0, 'dlms-version-too-low': 1, 'incompatible-conformance': 2, 'pdu-size-too-short': 3, 'refused-by-the-vde-handler': 4 } as const;

export type ConfirmedService = keyof typeof CONFIRMED_SERVICE;
export type ServiceErrorFamily = keyof typeof SERVICE_ERROR_FAMILY;
const service = enumeration<ConfirmedService>('confirmed service', CONFIRMED_SERVICE);
const family = enumeration<ServiceErrorFamily>('service error family', SERVICE_ERROR_FAMILY);

export interface ConfirmedServiceError {
  readonly type: 'confirmed-service-error';
  readonly service: ConfirmedService;
  readonly family: ServiceErrorFamily;
  /** The enumerated code within the family (e.g. INITIATE_ERROR for `initiate`). */
  readonly code: number;
}

export function read(r: ApduReader): ConfirmedServiceError {
  expectTag(r, TAG, 'confirmed-service-error');
  return { type: 'confirmed-service-error', service: service.read(r), family: family.read(r), code: r.u8('service error code') };
}

export function write(w: ApduWriter, v: ConfirmedServiceError): void {
  service.write(w.u8(TAG), v.service);
  family.write(w, v.family);
  w.u8(v.code, 'service error code');
}

export const decode = (bytes: Uint8Array): ConfirmedServiceError => decodeWhole(bytes, 'confirmed-service-error', read);
export const encode = (v: ConfirmedServiceError): Uint8Array => encodeWhole(v, write);
