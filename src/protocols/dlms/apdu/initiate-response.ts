/**
 * xDLMS InitiateResponse (0x08), A-XDR: negotiated-quality-of-service OPTIONAL, negotiated dlms
 * version, negotiated conformance, server-max-receive-pdu-size, vaa-name (0x0007 for LN referencing,
 * 0xFA00 for SN). Carried in the AARE (and RLRE) user-information.
 */
import { decodeWhole, encodeWhole, expectTag } from './codec.ts';
import { readConformance, writeConformance, type Conformance } from './conformance-block.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';

export const TAG = 0x08;
/** VAA name of the current association with LN referencing. */
export const VAA_NAME_LN = 0x0007;
export const VAA_NAME_SN = 0xfa00;

export interface InitiateResponse {
  readonly type: 'initiate-response';
  readonly negotiatedQualityOfService: number | null;
  readonly dlmsVersion: number;
  readonly conformance: Conformance;
  readonly serverMaxReceivePduSize: number;
  readonly vaaName: number;
}

export function read(r: ApduReader): InitiateResponse {
  expectTag(r, TAG, 'initiate-response');
  return {
    type: 'initiate-response',
    negotiatedQualityOfService: r.present('negotiated-quality-of-service') ? r.i8('negotiated-quality-of-service') : null,
    dlmsVersion: r.u8('negotiated-dlms-version-number'),
    conformance: readConformance(r),
    serverMaxReceivePduSize: r.u16('server-max-receive-pdu-size'),
    vaaName: r.u16('vaa-name'),
  };
}

export function write(w: ApduWriter, v: InitiateResponse): void {
  w.u8(TAG);
  if (v.negotiatedQualityOfService === null) w.u8(0);
  else w.u8(1).i8(v.negotiatedQualityOfService, 'negotiated-quality-of-service');
  w.u8(v.dlmsVersion, 'dlms version');
  writeConformance(w, v.conformance);
  w.u16(v.serverMaxReceivePduSize, 'server-max-receive-pdu-size').u16(v.vaaName, 'vaa-name');
}

export const decode = (bytes: Uint8Array): InitiateResponse => decodeWhole(bytes, 'initiate-response', read);
export const encode = (v: InitiateResponse): Uint8Array => encodeWhole(v, write);
