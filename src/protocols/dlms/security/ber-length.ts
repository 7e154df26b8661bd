import { DlmsError } from '../errors.ts';

/**
 * BER definite-length encoding as A-XDR uses it for octet-string lengths: < 0x80 in one octet,
 * otherwise 0x80 | n followed by n big-endian octets (n = 1..4 here). Decoding also accepts
 * non-minimal long forms (some meters send 0x81 0x30); encoding is always minimal.
 */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    throw new DlmsError('DLMS_SECURITY_MALFORMED', `length ${String(length)} cannot be BER-encoded`);
  }
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Uint8Array.from([0x80 | octets.length, ...octets]);
}

export interface DecodedLength {
  readonly length: number;
  /** Offset of the first octet after the length field. */
  readonly next: number;
}

export function decodeLength(bytes: Uint8Array, offset: number): DecodedLength {
  if (offset >= bytes.length) {
    throw new DlmsError('DLMS_SECURITY_TRUNCATED', 'length octet missing', { offset });
  }
  const first = bytes[offset]!;
  if (first < 0x80) return { length: first, next: offset + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 4) {
    throw new DlmsError('DLMS_SECURITY_MALFORMED', `length form 0x${first.toString(16)} is not supported (indefinite or more than 4 octets)`, { offset });
  }
  if (offset + 1 + n > bytes.length) {
    throw new DlmsError('DLMS_SECURITY_TRUNCATED', `length needs ${n} more octets`, { offset });
  }
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + bytes[offset + i]!;
  return { length, next: offset + 1 + n };
}
