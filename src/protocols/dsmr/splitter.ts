/**
 * Finds telegrams in a byte stream (a serial port through a ser2net gateway, stdin, a capture file),
 * sans-IO: `push(chunk)` returns what the chunk completed, `end()` what the end of the stream does.
 *
 * - A plain telegram runs from "/" to the line end after its "!" line (CRC or not). Chunks may cut
 *   anywhere; the result is the same for any chunking (a property test checks it).
 * - Resync: bytes before a "/" are skipped (reported when they are more than line ends); a "/" at
 *   the start of a line before the "!" means the telegram was cut off (a gateway reconnect, a
 *   meter reboot): it is dropped and the new one read. A telegram longer than `maxLength` is dropped.
 * - Luxembourg Smarty frames (0xDB general-glo-ciphering) are recognised by their header and taken
 *   by their length, so their binary content never confuses the plain-text scan.
 */
import { MAX_FRAME, frameLength, GENERAL_GLO_CIPHERING } from './encrypted.ts';

export type SplitEvent =
  /** A plain telegram. `complete` is false only for the last one of a stream that ended before "!". */
  | { readonly kind: 'telegram'; readonly bytes: Uint8Array; readonly offset: number; readonly complete: boolean }
  | { readonly kind: 'encrypted'; readonly bytes: Uint8Array; readonly offset: number }
  /** Bytes dropped: garbage between telegrams, a cut-off or over-long telegram, a truncated frame. */
  | { readonly kind: 'skipped'; readonly offset: number; readonly length: number; readonly cause: SkipCause; readonly reason: string };

export type SkipCause = 'garbage' | 'truncated' | 'too-long' | 'frame';

export interface SplitterOptions {
  /** Longest plain telegram accepted (default 16 KiB; a DSMR 5 telegram is about 1 KiB). */
  readonly maxLength?: number;
  /** Whether to look for 0xDB encrypted frames too (default true). */
  readonly encrypted?: boolean;
}

type State = 'idle' | 'telegram' | 'trailer' | 'frame';

const NL_BANG = Buffer.from('\n!', 'latin1');
const NL_SLASH = Buffer.from('\n/', 'latin1');
const SLASH = 0x2f;
/** Room after "!" for up to 4 CRC digits, CR, LF and a little slack before giving up on the line end. */
const TRAILER_MAX = 8;

export class TelegramSplitter {
  private buf = Buffer.alloc(4096);
  private len = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  private state: State = 'idle';
  private start = 0;
  private scan = 0;
  private bang = 0;
  private readonly maxLength: number;
  private readonly encrypted: boolean;

  constructor(opts: SplitterOptions = {}) {
    this.maxLength = opts.maxLength ?? 16_384;
    this.encrypted = opts.encrypted ?? true;
  }

  push(chunk: Uint8Array): SplitEvent[] {
    this.append(chunk);
    const out: SplitEvent[] = [];
    while (this.step(out));
    return out;
  }

  /** The stream ended: whatever is pending becomes a last (incomplete) telegram or is skipped. */
  end(): SplitEvent[] {
    const out: SplitEvent[] = [];
    if (this.state === 'telegram') {
      out.push({ kind: 'telegram', bytes: this.take(this.start, this.len), offset: this.base + this.start, complete: false });
    } else if (this.state === 'trailer') {
      out.push({ kind: 'telegram', bytes: this.take(this.start, this.len), offset: this.base + this.start, complete: true });
    } else if (this.state === 'frame') {
      this.skip(out, this.start, this.len, 'frame', 'the stream ended inside an encrypted frame');
    } else {
      this.skipGarbage(out, this.scan, this.len);
    }
    this.state = 'idle';
    this.base += this.len;
    this.len = this.start = this.scan = 0;
    return out;
  }

  private append(chunk: Uint8Array): void {
    // Drop what is done before growing: only the pending telegram (from `start`) is kept.
    const keep = this.state === 'idle' ? this.scan : this.start;
    if (keep > 0) {
      this.buf.copy(this.buf, 0, keep, this.len);
      this.len -= keep;
      this.base += keep;
      this.scan -= keep;
      this.start -= keep;
      this.bang -= keep;
    }
    if (this.len + chunk.length > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.len + chunk.length));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** One state transition; false when more input is needed. */
  private step(out: SplitEvent[]): boolean {
    const view = this.buf.subarray(0, this.len);
    switch (this.state) {
      case 'idle': return this.idle(view, out);
      case 'telegram': return this.inTelegram(view, out);
      case 'trailer': return this.trailer(view, out);
      case 'frame': return this.frame(view, out);
    }
  }

