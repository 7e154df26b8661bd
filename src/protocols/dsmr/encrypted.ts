/**
 * Luxembourg "Smarty" P1 frames: the telegram wrapped in a DLMS general-glo-ciphering APDU,
 *
 *   0xDB | 0x08 | system title (8) | length (BER: 1, 0x81 + 1 or 0x82 + 2 octets) |
 *   security control (0x30) | invocation counter (4) | AES-128-GCM ciphertext | tag (12)
 *
 * IV = system title ‖ invocation counter. AAD = security control ‖ authentication key when an
 * authentication key is given, else empty (some meters and test frames seal without one). The tag
 * is checked before any plaintext is returned: a wrong key, a wrong AAD or one flipped bit gives
 * DSMR_DECRYPT_FAILED, never garbage.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DsmrError } from './errors.ts';

export const GENERAL_GLO_CIPHERING = 0xdb;
const SYSTEM_TITLE_LENGTH = 8;
const TAG_LENGTH = 12;
const SC_AUTHENTICATED_ENCRYPTION = 0x30;
/** Sanity bound on one frame (a Smarty telegram is about 1.5 kB). */
export const MAX_FRAME = 16_384;

export interface EncryptedFrame {
  readonly systemTitle: Uint8Array;
  readonly securityControl: number;
  readonly invocationCounter: number;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
  /** Octets the whole frame takes. */
  readonly length: number;
}

export interface FrameKeys {
  /** AES-128 encryption key (16 octets). */
  readonly key: Uint8Array;
  /** Authentication key (16 octets), the AAD after the security control byte. */
  readonly authKey?: Uint8Array;
}

/**
 * Total length of the frame starting at `i` (the 0xDB octet): > 0 when known, 0 when more octets
 * are needed to tell, -1 when the octets cannot start a frame.
 */
export function frameLength(b: Uint8Array, i: number, end = b.length): number {
  if (i >= end) return 0;
  if (b[i] !== GENERAL_GLO_CIPHERING) return -1;
  if (i + 1 >= end) return 0;
  if (b[i + 1] !== SYSTEM_TITLE_LENGTH) return -1;
  const l = i + 2 + SYSTEM_TITLE_LENGTH;
  if (l >= end) return 0;
  const first = b[l]!;
  let len: number;
  let lenOctets: number;
  if (first < 0x80) { len = first; lenOctets = 1; } else if (first === 0x81 || first === 0x82) {
    lenOctets = first === 0x81 ? 2 : 3;
    if (l + lenOctets > end) return 0;
    len = first === 0x81 ? b[l + 1]! : (b[l + 1]! << 8) | b[l + 2]!;
  } else return -1;
  const total = 2 + SYSTEM_TITLE_LENGTH + lenOctets + len;
  if (len < 5 + TAG_LENGTH || total > MAX_FRAME) return -1;
  // The security control octet must be a suite-0 value to be worth waiting for.
  if (l + lenOctets < end && (b[l + lenOctets]! & 0x0f) !== 0) return -1;
  return total;
}

export function decodeFrame(b: Uint8Array): EncryptedFrame {
  const n = frameLength(b, 0);
  if (n === 0 || n > b.length) throw new DsmrError('DSMR_FRAME_MALFORMED', `the frame is truncated: ${b.length} octets, its header announces ${n === 0 ? 'more' : n}`, { offset: b.length });
  if (n < 0) throw new DsmrError('DSMR_FRAME_MALFORMED', 'not a general-glo-ciphering frame: expected 0xDB, a system title of 8 octets and a length of at least 17', { offset: 0 });
  const l = 2 + SYSTEM_TITLE_LENGTH;
  const body = l + (b[l]! < 0x80 ? 1 : b[l] === 0x81 ? 2 : 3);
  const sc = b[body]!;
  if (sc !== SC_AUTHENTICATED_ENCRYPTION) {
    throw new DsmrError('DSMR_FRAME_MALFORMED', `security control 0x${sc.toString(16).padStart(2, '0')} is not supported; P1 frames use 0x30 (authenticated encryption)`, { offset: body });
  }
  return {
    systemTitle: b.subarray(2, l),
    securityControl: sc,
    invocationCounter: ((b[body + 1]! << 24) >>> 0) + (b[body + 2]! << 16) + (b[body + 3]! << 8) + b[body + 4]!,
    ciphertext: b.subarray(body + 5, n - TAG_LENGTH),
    tag: b.subarray(n - TAG_LENGTH, n),
    length: n,
  };
}

