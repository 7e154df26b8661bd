/**
 * HDLC frame format type 3 (IEC 62056-46), sans-IO and byte-exact:
 *
 *   7E | format(2) | dest addr(1/2/4) | src addr(1/2/4) | control(1) | [HCS(2) | info(n)] | FCS(2) | 7E
 *
 * format = 0b1010 (type 3) · S (segmentation) · 11-bit length of everything between the flags.
 * HCS (over format..control) is present only when there is an information field; FCS covers
 * format..info. Both are CRC-16/X.25 sent LSB first. No byte stuffing (the length field frames).
 * The information field is exposed as sent, LLC header included: use `parseLlc` to split it.
 */
import { DlmsError } from '../errors.ts';
import { crc16x25, readCrc, writeCrc } from './fcs.ts';

export const HDLC_FLAG = 0x7e;
/** The largest value of the 11-bit length field. */
export const HDLC_MAX_LENGTH = 0x7ff;

/**
 * An HDLC address with its on-wire size. 1 byte: upper only (client addresses, or a server's
 * upper address alone); 2 bytes: upper and lower, 7 bits each; 4 bytes: upper and lower, 14 bits
 * each. For a server, upper = logical device, lower = physical device.
 */
export interface HdlcAddress {
  readonly size: 1 | 2 | 4;
  readonly upper: number;
  readonly lower?: number;
}

export type HdlcUnnumberedKind = 'SNRM' | 'DISC' | 'UA' | 'DM' | 'FRMR' | 'UI';

/** The control field; `pf` is the poll/final bit, ns/nr the send/receive sequence numbers (0..7). */
export type HdlcControl =
  | { readonly kind: 'I'; readonly ns: number; readonly nr: number; readonly pf: boolean }
  | { readonly kind: 'RR' | 'RNR'; readonly nr: number; readonly pf: boolean }
  | { readonly kind: HdlcUnnumberedKind; readonly pf: boolean };

export interface HdlcFrame {
  readonly segmented: boolean;
  readonly destination: HdlcAddress;
  readonly source: HdlcAddress;
  readonly control: HdlcControl;
  /** The information field exactly as carried (LLC header included); empty when absent. */
  readonly info: Uint8Array;
}

/** What decoding also learns: the check sequences as received (undefined HCS: no info field). */
export interface DecodedHdlcFrame extends HdlcFrame {
  readonly hcs: number | undefined;
  readonly fcs: number;
}

export interface HdlcDecodeOptions {
  /** Accept frames whose HCS/FCS do not verify (some HAN-port meters send a wrong FCS). */
  readonly ignoreChecksums?: boolean;
}

/** Unnumbered control bytes with the P/F bit (0x10) cleared. */
const U_BASE: Record<HdlcUnnumberedKind, number> = { SNRM: 0x83, DISC: 0x43, UA: 0x63, DM: 0x0f, FRMR: 0x87, UI: 0x03 };
const U_BY_BYTE = new Map<number, HdlcUnnumberedKind>(
  (Object.entries(U_BASE) as [HdlcUnnumberedKind, number][]).map(([k, v]) => [v, k]),
);

const badFrame = (message: string, offset: number): DlmsError => new DlmsError('DLMS_HDLC_BAD_FRAME', message, { offset });

function checkSeq(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 7) throw badFrame(`${what} must be 0..7, got ${n}`, 0);
}

export function encodeControl(c: HdlcControl): number {
  const pf = c.pf ? 0x10 : 0;
  switch (c.kind) {
    case 'I':
      checkSeq(c.ns, 'N(S)');
      checkSeq(c.nr, 'N(R)');
      return (c.nr << 5) | pf | (c.ns << 1);
    case 'RR':
    case 'RNR':
      checkSeq(c.nr, 'N(R)');
      return (c.nr << 5) | pf | (c.kind === 'RR' ? 0x01 : 0x05);
    default:
      return U_BASE[c.kind] | pf;
  }
}

