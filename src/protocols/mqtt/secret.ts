import { pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Device secrets and their stored form. A secret is 32 random bytes (base64url), shown once when
 * it is provisioned; the store keeps only its hash, in mosquitto's own password-file format
 * (`$7$<iterations>$<salt b64>$<PBKDF2-HMAC-SHA512 b64>`, what `mosquitto_passwd` writes), so
 * that the embedded broker and a generated mosquitto password file check the same record.
 *
 * 101 iterations is mosquitto's default. It is weak for human passwords, but these secrets carry
 * 256 bits of entropy, so no iteration count would matter for guessing; a cheap hash keeps ten
 * thousand devices reconnecting at once affordable (about 0.1 ms each).
 */

const ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;
const FORMAT = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const derive = promisify(pbkdf2);

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a secret; a fresh salt each time. */
export function hashSecret(secret: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const hash = pbkdf2Sync(secret, salt, ITERATIONS, HASH_BYTES, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function isSecretHash(stored: unknown): stored is string {
  return typeof stored === 'string' && FORMAT.test(stored);
}

/** Constant-time check of a presented secret against a stored hash; a malformed hash never matches. */
export async function verifySecret(secret: string | Uint8Array, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (m === null) return false;
  const iterations = Number(m[1]);
  const expected = Buffer.from(m[3]!, 'base64');
  if (iterations < 1 || expected.length === 0) return false;
  // The work runs on libuv's thread pool: many devices connecting at once do not stall the broker.
  const got = await derive(Buffer.from(secret), Buffer.from(m[2]!, 'base64'), iterations, expected.length, 'sha512');
  return timingSafeEqual(got, expected);
}
