import { timingSafeEqual } from 'node:crypto';
import { DlmsError } from '../errors.ts';

const REDACTED = '[redacted]';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * An AES-128 key whose bytes never leave through toString, JSON.stringify or util.inspect; only
 * `bytes()` hands out a copy, for the code that does the cipher. Error messages name the key id.
 */
export class SecretKey {
  readonly #bytes: Uint8Array;
  readonly id: string;

  constructor(bytes: Uint8Array, id: string) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
      throw new DlmsError('DLMS_SECURITY_BAD_KEY', `key ${id} is not 16 octets`, { details: { keyId: id } });
    }
    this.#bytes = Uint8Array.from(bytes);
    this.id = id;
  }

  /** Parses 32 hex digits; a malformed value is reported by key id, never by content. */
  static fromHex(hex: string, id: string): SecretKey {
    if (typeof hex !== 'string' || !/^[0-9a-fA-F]{32}$/.test(hex)) {
      throw new DlmsError('DLMS_SECURITY_BAD_KEY', `key ${id} is not 32 hex digits`, { details: { keyId: id } });
    }
    return new SecretKey(Uint8Array.from(Buffer.from(hex, 'hex')), id);
  }

  /** A copy of the key bytes, for the cipher only. */
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  /** Constant-time comparison of key material. */
  equals(other: SecretKey): boolean {
    return timingSafeEqual(this.#bytes, other.#bytes);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return `SecretKey(${this.id}) ${REDACTED}`;
  }
}

/** What the cipher functions accept as a key: raw bytes (tests, vectors) or a SecretKey. */
export type KeyMaterial = Uint8Array | SecretKey;

export function keyBytes(key: KeyMaterial, role: string): Uint8Array {
  if (key instanceof SecretKey) return key.bytes();
  if (!(key instanceof Uint8Array) || key.length !== 16) {
    throw new DlmsError('DLMS_SECURITY_BAD_KEY', `${role} is not a 16-octet AES-128 key`);
  }
  return key;
}
