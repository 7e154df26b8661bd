import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DlmsError } from '../errors.ts';
import { requireSuite0, type ProtectionMode } from './control.ts';
import { keyBytes, type KeyMaterial } from './secret-key.ts';

/** Security suite 0 (AES-GCM-128) as DOMAIN §2.6 describes it. */
export const TAG_LENGTH = 12;
export const SYSTEM_TITLE_LENGTH = 8;
/** SC (1) ‖ IC (4) in front of the ciphered bytes. */
export const SECURITY_HEADER_LENGTH = 5;
export const MAX_INVOCATION_COUNTER = 0xffffffff;

export interface ProtectParams {
  /** Security control byte, e.g. 0x30 (auth+enc), 0x10 (auth only), 0x20 (enc only). */
  readonly sc: number;
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  readonly plaintext: Uint8Array;
}

export interface UnprotectParams {
  readonly systemTitle: Uint8Array;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  /** SC ‖ IC ‖ ciphertext ‖ tag (auth+enc), SC ‖ IC ‖ plaintext ‖ tag (auth), SC ‖ IC ‖ ciphertext (enc). */
  readonly body: Uint8Array;
  /** If given, a body protected in any other mode is rejected (guards against downgrades). */
  readonly requireMode?: ProtectionMode;
}

export interface Unprotected {
  readonly sc: number;
  readonly mode: ProtectionMode;
  readonly invocationCounter: number;
  readonly plaintext: Uint8Array;
}

/** IV = system title (8) ‖ invocation counter (4, big-endian). */
export function makeIv(systemTitle: Uint8Array, invocationCounter: number): Uint8Array {
  checkSystemTitle(systemTitle);
  checkCounter(invocationCounter);
  const iv = new Uint8Array(12);
  iv.set(systemTitle, 0);
  new DataView(iv.buffer).setUint32(8, invocationCounter, false);
  return iv;
}

/** AAD per mode: auth+enc SC ‖ AK; auth only SC ‖ AK ‖ plaintext; enc only none. */
export function makeAad(sc: number, mode: ProtectionMode, ak: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (mode === 'encrypted') return new Uint8Array(0);
  const parts = mode === 'authenticated' ? [Uint8Array.of(sc), ak, plaintext] : [Uint8Array.of(sc), ak];
  return Uint8Array.from(Buffer.concat(parts));
}

/** Protects an APDU: returns SC ‖ IC ‖ (ciphertext | plaintext) [‖ tag]. */
export function protect(p: ProtectParams): Uint8Array {
  const { mode } = requireSuite0(p.sc);
  const iv = makeIv(p.systemTitle, p.invocationCounter);
  const ek = keyBytes(p.ek, 'encryption key');
  const ak = keyBytes(p.ak, 'authentication key');
  const cipher = createCipheriv('aes-128-gcm', ek, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(makeAad(p.sc, mode, ak, p.plaintext));
  const encrypted = mode === 'authenticated' ? [cipher.update(new Uint8Array(0)), cipher.final()] : [cipher.update(p.plaintext), cipher.final()];
  const tag = cipher.getAuthTag();
  const payload = mode === 'authenticated' ? p.plaintext : Buffer.concat(encrypted);
  const header = new Uint8Array(SECURITY_HEADER_LENGTH);
  header[0] = p.sc;
  header.set(iv.subarray(SYSTEM_TITLE_LENGTH), 1);
  const out = [header, payload];
  if (mode !== 'encrypted') out.push(tag);
  return Uint8Array.from(Buffer.concat(out));
}

/** Reverses `protect`; a tag that does not verify fails with DLMS_SECURITY_BAD_TAG. */
export function unprotect(p: UnprotectParams): Unprotected {
  const body = p.body;
  if (body.length < SECURITY_HEADER_LENGTH) {
    throw new DlmsError('DLMS_SECURITY_TRUNCATED', `security header needs ${SECURITY_HEADER_LENGTH} octets, got ${body.length}`, { offset: body.length });
  }
  const sc = body[0]!;
  const { mode } = requireSuite0(sc, 0);
  if (p.requireMode !== undefined && p.requireMode !== mode) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', `security control 0x${sc.toString(16).padStart(2, '0')} is ${mode}, policy requires ${p.requireMode}`, { offset: 0 });
  }
  const invocationCounter = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(1, false);
  const tagLength = mode === 'encrypted' ? 0 : TAG_LENGTH;
  if (body.length < SECURITY_HEADER_LENGTH + tagLength) {
    throw new DlmsError('DLMS_SECURITY_TRUNCATED', `ciphered content is shorter than the ${TAG_LENGTH}-octet tag`, { offset: body.length });
  }
  const iv = makeIv(p.systemTitle, invocationCounter);
  const ek = keyBytes(p.ek, 'encryption key');
  const ak = keyBytes(p.ak, 'authentication key');
  const data = body.subarray(SECURITY_HEADER_LENGTH, body.length - tagLength);
  if (mode === 'encrypted') return { sc, mode, invocationCounter, plaintext: ctrDecrypt(ek, iv, data) };
  const tag = body.subarray(body.length - TAG_LENGTH);
  const decipher = createDecipheriv('aes-128-gcm', ek, iv, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(tag);
  decipher.setAAD(makeAad(sc, mode, ak, data));
  const parts = [decipher.update(mode === 'authenticated' ? new Uint8Array(0) : data)];
  try {
    parts.push(decipher.final());
  } catch (cause) {
    throw new DlmsError('DLMS_SECURITY_BAD_TAG', `authentication tag does not verify (system title ${hex(p.systemTitle)}, invocation counter ${invocationCounter})`, {
      offset: body.length - TAG_LENGTH, cause, details: { systemTitle: hex(p.systemTitle), invocationCounter },
    });
  }
  const plaintext = mode === 'authenticated' ? Uint8Array.from(data) : Uint8Array.from(Buffer.concat(parts));
  return { sc, mode, invocationCounter, plaintext };
}

/**
 * Encryption-only bodies carry no tag, so they are deciphered as the CTR stream GCM uses: the
 * first counter block is IV ‖ 00000002 (J0 = IV ‖ 00000001 is reserved for the tag).
 */
function ctrDecrypt(ek: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const counter = new Uint8Array(16);
  counter.set(iv, 0);
  counter[15] = 2;
  const d = createDecipheriv('aes-128-ctr', ek, counter);
  return Uint8Array.from(Buffer.concat([d.update(data), d.final()]));
}

export function checkSystemTitle(systemTitle: Uint8Array, offset?: number): void {
  if (!(systemTitle instanceof Uint8Array) || systemTitle.length !== SYSTEM_TITLE_LENGTH) {
    const len = systemTitle instanceof Uint8Array ? systemTitle.length : typeof systemTitle;
    throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', `system title must be 8 octets, got ${len}`, offset === undefined ? {} : { offset });
  }
}

export function checkCounter(ic: number): void {
  if (!Number.isInteger(ic) || ic < 0 || ic > MAX_INVOCATION_COUNTER) {
    throw new DlmsError('DLMS_SECURITY_BAD_COUNTER', `invocation counter ${String(ic)} is not 0..${MAX_INVOCATION_COUNTER}`);
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
