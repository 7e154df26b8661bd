/**
 * xDLMS InitiateRequest (0x01), A-XDR: dedicated-key OPTIONAL, response-allowed DEFAULT TRUE,
 * proposed-quality-of-service OPTIONAL, proposed-dlms-version-number, proposed-conformance,
 * client-max-receive-pdu-size. Carried in the AARQ user-information (plain or glo-ciphered).
 */
import { DlmsError } from '../errors.ts';
import { decodeWhole, encodeWhole, expectTag } from './codec.ts';
import { readConformance, writeConformance, type Conformance } from './conformance-block.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';

export const TAG = 0x01;

export interface InitiateRequest {
  readonly type: 'initiate-request';
  readonly dedicatedKey: Uint8Array | null;
  /** DEFAULT TRUE: `true` is encoded as the absent default (0x00), `false` as 0x01 0x00. */
  readonly responseAllowed: boolean;
  readonly proposedQualityOfService: number | null;
  /** 6 for DLMS/COSEM today. */
  readonly dlmsVersion: number;
  readonly conformance: Conformance;
  readonly clientMaxReceivePduSize: number;
}

export function read(r: ApduReader): InitiateRequest {
  expectTag(r, TAG, 'initiate-request');
  const dedicatedKey = r.present('dedicated-key') ? r.octets('dedicated-key') : null;
  const responseAllowed = r.present('response-allowed') ? r.bool('response-allowed') : true;
  const proposedQualityOfService = r.present('proposed-quality-of-service') ? r.i8('proposed-quality-of-service') : null;
  return {
    type: 'initiate-request',
    dedicatedKey,
    responseAllowed,
    proposedQualityOfService,
    dlmsVersion: r.u8('proposed-dlms-version-number'),
    conformance: readConformance(r),
    clientMaxReceivePduSize: r.u16('client-max-receive-pdu-size'),
  };
}

export function write(w: ApduWriter, v: InitiateRequest): void {
  w.u8(TAG);
  if (v.dedicatedKey === null) w.u8(0);
  else w.u8(1).octets(v.dedicatedKey, 'dedicated-key');
  if (v.responseAllowed) w.u8(0);
  else w.u8(1).u8(0);
  if (v.proposedQualityOfService === null) w.u8(0);
  else w.u8(1).i8(v.proposedQualityOfService, 'proposed-quality-of-service');
  w.u8(v.dlmsVersion, 'dlms version');
  writeConformance(w, v.conformance);
  if (v.clientMaxReceivePduSize < 0) throw new DlmsError('DLMS_BAD_VALUE', 'client-max-receive-pdu-size is negative');
  w.u16(v.clientMaxReceivePduSize, 'client-max-receive-pdu-size');
}

export const decode = (bytes: Uint8Array): InitiateRequest => decodeWhole(bytes, 'initiate-request', read);
export const encode = (v: InitiateRequest): Uint8Array => encodeWhole(v, write);
