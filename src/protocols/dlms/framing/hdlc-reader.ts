/**
 * Resumable, sans-IO HDLC frame reader: `push(bytes)` whatever arrived, then call `next()` until
 * it returns `undefined` (= need more bytes). Frames may be split at any byte, several may arrive
 * in one chunk, consecutive frames may share one flag (`7E … 7E … 7E`) or have their own.
 *
 * Errors and resync (the decision):
 * - Bytes outside any frame (line noise, a capture that starts mid-frame) are NOT errors: they
 *   are dropped and counted in `skippedBytes`, and the reader hunts for the next 0x7E.
 * - A delimited but invalid frame (closing flag missing where the length says, bad HCS/FCS, bad
 *   address/control, length over `maxFrameSize`) makes `next()` throw a typed `DlmsError` whose
 *   offset is the position in the whole stream. The reader has already moved on, so the caller
 *   just calls `next()` again. After a bad FCS (header verified by its HCS) the whole frame is
 *   skipped; after any other error only the opening flag is, and the reader resyncs on the next flag.
 * Every call to `next()` consumes at least one byte or returns, so it cannot loop forever.
 */
import { DlmsError } from '../errors.ts';
import { HDLC_FLAG, HDLC_MAX_LENGTH, decodeHdlcFrame, type DecodedHdlcFrame, type HdlcDecodeOptions } from './hdlc.ts';

export interface HdlcReaderOptions extends HdlcDecodeOptions {
  /** Largest accepted frame including both flags (default and ceiling: 2049, the 11-bit length + 2). */
  readonly maxFrameSize?: number;
}

const MIN_LENGTH = 7; // format(2) + dst(1) + src(1) + control(1) + FCS(2)

export class HdlcFrameReader {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  private readonly maxFrameSize: number;
  private readonly decodeOpts: HdlcDecodeOptions;
  /** Bytes dropped so far because they were not part of any frame (flags not counted). */
  skippedBytes = 0;

  constructor(opts: HdlcReaderOptions = {}) {
    this.maxFrameSize = Math.min(opts.maxFrameSize ?? HDLC_MAX_LENGTH + 2, HDLC_MAX_LENGTH + 2);
    this.decodeOpts = opts.ignoreChecksums === undefined ? {} : { ignoreChecksums: opts.ignoreChecksums };
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + bytes.length;
      const target = need <= this.buf.length ? this.buf : new Uint8Array(Math.max(4096, need * 2));
      target.set(this.buf.subarray(this.start, this.end)); // overlap-safe when target === buf
      this.buf = target;
      this.base += this.start;
      this.end = live;
      this.start = 0;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The next complete frame, or `undefined` if more bytes are needed. Throws `DlmsError` for a bad frame. */
  next(): DecodedHdlcFrame | undefined {
    for (;;) {
      if (!this.huntFlag()) return undefined;
      const avail = this.end - this.start;
      if (avail < 2) return undefined;
      const b = this.buf;
      const s = this.start;
      if (b[s + 1] === HDLC_FLAG) { this.start += 1; continue; } // idle / back-to-back flags
      if (b[s + 1]! >> 4 !== 0xa) { this.start += 1; continue; } // a closing flag followed by noise
      if (avail < 3) return undefined;
      const length = ((b[s + 1]! & 0x07) << 8) | b[s + 2]!;
      if (length + 2 > this.maxFrameSize) {
        this.start += 1;
        throw new DlmsError('DLMS_FRAME_TOO_LONG', `HDLC frame of ${length + 2} bytes exceeds ${this.maxFrameSize}`, { offset: this.base + s });
      }
      if (length < MIN_LENGTH) {
        this.start += 1;
        throw new DlmsError('DLMS_HDLC_BAD_FRAME', `HDLC length field ${length} is below the minimum ${MIN_LENGTH}`, { offset: this.base + s + 1 });
      }
      if (avail < length + 2) return undefined;
      if (b[s + length + 1] !== HDLC_FLAG) {
        this.start += 1;
        throw new DlmsError('DLMS_HDLC_BAD_FRAME', `no closing flag where the HDLC length field (${length}) ends the frame`, { offset: this.base + s + length + 1 });
      }
      return this.decodeAt(s, length);
    }
  }

  private decodeAt(s: number, length: number): DecodedHdlcFrame {
    try {
      const frame = decodeHdlcFrame(this.buf.subarray(s, s + length + 2), this.decodeOpts);
      this.start = s + length + 1; // keep the closing flag: it may open the next frame
      return frame;
    } catch (err) {
      if (!(err instanceof DlmsError)) throw err;
      const headerTrusted = err.code === 'DLMS_HDLC_BAD_FCS' && (err.details?.hasHcs ?? false) === true;
      this.start = headerTrusted ? s + length + 1 : s + 1;
      throw new DlmsError(err.code, err.message, { offset: this.base + s + (err.offset ?? 0), cause: err, ...(err.details ? { details: err.details } : {}) });
    }
  }

  /** Drops bytes up to the next flag; false if none is buffered. */
  private huntFlag(): boolean {
    const i = this.buf.subarray(this.start, this.end).indexOf(HDLC_FLAG);
    if (i < 0) {
      this.skippedBytes += this.end - this.start;
      this.start = this.end;
      return false;
    }
    this.skippedBytes += i;
    this.start += i;
    return true;
  }
}
