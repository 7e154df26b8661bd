/**
 * The xDLMS conformance block: [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)), on the wire
 * 5F 1F 04 00 b0 b1 b2 (tag, length 4, no unused bits, 24 bits). Bit 0 is the most significant bit
 * of the first octet; every bit has its Blue Book name, reserved ones included, so any block round-trips.
 */
import { ApduReader, ApduWriter, bad } from './cursor.ts';

export const CONFORMANCE_BITS = [
  'reserved-zero', 'general-protection', 'general-block-transfer', 'read', 'write', 'unconfirmed-write', 'delta-value-encoding', 'reserved-seven',
  'attribute0-supported-with-set', 'priority-mgmt-supported', 'attribute0-supported-with-get', 'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write', 'block-transfer-with-action', 'multiple-references', 'information-report',
  'data-notification', 'access', 'parameterized-access', 'get', 'set', 'selective-access', 'event-notification', 'action',
] as const;
export type ConformanceFlag = (typeof CONFORMANCE_BITS)[number];
export type Conformance = { readonly [K in ConformanceFlag]: boolean };

/** A conformance block with exactly the named flags set. */
export function conformance(...flags: ConformanceFlag[]): Conformance {
  return Object.fromEntries(CONFORMANCE_BITS.map((f) => [f, flags.includes(f)])) as Conformance;
}

export function conformanceFromBits(bits: number): Conformance {
  return Object.fromEntries(CONFORMANCE_BITS.map((f, i) => [f, (bits & (1 << (23 - i))) !== 0])) as Conformance;
}

export function conformanceToBits(c: Conformance): number {
  let bits = 0;
  CONFORMANCE_BITS.forEach((f, i) => {
    if (c[f]) bits |= 1 << (23 - i);
  });
  return bits;
}

const HEADER = [0x5f, 0x1f, 0x04, 0x00] as const;

export function readConformance(r: ApduReader): Conformance {
  const at = r.pos;
  const head = r.view(4, 'conformance block header');
  if (HEADER.some((b, i) => head[i] !== b)) throw bad(`conformance block at offset ${at} does not start with 5F 1F 04 00`, at);
  const b = r.view(3, 'conformance bits');
  return conformanceFromBits((b[0]! << 16) | (b[1]! << 8) | b[2]!);
}

export function writeConformance(w: ApduWriter, c: Conformance): void {
  const bits = conformanceToBits(c);
  w.bytes(Uint8Array.from([...HEADER, bits >> 16, (bits >> 8) & 0xff, bits & 0xff]));
}
