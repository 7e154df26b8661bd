import { DlmsError } from '../errors.ts';

/**
 * The security control byte (DOMAIN §2.6): bits 0–3 security suite id, bit 4 authentication,
 * bit 5 encryption, bit 6 key set (0 unicast/global, 1 broadcast), bit 7 compression.
 */
export interface SecurityControl {
  readonly suite: number;
  readonly authenticated: boolean;
  readonly encrypted: boolean;
  readonly broadcastKey: boolean;
  readonly compressed: boolean;
}

/** What the GCM layer can protect: suite 0, no compression, at least one of auth/enc. */
export type ProtectionMode = 'authenticated' | 'encrypted' | 'authenticated-encrypted';

const SUITE_MASK = 0x0f;
const AUTH_BIT = 0x10;
const ENC_BIT = 0x20;
const KEY_SET_BIT = 0x40;
const COMPRESSION_BIT = 0x80;

/** Splits a byte into its fields; rejects only values that are not a byte. */
export function parseControl(byte: number, offset?: number): SecurityControl {
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', `security control ${String(byte)} is not a byte`, at(offset));
  }
  return {
    suite: byte & SUITE_MASK,
    authenticated: (byte & AUTH_BIT) !== 0,
    encrypted: (byte & ENC_BIT) !== 0,
    broadcastKey: (byte & KEY_SET_BIT) !== 0,
    compressed: (byte & COMPRESSION_BIT) !== 0,
  };
}

export function formatControl(sc: SecurityControl): number {
  if (!Number.isInteger(sc.suite) || sc.suite < 0 || sc.suite > SUITE_MASK) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', `security suite ${String(sc.suite)} is not 0..15`);
  }
  return sc.suite | (sc.authenticated ? AUTH_BIT : 0) | (sc.encrypted ? ENC_BIT : 0)
    | (sc.broadcastKey ? KEY_SET_BIT : 0) | (sc.compressed ? COMPRESSION_BIT : 0);
}

/**
 * Parses a control byte and checks that this implementation can process it: suite 0
 * (AES-GCM-128), no compression, and authentication and/or encryption set.
 */
export function requireSuite0(byte: number, offset?: number): SecurityControl & { readonly mode: ProtectionMode } {
  const sc = parseControl(byte, offset);
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  if (sc.suite !== 0) {
    throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', `security control ${hex}: suite ${sc.suite} is not supported (only suite 0, AES-GCM-128)`, at(offset));
  }
  if (sc.compressed) {
    throw new DlmsError('DLMS_SECURITY_UNSUPPORTED', `security control ${hex}: compression is not supported`, at(offset));
  }
  const mode = modeOf(sc);
  if (mode === undefined) {
    throw new DlmsError('DLMS_SECURITY_BAD_CONTROL', `security control ${hex}: neither authentication nor encryption is set`, at(offset));
  }
  return { ...sc, mode };
}

export function modeOf(sc: Pick<SecurityControl, 'authenticated' | 'encrypted'>): ProtectionMode | undefined {
  if (sc.authenticated && sc.encrypted) return 'authenticated-encrypted';
  if (sc.authenticated) return 'authenticated';
  if (sc.encrypted) return 'encrypted';
  return undefined;
}

/** The suite-0 control byte for a mode (unicast key set, no compression). */
export function controlFor(mode: ProtectionMode, broadcastKey = false): number {
  const bits = mode === 'authenticated' ? AUTH_BIT : mode === 'encrypted' ? ENC_BIT : AUTH_BIT | ENC_BIT;
  return bits | (broadcastKey ? KEY_SET_BIT : 0);
}

function at(offset: number | undefined): { offset?: number } {
  return offset === undefined ? {} : { offset };
}