export function decodeControl(byte: number, offset = 0): HdlcControl {
  const pf = (byte & 0x10) !== 0;
  if ((byte & 0x01) === 0) return { kind: 'I', ns: (byte >> 1) & 7, nr: byte >> 5, pf };
  if ((byte & 0x0f) === 0x01) return { kind: 'RR', nr: byte >> 5, pf };
  if ((byte & 0x0f) === 0x05) return { kind: 'RNR', nr: byte >> 5, pf };
  const kind = U_BY_BYTE.get(byte & ~0x10);
  if (kind === undefined) throw badFrame(`unsupported HDLC control field 0x${byte.toString(16).padStart(2, '0')}`, offset);
  return { kind, pf };
}

function addressParts(a: HdlcAddress): number[] {
  const max = a.size === 4 ? 0x3fff : 0x7f;
  const ok = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;
  if (!ok(a.upper) || (a.size === 1 ? a.lower !== undefined : a.lower === undefined || !ok(a.lower))) {
    throw badFrame(`invalid ${a.size}-byte HDLC address upper=${a.upper} lower=${String(a.lower)}`, 0);
  }
  if (a.size === 1) return [a.upper];
  if (a.size === 2) return [a.upper, a.lower!];
  return [a.upper >> 7, a.upper & 0x7f, a.lower! >> 7, a.lower! & 0x7f];
}

export function encodeAddress(a: HdlcAddress): Uint8Array {
  const parts = addressParts(a);
  return Uint8Array.from(parts, (p, i) => (p << 1) | (i === parts.length - 1 ? 1 : 0));
}

/** Reads an address at `offset` (extension bit = LSB, 1 on the last byte). */
export function decodeAddress(bytes: Uint8Array, offset: number, end = bytes.length): HdlcAddress {
  let n = 0;
  while (n < 4 && offset + n < end && (bytes[offset + n]! & 1) === 0) n++;
  const size = n + 1;
  if (offset + n >= end) throw badFrame('HDLC address runs past the header', offset);
  if (size === 3 || size > 4) throw badFrame(`HDLC address of ${size} bytes (allowed: 1, 2, 4)`, offset);
  const v = (i: number): number => bytes[offset + i]! >> 1;
  if (size === 1) return { size: 1, upper: v(0) };
  if (size === 2) return { size: 2, upper: v(0), lower: v(1) };
  return { size: 4, upper: (v(0) << 7) | v(1), lower: (v(2) << 7) | v(3) };
}

/** The address as one number (the 7-bit groups concatenated), as many HAN-port tools print it. */
export function addressValue(a: HdlcAddress): number {
  if (a.size === 1) return a.upper;
  return a.upper * (a.size === 2 ? 0x80 : 0x4000) + (a.lower ?? 0);
}

export function encodeHdlcFrame(frame: HdlcFrame): Uint8Array {
  const dst = encodeAddress(frame.destination);
  const src = encodeAddress(frame.source);
  const headerEnd = 1 + 2 + dst.length + src.length + 1; // index just after the control byte
  const hasInfo = frame.info.length > 0;
  const length = headerEnd - 1 + (hasInfo ? 2 + frame.info.length : 0) + 2;
  if (length > HDLC_MAX_LENGTH) {
    throw new DlmsError('DLMS_FRAME_TOO_LONG', `HDLC frame length ${length} exceeds ${HDLC_MAX_LENGTH}`, { offset: 0 });
  }
  const out = new Uint8Array(length + 2);
  out[0] = HDLC_FLAG;
  out[1] = 0xa0 | (frame.segmented ? 0x08 : 0) | (length >> 8);
  out[2] = length & 0xff;
  out.set(dst, 3);
  out.set(src, 3 + dst.length);
  out[headerEnd - 1] = encodeControl(frame.control);
  let p = headerEnd;
  if (hasInfo) {
    writeCrc(out, p, crc16x25(out, 1, p));
    out.set(frame.info, p + 2);
    p += 2 + frame.info.length;
  }
  writeCrc(out, p, crc16x25(out, 1, p));
  out[p + 2] = HDLC_FLAG;
  return out;
}

