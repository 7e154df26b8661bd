import type { ImportBatch } from '../format.ts';
import { NemContext, fields } from './context.ts';
import { b2b500, closeVariable, details200, events400, finishRun, interval300 } from './nem12-records.ts';
import { b2b550, register250 } from './nem13-records.ts';
import { RECORDS, type State, TRANSITIONS, type Version, sequenceProblem } from './sequence.ts';

/** Readings per batch: large messages are what the pipeline and the store digest fastest. */
export const BATCH_READINGS = 100_000;
const NL = 10;
const CR = 13;
const NONE: readonly ImportBatch[] = [];

/**
 * Streaming MDFF (NEM12/NEM13) decoder, sans-IO: push chunks of the file as they come, get back
 * the batches they completed. Memory is bounded by one batch plus one line, whatever the file
 * size; a line split across chunks is the only thing copied. The first problem throws a
 * MeterstackError with the line and source (no partial result is meaningful after that).
 *
 * A batch is cut only between records, never inside a V day awaiting its 400 records, and its
 * `bytes` are exactly the file's bytes since the previous cut, so the batches' bytes concatenated
 * are the file. The last cut is held back until the end so the trailing 900 record joins the
 * last batch that has data.
 */
export class NemDecoder {
  private readonly ctx: NemContext;
  private state: State = 'start';
  private line = 0;
  private carry: Buffer | null = null;
  private held: ImportBatch | undefined;
  private out: ImportBatch[] = [];
  private first = true;

  constructor(private readonly expect: Version, source: string) {
    this.ctx = new NemContext(expect, source);
  }

  push(input: Uint8Array): readonly ImportBatch[] {
    if (input.length === 0) return NONE;
    // One array type on the hot path keeps its element loads monomorphic.
    const chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.length);
    let pos = 0;
    if (this.carry) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.carry = concat(this.carry, chunk);
        this.ctx.batch.addBytes(chunk);
        return NONE;
      }
      const text = concat(this.carry, chunk.subarray(0, nl));
      this.carry = null;
      this.ctx.batch.addBytes(chunk.subarray(0, nl + 1));
      this.lineAt(text, 0, text.length);
      pos = nl + 1;
      this.maybeCut();
    }
    let from = pos;
    for (let nl = chunk.indexOf(NL, pos); nl !== -1; nl = chunk.indexOf(NL, pos)) {
      this.lineAt(chunk, pos, nl);
      pos = nl + 1;
      if (this.wantCut()) {
        this.ctx.batch.addBytes(chunk.subarray(from, pos));
        from = pos;
        this.cut();
      }
    }
    this.ctx.batch.addBytes(chunk.subarray(from));
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    return this.drain();
  }

  /** The input ended: the last line, the end-of-file checks, the last batch. */
  end(): readonly ImportBatch[] {
    if (this.carry) {
      const text = this.carry;
      this.carry = null;
      this.lineAt(text, 0, text.length);
    }
    const ctx = this.ctx;
    if (this.state === 'start') throw ctx.error('BAD_SEQUENCE', 'the file is empty; an MDFF file starts with a 100 header record', Math.max(1, this.line));
    if (this.state !== 'end') throw ctx.error('BAD_SEQUENCE', 'the file ends without the 900 end record (truncated?)', this.line);
    finishRun(ctx);
    const last = ctx.batch.take(this.line);
    if (this.held && last.series === undefined && last.registers === undefined) {
      // Only the 900 record is left: it joins the batch held back.
      const h = this.held;
      this.out.push({ ...h, bytes: Buffer.concat([h.bytes, last.bytes]), line: this.line });
    } else {
      if (this.held) this.out.push(this.held);
      this.out.push(last);
    }
    this.held = undefined;
    return this.drain();
  }

  private drain(): readonly ImportBatch[] {
    if (this.out.length === 0) return NONE;
    const o = this.out;
    this.out = [];
    return o;
  }

  private wantCut(): boolean {
    const ctx = this.ctx;
    return ctx.batch.readings + ctx.run.length >= BATCH_READINGS && ctx.variable === undefined;
  }

  private maybeCut(): void {
    if (this.wantCut()) this.cut();
  }

  private cut(): void {
    finishRun(this.ctx);
    if (this.held) this.out.push(this.held);
    this.held = this.ctx.batch.take(this.line);
  }

  /** One line: buf[start, end) without its LF (a CR before it is dropped here). */
  private lineAt(buf: Uint8Array, start: number, end: number): void {
    this.line++;
    if (end > start && buf[end - 1] === CR) end--;
    if (this.first) {
      this.first = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    // The hot path: a 300 record straight from the bytes.
    if (end - start > 4 && buf[start] === 51 && buf[start + 1] === 48 && buf[start + 2] === 48 && buf[start + 3] === 44 && this.expect === 'NEM12') {
      this.enter('300');
      interval300(this.ctx, buf, start, end, this.line);
      return;
    }
    const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
    if (text.trim() === '') return;
    const comma = text.indexOf(',');
    const record = (comma === -1 ? text : text.slice(0, comma)).trim();
    this.enter(record);
    const ctx = this.ctx;
    switch (record) {
      case '100': this.header(text); break;
      case '200': details200(ctx, text, this.line); break;
      case '300': interval300(ctx, buf, start, end, this.line); break;
      case '400': events400(ctx, text, this.line); break;
      case '500': b2b500(ctx, text, this.line); break;
      case '250': register250(ctx, text, this.line); break;
      case '550': b2b550(ctx, text, this.line); break;
      default: break; // 900: nothing to read
    }
  }

  /** Checks `record` against the transition table and moves the state. */
  private enter(record: string): void {
    const ctx = this.ctx;
    const version = ctx.version;
    if (!RECORDS[version].includes(record)) {
      const other: Version = version === 'NEM12' ? 'NEM13' : 'NEM12';
      if (RECORDS[other].includes(record)) throw ctx.mixed(`a ${record} record is ${other}, but this is a ${version} file; a file holds NEM12 or NEM13, not both`, this.line);
      throw ctx.error('UNKNOWN_RECORD', `"${record.slice(0, 20)}" is not a ${version} record indicator (${RECORDS[version].join(', ')})`, this.line);
    }
    if (record !== '400' && version === 'NEM12') closeVariable(ctx, this.line);
    const next = TRANSITIONS[version][this.state][record];
    if (next === undefined) {
      throw ctx.error('BAD_SEQUENCE', sequenceProblem(version, this.state, record, ctx.details?.line ?? 0), this.line);
    }
    this.state = next;
  }

  /** 100: the version in the header must be the one this format reads. */
  private header(text: string): void {
    const f = fields(text);
    const v = (f[1] ?? '').toUpperCase();
    if (v !== 'NEM12' && v !== 'NEM13') throw this.ctx.error('BAD_RECORD', `VersionHeader "${f[1] ?? ''}" is neither NEM12 nor NEM13`, this.line);
    if (v !== this.expect) {
      throw this.ctx.mixed(`the 100 header says ${v}, but the file is read as ${this.expect}; import it with --format ${v.toLowerCase()} (or auto)`, this.line);
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
