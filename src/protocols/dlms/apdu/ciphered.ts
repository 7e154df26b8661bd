/**
 * Ciphered APDUs (glo-xxx and general-glo-ciphering, DOMAIN §2.5-2.6) as they appear inside the APDU
 * stream and in ACSE user-information (glo-initiate-request/-response). Framing only: `content` is
 * SC ‖ IC ‖ ciphertext ‖ tag; `security/open` and `seal` do the cryptography.
 */
import { decodeCiphered, encodeCiphered, GENERAL_GLO_CIPHERING_TAG, GLO_TAGS, type CipheredApdu } from '../security/index.ts';
import type { ApduReader, ApduWriter } from './cursor.ts';
import { decodeWhole, encodeWhole } from './codec.ts';

export const TAGS: readonly number[] = [...Object.values(GLO_TAGS).map((g) => g.tag), GENERAL_GLO_CIPHERING_TAG];

export type Ciphered = { readonly type: 'ciphered' } & CipheredApdu;

export function read(r: ApduReader): Ciphered {
  const apdu = decodeCiphered(r.bytes.subarray(r.pos, r.end));
  r.pos = r.end;
  return { type: 'ciphered', ...apdu };
}

export function write(w: ApduWriter, v: Ciphered): void {
  const { type: _type, ...apdu } = v;
  w.bytes(encodeCiphered(apdu as CipheredApdu));
}

export const decode = (bytes: Uint8Array): Ciphered => decodeWhole(bytes, 'ciphered APDU', read);
export const encode = (v: Ciphered): Uint8Array => encodeWhole(v, write);