/** Decodes exactly one frame, `7E … 7E`. Error offsets are relative to `bytes`. */
export function decodeHdlcFrame(bytes: Uint8Array, opts: HdlcDecodeOptions = {}): DecodedHdlcFrame {
  const n = bytes.length;
  if (n < 9) throw badFrame(`HDLC frame of ${n} bytes is too short (minimum 9)`, 0);
  if (bytes[0] !== HDLC_FLAG) throw badFrame('HDLC frame does not start with flag 0x7E', 0);
  if (bytes[n - 1] !== HDLC_FLAG) throw badFrame('HDLC frame does not end with flag 0x7E', n - 1);
  if (bytes[1]! >> 4 !== 0xa) throw badFrame(`HDLC frame format type 0x${(bytes[1]! >> 4).toString(16)} is not 0xA`, 1);
  const length = ((bytes[1]! & 0x07) << 8) | bytes[2]!;
  if (length !== n - 2) throw badFrame(`HDLC length field ${length} but ${n - 2} bytes between flags`, 1);
  const fcsAt = n - 3;
  const destination = decodeAddress(bytes, 3, fcsAt);
  const source = decodeAddress(bytes, 3 + destination.size, fcsAt);
  const controlAt = 3 + destination.size + source.size;
  if (controlAt >= fcsAt) throw badFrame('HDLC frame has no control field', controlAt);
  const control = decodeControl(bytes[controlAt]!, controlAt);
  const hasInfo = fcsAt > controlAt + 1;
  let hcs: number | undefined;
  if (hasInfo) {
    if (fcsAt < controlAt + 4) throw badFrame('HDLC frame has an HCS but no information field', controlAt + 1);
    hcs = readCrc(bytes, controlAt + 1);
    const want = crc16x25(bytes, 1, controlAt + 1);
    if (hcs !== want && !opts.ignoreChecksums) {
      throw new DlmsError('DLMS_HDLC_BAD_HCS', `HDLC HCS 0x${hex16(hcs)}, computed 0x${hex16(want)}`, {
        offset: controlAt + 1, details: { received: hcs, computed: want },
      });
    }
  }
  const fcs = readCrc(bytes, fcsAt);
  const want = crc16x25(bytes, 1, fcsAt);
  if (fcs !== want && !opts.ignoreChecksums) {
    throw new DlmsError('DLMS_HDLC_BAD_FCS', `HDLC FCS 0x${hex16(fcs)}, computed 0x${hex16(want)}`, {
      offset: fcsAt, details: { received: fcs, computed: want, hasHcs: hasInfo },
    });
  }
  const info = hasInfo ? bytes.slice(controlAt + 3, fcsAt) : new Uint8Array(0);
  return { segmented: (bytes[1]! & 0x08) !== 0, destination, source, control, info, hcs, fcs };
}

const hex16 = (v: number): string => v.toString(16).padStart(4, '0').toUpperCase();

/** LLC header of IEC 62056-46 information fields: E6 E6 00 (command, client→server), E6 E7 00 (response/push). */
export type LlcKind = 'command' | 'response';
export const LLC_COMMAND = Uint8Array.of(0xe6, 0xe6, 0x00);
export const LLC_RESPONSE = Uint8Array.of(0xe6, 0xe7, 0x00);

/** Splits an information field into its LLC header (if any) and the APDU bytes after it. */
export function parseLlc(info: Uint8Array): { readonly llc: LlcKind | undefined; readonly apdu: Uint8Array } {
  if (info.length >= 3 && info[0] === 0xe6 && info[2] === 0x00 && (info[1] === 0xe6 || info[1] === 0xe7)) {
    return { llc: info[1] === 0xe6 ? 'command' : 'response', apdu: info.subarray(3) };
  }
  return { llc: undefined, apdu: info };
}

/** Prefixes `apdu` with the LLC header of `kind`. */
export function withLlc(kind: LlcKind, apdu: Uint8Array): Uint8Array {
  const out = new Uint8Array(apdu.length + 3);
  out.set(kind === 'command' ? LLC_COMMAND : LLC_RESPONSE);
  out.set(apdu, 3);
  return out;
}