  private idle(view: Buffer, out: SplitEvent[]): boolean {
    const slash = view.indexOf(SLASH, this.scan);
    const db = this.encrypted ? view.indexOf(GENERAL_GLO_CIPHERING, this.scan) : -1;
    const at = slash === -1 ? db : db === -1 ? slash : Math.min(slash, db);
    if (at === -1) {
      this.skipGarbage(out, this.scan, this.len);
      this.scan = this.len;
      return false;
    }
    this.skipGarbage(out, this.scan, at);
    this.start = at;
    this.scan = at + 1;
    if (at === slash) {
      this.state = 'telegram';
      return true;
    }
    const n = frameLength(view, at);
    if (n === -1) return true; // a stray 0xDB: keep scanning after it
    this.state = 'frame';
    this.scan = at;
    return true;
  }

  private inTelegram(view: Buffer, out: SplitEvent[]): boolean {
    // Only marks within maxLength of the start count, so the outcome never depends on chunking.
    const limit = this.start + this.maxLength;
    const found = (i: number): number => (i !== -1 && i < limit ? i : -1);
    const bang = found(view.indexOf(NL_BANG, this.scan));
    const next = found(view.indexOf(NL_SLASH, this.scan));
    if (next !== -1 && (bang === -1 || next < bang)) {
      this.skip(out, this.start, next + 1, 'truncated', 'a telegram was cut off (no "!" end line before the next "/")');
      this.start = next + 1;
      this.scan = next + 2;
      return true;
    }
    if (bang !== -1) {
      this.bang = bang + 1;
      this.state = 'trailer';
      return true;
    }
    if (this.len > limit) {
      this.skip(out, this.start, limit, 'too-long', `no "!" end line within ${this.maxLength} bytes`);
      this.state = 'idle';
      this.scan = limit;
      return true;
    }
    this.scan = Math.max(this.start + 1, this.len - 1); // a LF at the very end may precede "!" or "/"
    return false;
  }

  private trailer(view: Buffer, out: SplitEvent[]): boolean {
    const lf = view.indexOf(0x0a, this.bang + 1);
    let end: number;
    if (lf !== -1 && lf - this.bang <= TRAILER_MAX) end = lf + 1;
    else if (this.len - this.bang > TRAILER_MAX) end = this.bang + TRAILER_MAX; // no line end: the parser judges the trailer
    else return false;
    out.push({ kind: 'telegram', bytes: this.take(this.start, end), offset: this.base + this.start, complete: true });
    this.state = 'idle';
    this.scan = end;
    return true;
  }

  private frame(view: Buffer, out: SplitEvent[]): boolean {
    const n = frameLength(view, this.start);
    if (n === -1) {
      // More header octets showed it is no frame after all: resume the scan after the 0xDB.
      this.state = 'idle';
      this.scan = this.start + 1;
      return true;
    }
    if (n === 0 || this.len - this.start < n) {
      if (this.len - this.start > MAX_FRAME) {
        this.skip(out, this.start, this.len, 'frame', 'an encrypted frame header announces more than the maximum frame size');
        this.state = 'idle';
        this.scan = this.len;
      }
      return false;
    }
    out.push({ kind: 'encrypted', bytes: this.take(this.start, this.start + n), offset: this.base + this.start });
    this.state = 'idle';
    this.scan = this.start + n;
    return true;
  }

  private take(from: number, to: number): Uint8Array {
    return new Uint8Array(this.buf.subarray(from, to));
  }

  private skip(out: SplitEvent[], from: number, to: number, cause: SkipCause, reason: string): void {
    if (to > from) out.push({ kind: 'skipped', offset: this.base + from, length: to - from, cause, reason });
  }

  /** Bytes between telegrams: line ends and blanks are normal, anything else is reported. */
  private skipGarbage(out: SplitEvent[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const c = this.buf[i]!;
      if (c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x09 && c !== 0x00) {
        this.skip(out, from, to, 'garbage', 'bytes outside any telegram');
        return;
      }
    }
  }
}
