/**
 * AARQ (0x60), the ACSE association request, BER-encoded: application-context-name (LN / SN,
 * with or without ciphering), calling-AP-title (the client system title), the authentication
 * functional unit (sender-acse-requirements + mechanism-name: lowest, LLS, HLS-GMAC, …), the
 * calling-authentication-value (password or CtoS challenge, GraphicString form) and user-information
 * carrying the InitiateRequest (plain or glo-/general-glo-ciphered).
 */
import {
  applicationContextComponent, authenticationComponents, checkOther, otherComponents, readApplicationContext, readAuthentication, readComponents,
  readUserInformation, readWrapped, requireComponent, takeComponent, userInformationComponent, wrappedComponent,
  type AcseComponent, type ApplicationContext, type Mechanism,
} from './acse.ts';
import { decodeWhole, encodeWhole } from './codec.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { encodeUserInfo, readRequestInfo, type RequestUserInformation } from './user-information.ts';
import { writeComponents } from './acse.ts';

export const TAG = 0x60;
const ALLOWED = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 29, 30]);

export interface Aarq {
  readonly type: 'aarq';
  readonly applicationContext: ApplicationContext;
  /** calling-AP-title [6]: the client system title (8 octets with ciphering). */
  readonly callingApTitle: Uint8Array | null;
  /** The authentication mechanism; null = no authentication functional unit (lowest level). */
  readonly mechanism: Mechanism | null;
  /** calling-authentication-value [12]: LLS password or HLS CtoS challenge. */
  readonly callingAuthenticationValue: Uint8Array | null;
  readonly userInformation: RequestUserInformation | null;
  /** Components kept verbatim (protocol-version, called-AP-title, calling-AE-qualifier, implementation-information, …). */
  readonly other: readonly AcseComponent[];
}

export function read(r: ApduReader): Aarq {
  const at = r.pos;
  const m = readComponents(r, TAG, 'AARQ', ALLOWED);
  const ctx = requireComponent(takeComponent(m, 0xa1), 'AARQ application-context-name', at);
  const title = takeComponent(m, 0xa6);
  const mechanism = readAuthentication(takeComponent(m, 0x8a), takeComponent(m, 0x8b), 'AARQ', at);
  const auth = takeComponent(m, 0xac);
  const info = takeComponent(m, 0xbe);
  return {
    type: 'aarq',
    applicationContext: readApplicationContext(ctx),
    callingApTitle: title === undefined ? null : readWrapped(title, 0x04, 'calling-AP-title'),
    mechanism,
    callingAuthenticationValue: auth === undefined ? null : readWrapped(auth, 0x80, 'calling-authentication-value'),
    userInformation: info === undefined ? null : readUserInformation(info, (ur) => readRequestInfo(ur, 'AARQ')),
    other: otherComponents(m),
  };
}

const INTERPRETED = new Set([1, 6, 10, 11, 12, 30]);

export function write(w: ApduWriter, v: Aarq): void {
  checkOther(v.other, ALLOWED, INTERPRETED, 'AARQ');
  const parts: AcseComponent[] = [applicationContextComponent(v.applicationContext), ...authenticationComponents(0x8a, 0x8b, v.mechanism), ...v.other];
  if (v.callingApTitle !== null) parts.push(wrappedComponent(0xa6, 0x04, v.callingApTitle));
  if (v.callingAuthenticationValue !== null) parts.push(wrappedComponent(0xac, 0x80, v.callingAuthenticationValue));
  if (v.userInformation !== null) parts.push(userInformationComponent(encodeUserInfo(v.userInformation)));
  writeComponents(w, TAG, parts);
}

export const decode = (bytes: Uint8Array): Aarq => decodeWhole(bytes, 'AARQ', read);
export const encode = (v: Aarq): Uint8Array => encodeWhole(v, write);