/** The telegram inside an encrypted frame (its bytes as sent, to be parsed by parseTelegram). */
export function decryptFrame(b: Uint8Array, keys: FrameKeys): { readonly plaintext: Uint8Array; readonly frame: EncryptedFrame } {
  checkKey(keys.key, 'decryption key');
  if (keys.authKey !== undefined) checkKey(keys.authKey, 'authentication key');
  const frame = decodeFrame(b);
  const iv = new Uint8Array(12);
  iv.set(frame.systemTitle, 0);
  new DataView(iv.buffer).setUint32(8, frame.invocationCounter);
  const decipher = createDecipheriv('aes-128-gcm', keys.key, iv, { authTagLength: TAG_LENGTH });
  if (keys.authKey !== undefined) decipher.setAAD(Uint8Array.of(frame.securityControl, ...keys.authKey));
  decipher.setAuthTag(frame.tag);
  const out = decipher.update(frame.ciphertext);
  try {
    const rest = decipher.final();
    return { plaintext: rest.length === 0 ? new Uint8Array(out) : new Uint8Array(Buffer.concat([out, rest])), frame };
  } catch (err) {
    throw new DsmrError('DSMR_DECRYPT_FAILED', `the frame (invocation counter ${frame.invocationCounter}) does not authenticate: wrong key, wrong authentication key or a damaged frame`, { offset: b.length - TAG_LENGTH, cause: err });
  }
}

/** The encode side (a simulated Smarty meter, tests): seal a telegram into a 0xDB frame. */
export function encryptFrame(plaintext: Uint8Array, keys: FrameKeys & { readonly systemTitle: Uint8Array; readonly invocationCounter: number }): Uint8Array {
  checkKey(keys.key, 'encryption key');
  if (keys.authKey !== undefined) checkKey(keys.authKey, 'authentication key');
  if (keys.systemTitle.length !== SYSTEM_TITLE_LENGTH) throw new DsmrError('DSMR_FRAME_MALFORMED', 'the system title must be 8 octets');
  const iv = new Uint8Array(12);
  iv.set(keys.systemTitle, 0);
  new DataView(iv.buffer).setUint32(8, keys.invocationCounter >>> 0);
  const cipher = createCipheriv('aes-128-gcm', keys.key, iv, { authTagLength: TAG_LENGTH });
  if (keys.authKey !== undefined) cipher.setAAD(Uint8Array.of(SC_AUTHENTICATED_ENCRYPTION, ...keys.authKey));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const len = 5 + body.length;
  if (2 + SYSTEM_TITLE_LENGTH + 3 + len > MAX_FRAME) throw new DsmrError('DSMR_TOO_LONG', `a frame of ${len} octets exceeds ${MAX_FRAME}`);
  const lenField = len < 0x80 ? [len] : len < 0x100 ? [0x81, len] : [0x82, len >> 8, len & 0xff];
  const head = Uint8Array.of(GENERAL_GLO_CIPHERING, SYSTEM_TITLE_LENGTH, ...keys.systemTitle, ...lenField, SC_AUTHENTICATED_ENCRYPTION,
    (keys.invocationCounter >>> 24) & 0xff, (keys.invocationCounter >>> 16) & 0xff, (keys.invocationCounter >>> 8) & 0xff, keys.invocationCounter & 0xff);
  return Uint8Array.from(Buffer.concat([head, body]));
}

function checkKey(k: Uint8Array, what: string): void {
  if (!(k instanceof Uint8Array) || k.length !== 16) throw new DsmrError('DSMR_BAD_KEY', `the ${what} must be 16 octets (32 hex digits), got ${k?.length ?? 0}`);
}
