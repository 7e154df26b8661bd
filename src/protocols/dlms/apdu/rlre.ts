/** RLRE (0x63), the ACSE release response: reason (normal, not-finished, user-defined) and optional user-information (InitiateResponse, possibly ciphered). */
import { decodeWhole, encodeWhole } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { readRelease, writeRelease } from './release.ts';
import { readResponseInfo, type ResponseUserInformation } from './user-information.ts';

export const TAG = 0x63;
export const RELEASE_RESPONSE_REASON = { normal: 0, 'not-finished': 1, 'user-defined': 30 } as const;
export type ReleaseResponseReason = keyof typeof RELEASE_RESPONSE_REASON;

export interface Rlre {
  readonly type: 'rlre';
  readonly reason: ReleaseResponseReason | null;
  readonly userInformation: ResponseUserInformation | null;
}

export function read(r: ApduReader): Rlre {
  return { type: 'rlre', ...readRelease(r, TAG, 'RLRE', RELEASE_RESPONSE_REASON, (ur) => readResponseInfo(ur, 'RLRE')) };
}

export function write(w: ApduWriter, v: Rlre): void {
  writeRelease(w, TAG, 'RLRE', RELEASE_RESPONSE_REASON, v);
}

export const decode = (bytes: Uint8Array): Rlre => decodeWhole(bytes, 'RLRE', read);
export const encode = (v: Rlre): Uint8Array => encodeWhole(v, write);
