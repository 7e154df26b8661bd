/**
 * AARE (0x61), the ACSE association response, BER-encoded: application-context-name, result,
 * result-source-diagnostic, responding-AP-title (server system title), the authentication functional
 * unit (responder-acse-requirements + mechanism-name), responding-authentication-value (the StoC
 * challenge) and user-information with the InitiateResponse or a ConfirmedServiceError.
 */
import {
  applicationContextComponent, authenticationComponents, checkOther, otherComponents, readApplicationContext, readAuthentication, readComponents,
  readSmallInteger, readUserInformation, readWrapped, requireComponent, smallIntegerComponent, takeComponent, userInformationComponent,
  wrappedComponent, writeComponents, type AcseComponent, type ApplicationContext, type Mechanism,
} from './acse.ts';
import { decodeWhole, encodeWhole } from './codec.ts';
import { bad, type ApduReader, type ApduWriter } from './cursor.ts';
import { encodeUserInfo, readResponseInfo, type ResponseUserInformation } from './user-information.ts';
import { DlmsError } from '../errors.ts';

export const TAG = 0x61;
const ALLOWED = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 29, 30]);

export const ASSOCIATION_RESULT = { accepted: 0, 'rejected-permanent': 1, 'rejected-transient': 2 } as const;
export type AssociationResult = keyof typeof ASSOCIATION_RESULT;

/** acse-service-user diagnostic values (the provider ones are 0 null, 1 no-reason-given, 2 no-common-acse-version). */
export const ACSE_SERVICE_USER_DIAGNOSTIC = {
  null: 0, 'no-reason-given': 1, 'application-context-name-not-supported': 2, 'calling-ap-title-not-recognized': 3,
  'calling-ap-invocation-identifier-not-recognized': 4, 'calling-ae-qualifier-not-recognized': 5, 'calling-ae-invocation-identifier-not-recognized': 6,
  'called-ap-title-not-recognized': 7, 'called-ap-invocation-identifier-not-recognized': 8, 'called-ae-qualifier-not-recognized': 9,
  'called-ae-invocation-identifier-not-recognized': 10, 'authentication-mechanism-name-not-recognised': 11, 'authentication-mechanism-name-required': 12,
  'authentication-failure': 13, 'authentication-required': 14,
} as const;

export interface ResultSourceDiagnostic {
  readonly source: 'acse-service-user' | 'acse-service-provider';
  readonly value: number;
}

export interface Aare {
  readonly type: 'aare';
  readonly applicationContext: ApplicationContext;
  readonly result: AssociationResult;
  readonly diagnostic: ResultSourceDiagnostic;
  /** responding-AP-title [4]: the server system title. */
  readonly respondingApTitle: Uint8Array | null;
  readonly mechanism: Mechanism | null;
  /** responding-authentication-value [10]: the StoC challenge. */
  readonly respondingAuthenticationValue: Uint8Array | null;
  readonly userInformation: ResponseUserInformation | null;
  readonly other: readonly AcseComponent[];
}

const SOURCE_TAG = { 'acse-service-user': 0xa1, 'acse-service-provider': 0xa2 } as const;

function readDiagnostic(c: { tag: number; value: Uint8Array; at: number; input: Uint8Array }): ResultSourceDiagnostic {
  const t = c.value[0];
  const source = t === 0xa1 ? 'acse-service-user' : t === 0xa2 ? 'acse-service-provider' : undefined;
  if (source === undefined || c.value[1] !== c.value.length - 2) throw bad(`result-source-diagnostic at offset ${c.at} is not [1] or [2] INTEGER`, c.at);
  const value = readSmallInteger({ ...c, tag: t!, value: c.value.subarray(2), at: c.at + 2 }, true, 'result-source-diagnostic');
  return { source, value };
}

export function read(r: ApduReader): Aare {
  const at = r.pos;
  const m = readComponents(r, TAG, 'AARE', ALLOWED);
  const ctx = requireComponent(takeComponent(m, 0xa1), 'AARE application-context-name', at);
  const result = requireComponent(takeComponent(m, 0xa2), 'AARE result', at);
  const diag = requireComponent(takeComponent(m, 0xa3), 'AARE result-source-diagnostic', at);
  const title = takeComponent(m, 0xa4);
  const mechanism = readAuthentication(takeComponent(m, 0x88), takeComponent(m, 0x89), 'AARE', at);
  const auth = takeComponent(m, 0xaa);
  const info = takeComponent(m, 0xbe);
  const resultValue = readSmallInteger(result, true, 'AARE result');
  const resultName = (Object.keys(ASSOCIATION_RESULT) as AssociationResult[]).find((k) => ASSOCIATION_RESULT[k] === resultValue);
  if (resultName === undefined) throw bad(`AARE result ${resultValue} at offset ${result.at} is not 0..2`, result.at);
  return {
    type: 'aare',
    applicationContext: readApplicationContext(ctx),
    result: resultName,
    diagnostic: readDiagnostic(diag),
    respondingApTitle: title === undefined ? null : readWrapped(title, 0x04, 'responding-AP-title'),
    mechanism,
    respondingAuthenticationValue: auth === undefined ? null : readWrapped(auth, 0x80, 'responding-authentication-value'),
    userInformation: info === undefined ? null : readUserInformation(info, (ur) => readResponseInfo(ur, 'AARE')),
    other: otherComponents(m),
  };
}

const INTERPRETED = new Set([1, 2, 3, 4, 8, 9, 10, 30]);

export function write(w: ApduWriter, v: Aare): void {
  checkOther(v.other, ALLOWED, INTERPRETED, 'AARE');
  const tag = SOURCE_TAG[v.diagnostic.source];
  if (tag === undefined) throw new DlmsError('DLMS_BAD_VALUE', `result-source-diagnostic source "${String(v.diagnostic.source)}" is not known`);
  const diag = smallIntegerComponent(tag, true, v.diagnostic.value);
  const parts: AcseComponent[] = [
    applicationContextComponent(v.applicationContext),
    smallIntegerComponent(0xa2, true, ASSOCIATION_RESULT[v.result]),
    { tag: 0xa3, value: Uint8Array.from([diag.tag, diag.value.length, ...diag.value]) },
    ...authenticationComponents(0x88, 0x89, v.mechanism),
    ...v.other,
  ];
  if (v.respondingApTitle !== null) parts.push(wrappedComponent(0xa4, 0x04, v.respondingApTitle));
  if (v.respondingAuthenticationValue !== null) parts.push(wrappedComponent(0xaa, 0x80, v.respondingAuthenticationValue));
  if (v.userInformation !== null) parts.push(userInformationComponent(encodeUserInfo(v.userInformation)));
  writeComponents(w, TAG, parts);
}

export const decode = (bytes: Uint8Array): Aare => decodeWhole(bytes, 'AARE', read);
export const encode = (v: Aare): Uint8Array => encodeWhole(v, write);
