import { timingSafeEqual } from 'node:crypto';
import { DlmsError } from '../errors.ts';
import { protect, SECURITY_HEADER_LENGTH, TAG_LENGTH } from './gcm.ts';
import type { KeyMaterial } from './secret-key.ts';

/**
 * HLS mechanism 5 (GMAC, DOMAIN §2.7): f(challenge) = SC (0x10) ‖ IC (4) ‖ GMAC tag (12), the tag
 * computed with the EK over AAD SC ‖ AK ‖ challenge and IV = own system title ‖ IC.
 */
export const HLS_GMAC_MECHANISM_ID = 5;
export const HLS_GMAC_SC = 0x10;
export const HLS_GMAC_RESPONSE_LENGTH = SECURITY_HEADER_LENGTH + TAG_LENGTH;

export interface HlsGmacParams {
  /** System title of the party that answers the challenge. */
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  /** The challenge the other party sent (CtoS when the server answers, StoC when the client does). */
  readonly challenge: Uint8Array;
}

/** f(challenge) = 0x10 ‖ IC ‖ tag (17 octets). */
export function hlsGmacResponse(p: HlsGmacParams): Uint8Array {
  const body = protect({ sc: HLS_GMAC_SC, systemTitle: p.systemTitle, invocationCounter: p.invocationCounter, ek: p.ek, ak: p.ak, plaintext: p.challenge });
  return responseFromAuthOnlyBody(body);
}

/**
 * An auth-only protected challenge (SC ‖ IC ‖ challenge ‖ tag) carries everything f() needs; this
 * lets a keystore that protects inside a token (by key id) answer HLS challenges too.
 */
export function responseFromAuthOnlyBody(body: Uint8Array): Uint8Array {
  if (body[0] !== HLS_GMAC_SC || body.length < HLS_GMAC_RESPONSE_LENGTH) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', 'not an authentication-only (0x10) protected body');
  }
  return Uint8Array.from([...body.subarray(0, SECURITY_HEADER_LENGTH), ...body.subarray(body.length - TAG_LENGTH)]);
}

export interface HlsGmacVerifyParams {
  /** The responder's system title (taken from its AARQ/AARE). */
  readonly systemTitle: Uint8Array;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  /** The challenge this side sent. */
  readonly challenge: Uint8Array;
  /** What the peer answered: 0x10 ‖ IC ‖ tag. */
  readonly response: Uint8Array;
}

/**
 * Checks the peer's f(challenge) in constant time and returns the peer's invocation counter
 * (feed it to the replay guard). Fails with DLMS_SECURITY_BAD_TAG.
 */
export function verifyHlsGmacResponse(p: HlsGmacVerifyParams): { readonly invocationCounter: number } {
  const r = p.response;
  if (r.length !== HLS_GMAC_RESPONSE_LENGTH) {
    throw new DlmsError(r.length < HLS_GMAC_RESPONSE_LENGTH ? 'DLMS_SECURITY_TRUNCATED' : 'DLMS_SECURITY_MALFORMED',
      `HLS-GMAC response must be ${HLS_GMAC_RESPONSE_LENGTH} octets, got ${r.length}`, { offset: Math.min(r.length, HLS_GMAC_RESPONSE_LENGTH) });
  }
  if (r[0] !== HLS_GMAC_SC) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', `HLS-GMAC response security control is 0x${r[0]!.toString(16)}, expected 0x10`, { offset: 0 });
  }
  const invocationCounter = new DataView(r.buffer, r.byteOffset, r.byteLength).getUint32(1, false);
  const expected = hlsGmacResponse({ systemTitle: p.systemTitle, invocationCounter, ek: p.ek, ak: p.ak, challenge: p.challenge });
  if (!timingSafeEqual(expected, r)) {
    throw new DlmsError('DLMS_SECURITY_BAD_TAG', `HLS-GMAC response does not verify (invocation counter ${invocationCounter})`, { offset: SECURITY_HEADER_LENGTH });
  }
  return { invocationCounter };
}
