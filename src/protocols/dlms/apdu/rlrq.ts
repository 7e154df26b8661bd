/** RLRQ (0x62), the ACSE release request: reason (normal, urgent, user-defined) and optional user-information (InitiateRequest, possibly ciphered). */
import { decodeWhole, encodeWhole } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { readRelease, writeRelease } from './release.ts';
import { readRequestInfo, type RequestUserInformation } from './user-information.ts';

export const TAG = 0x62;
export const RELEASE_REQUEST_REASON = { normal: 0, urgent: 1, 'user-defined': 30 } as const;
export type ReleaseRequestReason = keyof typeof RELEASE_REQUEST_REASON;

export interface Rlrq {
  readonly type: 'rlrq';
  readonly reason: ReleaseRequestReason | null;
  readonly userInformation: RequestUserInformation | null;
}

export function read(r: ApduReader): Rlrq {
  return { type: 'rlrq', ...readRelease(r, TAG, 'RLRQ', RELEASE_REQUEST_REASON, (ur) => readRequestInfo(ur, 'RLRQ')) };
}

export function write(w: ApduWriter, v: Rlrq): void {
  writeRelease(w, TAG, 'RLRQ', RELEASE_REQUEST_REASON, v);
}

export const decode = (bytes: Uint8Array): Rlrq => decodeWhole(bytes, 'RLRQ', read);
export const encode = (v: Rlrq): Uint8Array => encodeWhole(v, write);
