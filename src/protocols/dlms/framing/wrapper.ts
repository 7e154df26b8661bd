/**
 * The IEC 62056-47 TCP/UDP wrapper (port 4059): an 8-byte big-endian header
 *   version (=1) | source wPort | destination wPort | length of the APDU that follows
 * then `length` bytes of APDU. `decodeWrapper` takes exactly one PDU (a UDP datagram);
 * `WrapperReader` is the resumable sans-IO reader for a TCP byte stream.
 *
 * Errors: a bad version or a length over `maxLength` throws a typed DlmsError with the stream
 * offset. A TCP stream cannot be resynchronised (the wrapper has no flag), so after such an
 * error the reader stays failed and rethrows it: the caller should drop the connection.
 */
import { DlmsError } from '../errors.ts';

export const WRAPPER_VERSION = 1;
export const WRAPPER_HEADER_SIZE = 8;
export const DLMS_PORT = 4059;

export interface WrapperPdu {
  readonly sourceWPort: number;
  readonly destinationWPort: number;
  readonly apdu: Uint8Array;
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

function checkPort(p: number, what: string): void {
  if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new DlmsError('DLMS_WRAPPER_BAD_LENGTH', `${what} wPort ${p} is not 0..65535`);
}

export function encodeWrapper(pdu: WrapperPdu): Uint8Array {
  checkPort(pdu.sourceWPort, 'source');
  checkPort(pdu.destinationWPort, 'destination');
  if (pdu.apdu.length > 0xffff) {
    throw new DlmsError('DLMS_FRAME_TOO_LONG', `wrapper APDU of ${pdu.apdu.length} bytes exceeds 65535`);
  }
  const out = new Uint8Array(WRAPPER_HEADER_SIZE + pdu.apdu.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, WRAPPER_VERSION);
  v.setUint16(2, pdu.sourceWPort);
  v.setUint16(4, pdu.destinationWPort);
  v.setUint16(6, pdu.apdu.length);
  out.set(pdu.apdu, WRAPPER_HEADER_SIZE);
  return out;
}

interface WrapperHeader { readonly version: number; readonly sourceWPort: number; readonly destinationWPort: number; readonly length: number }

function readHeader(b: Uint8Array, at: number, streamOffset: number): WrapperHeader {
  const version = u16(b, at);
  if (version !== WRAPPER_VERSION) {
    throw new DlmsError('DLMS_WRAPPER_BAD_VERSION', `wrapper version ${version}, expected ${WRAPPER_VERSION}`, { offset: streamOffset });
  }
  return { version, sourceWPort: u16(b, at + 2), destinationWPort: u16(b, at + 4), length: u16(b, at + 6) };
}

/** Decodes exactly one wrapper PDU; the length field must match the bytes that follow. */
export function decodeWrapper(bytes: Uint8Array): WrapperPdu {
  if (bytes.length < WRAPPER_HEADER_SIZE) {
    throw new DlmsError('DLMS_WRAPPER_BAD_LENGTH', `wrapper PDU of ${bytes.length} bytes is shorter than its 8-byte header`, { offset: bytes.length });
  }
  const h = readHeader(bytes, 0, 0);
  if (h.length !== bytes.length - WRAPPER_HEADER_SIZE) {
    throw new DlmsError('DLMS_WRAPPER_BAD_LENGTH', `wrapper length field ${h.length} but ${bytes.length - WRAPPER_HEADER_SIZE} bytes follow`, { offset: 6 });
  }
  return { sourceWPort: h.sourceWPort, destinationWPort: h.destinationWPort, apdu: bytes.slice(WRAPPER_HEADER_SIZE) };
}

export interface WrapperReaderOptions {
  /** Largest accepted APDU length (default 65535, the field's maximum). */
  readonly maxLength?: number;
}

export class WrapperReader {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private base = 0;
  private failed: DlmsError | undefined;
  private readonly maxLength: number;

  constructor(opts: WrapperReaderOptions = {}) {
    this.maxLength = opts.maxLength ?? 0xffff;
  }

  get buffered(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + bytes.length;
      const target = need <= this.buf.length ? this.buf : new Uint8Array(Math.max(1024, need * 2));
      target.set(this.buf.subarray(this.start, this.end));
      this.buf = target;
      this.base += this.start;
      this.end = live;
      this.start = 0;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The next complete PDU, or `undefined` if more bytes are needed. */
  next(): WrapperPdu | undefined {
    if (this.failed) throw this.failed;
    if (this.end - this.start < WRAPPER_HEADER_SIZE) return undefined;
    try {
      const h = readHeader(this.buf, this.start, this.base + this.start);
      if (h.length > this.maxLength) {
        throw new DlmsError('DLMS_FRAME_TOO_LONG', `wrapper APDU of ${h.length} bytes exceeds ${this.maxLength}`, { offset: this.base + this.start + 6 });
      }
      const total = WRAPPER_HEADER_SIZE + h.length;
      if (this.end - this.start < total) return undefined;
      const apdu = this.buf.slice(this.start + WRAPPER_HEADER_SIZE, this.start + total);
      this.start += total;
      return { sourceWPort: h.sourceWPort, destinationWPort: h.destinationWPort, apdu };
    } catch (err) {
      if (err instanceof DlmsError) this.failed = err;
      throw err;
    }
  }
}
