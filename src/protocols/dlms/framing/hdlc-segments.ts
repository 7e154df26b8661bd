/**
 * Reassembles segmented HDLC information fields (IEC 62056-46 segmentation bit): frames with
 * S=1 are held; the first frame with S=0 completes the message. Sans-IO; feed it decoded frames.
 * Only I and UI frames carry information; other frames are ignored (they return undefined and
 * leave the pending segments alone). Segments must come from the same source to the same
 * destination as the first one, else DLMS_HDLC_BAD_SEGMENT (the pending segments are dropped).
 */
import { DlmsError } from '../errors.ts';
import { addressValue, type HdlcAddress, type HdlcFrame } from './hdlc.ts';

export interface HdlcSegmentAssemblerOptions {
  /** Largest reassembled information field in bytes (default 65535). */
  readonly maxInfoSize?: number;
}

const sameAddress = (a: HdlcAddress, b: HdlcAddress): boolean => a.size === b.size && addressValue(a) === addressValue(b);

export class HdlcSegmentAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private first: HdlcFrame | undefined;
  private readonly maxInfoSize: number;

  constructor(opts: HdlcSegmentAssemblerOptions = {}) {
    this.maxInfoSize = opts.maxInfoSize ?? 0xffff;
  }

  /** True while segments are held waiting for the last one. */
  get pending(): boolean {
    return this.first !== undefined;
  }

  /** Adds a frame; returns the complete information field when this frame ends a message. */
  push(frame: HdlcFrame): Uint8Array | undefined {
    if (frame.control.kind !== 'I' && frame.control.kind !== 'UI') return undefined;
    const first = this.first;
    if (first !== undefined && (!sameAddress(first.source, frame.source) || !sameAddress(first.destination, frame.destination))) {
      this.reset();
      throw new DlmsError('DLMS_HDLC_BAD_SEGMENT', 'HDLC segment from another source or to another destination than the first segment');
    }
    if (this.size + frame.info.length > this.maxInfoSize) {
      const total = this.size + frame.info.length;
      this.reset();
      throw new DlmsError('DLMS_FRAME_TOO_LONG', `reassembled HDLC information field of ${total} bytes exceeds ${this.maxInfoSize}`);
    }
    if (first === undefined && !frame.segmented) return frame.info;
    this.first ??= frame;
    this.parts.push(frame.info);
    this.size += frame.info.length;
    if (frame.segmented) return undefined;
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const part of this.parts) { out.set(part, p); p += part.length; }
    this.reset();
    return out;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
    this.first = undefined;
  }
}
