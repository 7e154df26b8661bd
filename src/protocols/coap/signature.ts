import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Device authentication without DTLS: HMAC-SHA-256 over the payload bytes exactly as sent, under
 * a per-device secret key (≥ 16 octets), carried in option 65000. The key is chosen by the
 * meter id the request names, so a valid signature proves the payload came from the holder of
 * that meter's key and was not altered. It does not hide the payload (no encryption) and does
 * not stop a captured message from being sent again; ingest is idempotent, so a replay stores
 * nothing new (docs/decisions/2026-11-26-coap.md).
 */
export const MIN_KEY_OCTETS = 16;
export const SIGNATURE_OCTETS = 32;

export function signPayload(key: Uint8Array, payload: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(payload).digest());
}

/** Constant-time check; a signature of the wrong length is simply wrong. */
export function verifyPayload(key: Uint8Array, payload: Uint8Array, signature: Uint8Array | undefined): boolean {
  if (signature === undefined || signature.length !== SIGNATURE_OCTETS) return false;
  return timingSafeEqual(signPayload(key, payload), signature);
}
