import { DlmsError } from '../errors.ts';
import { decodeLength, encodeLength } from './ber-length.ts';
import { protect, unprotect, type Unprotected } from './gcm.ts';
import type { ProtectionMode } from './control.ts';
import type { KeyMaterial } from './secret-key.ts';

/** glo-ciphering APDU tags (DOMAIN §2.5) and the plain APDU tag each one wraps. */
export const GLO_TAGS = {
  'glo-initiate-request': { tag: 0x21, plain: 0x01 },
  'glo-initiate-response': { tag: 0x28, plain: 0x08 },
  'glo-get-request': { tag: 0xc8, plain: 0xc0 },
  'glo-set-request': { tag: 0xc9, plain: 0xc1 },
  'glo-event-notification': { tag: 0xca, plain: 0xc2 },
  'glo-action-request': { tag: 0xcb, plain: 0xc3 },
  'glo-get-response': { tag: 0xcc, plain: 0xc4 },
  'glo-set-response': { tag: 0xcd, plain: 0xc5 },
  'glo-action-response': { tag: 0xcf, plain: 0xc7 },
} as const;
export type GloKind = keyof typeof GLO_TAGS;

export const GENERAL_GLO_CIPHERING_TAG = 0xdb;

const KIND_BY_TAG = new Map<number, GloKind>(Object.entries(GLO_TAGS).map(([k, v]) => [v.tag, k as GloKind]));
const KIND_BY_PLAIN = new Map<number, GloKind>(Object.entries(GLO_TAGS).map(([k, v]) => [v.plain, k as GloKind]));

/** A ciphered APDU; `content` is SC ‖ IC ‖ ciphertext ‖ tag as `gcm.protect` produces it. */
export type CipheredApdu =
  | { readonly kind: GloKind; readonly content: Uint8Array }
  | { readonly kind: 'general-glo-ciphering'; readonly systemTitle: Uint8Array; readonly content: Uint8Array };

export function encodeCiphered(apdu: CipheredApdu): Uint8Array {
  if (apdu.kind === 'general-glo-ciphering') {
    return concat([Uint8Array.of(GENERAL_GLO_CIPHERING_TAG), octetString(apdu.systemTitle), octetString(apdu.content)]);
  }
  return concat([Uint8Array.of(GLO_TAGS[apdu.kind].tag), octetString(apdu.content)]);
}

/** Decodes a whole glo- or general-glo-ciphering APDU; trailing octets are an error. */
export function decodeCiphered(bytes: Uint8Array): CipheredApdu {
  if (bytes.length === 0) throw new DlmsError('DLMS_SECURITY_TRUNCATED', 'empty APDU', { offset: 0 });
  const tag = bytes[0]!;
  if (tag === GENERAL_GLO_CIPHERING_TAG) {
    const title = readOctetString(bytes, 1);
    const content = readOctetString(bytes, title.next);
    expectEnd(bytes, content.next);
    return { kind: 'general-glo-ciphering', systemTitle: title.value, content: content.value };
  }
  const kind = KIND_BY_TAG.get(tag);
  if (kind === undefined) {
    throw new DlmsError('DLMS_SECURITY_MALFORMED', `tag 0x${tag.toString(16).padStart(2, '0')} is not a glo- or general-glo-ciphering APDU`, { offset: 0 });
  }
  const content = readOctetString(bytes, 1);
  expectEnd(bytes, content.next);
  return { kind, content: content.value };
}

export interface SealParams {
  readonly sc: number;
  readonly systemTitle: Uint8Array;
  readonly invocationCounter: number;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  /** The plain xDLMS APDU (its first octet selects the glo tag). */
  readonly apdu: Uint8Array;
  /** general-glo-ciphering (0xDB, carries the system title) instead of the service-specific glo tag. */
  readonly general?: boolean;
}

/** Protects a plain APDU and wraps it: glo-xxx (by the plain tag) or general-glo-ciphering. */
export function seal(p: SealParams): Uint8Array {
  const content = protect({ sc: p.sc, systemTitle: p.systemTitle, invocationCounter: p.invocationCounter, ek: p.ek, ak: p.ak, plaintext: p.apdu });
  if (p.general === true) return encodeCiphered({ kind: 'general-glo-ciphering', systemTitle: p.systemTitle, content });
  const kind = KIND_BY_PLAIN.get(p.apdu[0] ?? -1);
  if (kind === undefined) {
    throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', `plain APDU tag 0x${(p.apdu[0] ?? 0).toString(16)} has no glo-ciphering counterpart; use general-glo-ciphering`, { offset: 0 });
  }
  return encodeCiphered({ kind, content });
}

export interface OpenParams {
  /** The peer's system title (from the AARE/AARQ); a general-glo APDU carries its own and must match when given. */
  readonly systemTitle?: Uint8Array;
  readonly ek: KeyMaterial;
  readonly ak: KeyMaterial;
  readonly requireMode?: ProtectionMode;
}

export interface Opened extends Unprotected {
  readonly kind: CipheredApdu['kind'];
  readonly systemTitle: Uint8Array;
}

/** Decodes and unprotects a ciphered APDU. The caller runs the replay guard on (systemTitle, invocationCounter). */
export function open(bytes: Uint8Array, p: OpenParams): Opened {
  const apdu = decodeCiphered(bytes);
  const systemTitle = apdu.kind === 'general-glo-ciphering' ? apdu.systemTitle : p.systemTitle;
  if (systemTitle === undefined) {
    throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', `${apdu.kind} carries no system title and none was given`, { offset: 0 });
  }
  if (apdu.kind === 'general-glo-ciphering' && p.systemTitle !== undefined && !sameBytes(p.systemTitle, apdu.systemTitle)) {
    throw new DlmsError('DLMS_SECURITY_BAD_SYSTEM_TITLE', 'system title in the APDU differs from the expected one', { offset: 2 });
  }
  const opened = unprotect({ systemTitle, ek: p.ek, ak: p.ak, body: apdu.content, ...(p.requireMode === undefined ? {} : { requireMode: p.requireMode }) });
  if (apdu.kind !== 'general-glo-ciphering' && opened.plaintext[0] !== GLO_TAGS[apdu.kind].plain) {
    throw new DlmsError('DLMS_SECURITY_MALFORMED', `${apdu.kind} does not contain a plain APDU of tag 0x${GLO_TAGS[apdu.kind].plain.toString(16)}`);
  }
  return { ...opened, kind: apdu.kind, systemTitle: Uint8Array.from(systemTitle) };
}

function octetString(value: Uint8Array): Uint8Array {
  return concat([encodeLength(value.length), value]);
}

function readOctetString(bytes: Uint8Array, offset: number): { value: Uint8Array; next: number } {
  const { length, next } = decodeLength(bytes, offset);
  if (next + length > bytes.length) {
    throw new DlmsError('DLMS_SECURITY_TRUNCATED', `octet string of ${length} octets, only ${bytes.length - next} present`, { offset });
  }
  return { value: Uint8Array.from(bytes.subarray(next, next + length)), next: next + length };
}

function expectEnd(bytes: Uint8Array, offset: number): void {
  if (offset !== bytes.length) {
    throw new DlmsError('DLMS_SECURITY_MALFORMED', `${bytes.length - offset} trailing octets after the ciphered APDU`, { offset });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
