import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { MeterstackError } from '../../model/index.ts';

/**
 * Firmware signing keys: Ed25519 or ECDSA P-256 public keys, given as PEM (SPKI) or base64 DER SPKI.
 * A signature is over the image bytes as they are: Ed25519 plain, ECDSA with SHA-256 in DER or the
 * 64-byte IEEE P1363 (r‖s) form. Private keys are refused, never derived from.
 */

export type SigningAlgorithm = 'ed25519' | 'ecdsa-p256';

export interface ParsedKey {
  readonly algorithm: SigningAlgorithm;
  /** DER SPKI, base64. */
  readonly der: string;
  /** `fwk-` + 16 hex digits of the DER's SHA-256. */
  readonly id: string;
  readonly key: KeyObject;
}

const MAX_KEY_TEXT = 4096;

export function parseSigningKey(text: string): ParsedKey {
  const bad = (why: string): never => { throw new MeterstackError('FIRMWARE_KEY_INVALID', why); };
  if (typeof text !== 'string' || text.trim() === '') bad('the public key is empty');
  if (text.length > MAX_KEY_TEXT) bad(`the public key is longer than ${MAX_KEY_TEXT} characters`);
  if (/PRIVATE KEY/.test(text)) bad('that is a private key: register only the public key; the private key stays with whoever signs the images');
  let key: KeyObject;
  try {
    const t = text.trim();
    if (t.startsWith('-----BEGIN')) {
      if (!t.startsWith('-----BEGIN PUBLIC KEY-----')) bad('expected a PEM "PUBLIC KEY" (SubjectPublicKeyInfo)');
      key = createPublicKey({ key: t, format: 'pem' });
    } else {
      if (!/^[A-Za-z0-9+/=\s]+$/.test(t)) bad('expected PEM or base64 DER SubjectPublicKeyInfo');
      key = createPublicKey({ key: Buffer.from(t.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    }
  } catch (e) {
    if (e instanceof MeterstackError) throw e;
    return bad(`the public key does not parse: ${(e as Error).message}`);
  }
  let algorithm: SigningAlgorithm;
  if (key.asymmetricKeyType === 'ed25519') algorithm = 'ed25519';
  else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') algorithm = 'ecdsa-p256';
  else return bad(`a ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''} key: firmware signing keys are Ed25519 or ECDSA P-256`);
  const der = key.export({ format: 'der', type: 'spki' });
  return { algorithm, der: der.toString('base64'), id: `fwk-${createHash('sha256').update(der).digest('hex').slice(0, 16)}`, key };
}

/** Whether `signature` (raw bytes) over `data` verifies with the key. Never throws. */
export function verifySignature(key: Pick<ParsedKey, 'algorithm' | 'key'>, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.algorithm === 'ed25519') return signature.length === 64 && verify(null, data, key.key, signature);
    if (signature.length === 64) return verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    return verify('sha256', data, key.key, signature);
  } catch {
    return false;
  }
}

/** Base64 (standard or url-safe) to bytes; undefined if it is not base64. */
export function decodeBase64(s: string): Uint8Array | undefined {
  const t = s.trim();
  if (t === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return b.length === 0 ? undefined : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
