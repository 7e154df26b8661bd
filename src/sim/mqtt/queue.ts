import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readSync, renameSync, ftruncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { MeterstackError } from '../../model/index.ts';

/**
 * Store-and-forward: what a simulated device or gateway has produced and the broker has not yet
 * acknowledged (docs/mqtt.md § Store-and-forward). Oldest first; a message leaves the queue only
 * when `ack` is called for it (after its PUBACK).
 *
 * Bounded by messages and bytes. Overflow policy:
 * - 'drop-oldest' (default): the oldest message is discarded to make room, as a meter's load
 *   profile ring buffer overwrites its oldest entries; `dropped` counts them;
 * - 'reject-new': push throws MQTT_QUEUE_FULL and the caller keeps the data (or loses it knowingly).
 */

export interface QueuedMessage {
  readonly seq: number;
  readonly topic: string;
  readonly payload: Uint8Array;
}

export type OverflowPolicy = 'drop-oldest' | 'reject-new';

export interface QueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly overflow: OverflowPolicy;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { maxMessages: 100_000, maxBytes: 64 * 1024 * 1024, overflow: 'drop-oldest' };

export interface OutboundQueue {
  push(topic: string, payload: Uint8Array): void;
  /** Up to `n` messages with seq > `after`, oldest first. */
  after(after: number, n: number): QueuedMessage[];
  ack(seq: number): void;
  readonly size: number;
  readonly bytes: number;
  /** Messages discarded by the drop-oldest policy since the queue was opened. */
  readonly dropped: number;
  close(): void;
}

const sizeOf = (m: QueuedMessage): number => m.payload.length + m.topic.length;

/**
 * The in-memory queue; DiskQueue adds the log file on top. `items[i]` holds seq `base + i`
 * (undefined once acknowledged or dropped), so finding a seq is an index, not a search.
 */
export class MemoryQueue implements OutboundQueue {
  private items: (QueuedMessage | undefined)[] = [];
  private base = 1;
  private head = 0;
  private live = 0;
  private liveBytes = 0;
  private droppedCount = 0;
  protected nextSeq = 1;

  constructor(protected readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS) {
    if (!(limits.maxMessages >= 1 && limits.maxBytes >= 1)) throw new RangeError('queue limits must be at least 1');
  }

  get size(): number { return this.live; }
  get bytes(): number { return this.liveBytes; }
  get dropped(): number { return this.droppedCount; }

  push(topic: string, payload: Uint8Array): void {
    const m: QueuedMessage = { seq: this.nextSeq, topic, payload };
    if (sizeOf(m) > this.limits.maxBytes) throw new MeterstackError('MQTT_QUEUE_FULL', `a message of ${sizeOf(m)} bytes exceeds the queue's ${this.limits.maxBytes} bytes`);
    while (this.live >= this.limits.maxMessages || this.liveBytes + sizeOf(m) > this.limits.maxBytes) {
      if (this.limits.overflow === 'reject-new') {
        throw new MeterstackError('MQTT_QUEUE_FULL', `the queue holds ${this.live} messages (${this.liveBytes} bytes), its limit; policy reject-new`);
      }
      this.discard(this.items[this.head]!.seq);
      this.droppedCount++;
    }
    this.written(m);
    this.restore(m);
    this.nextSeq++;
  }

  after(after: number, n: number): QueuedMessage[] {
    const out: QueuedMessage[] = [];
    for (let i = Math.max(this.head, after + 1 - this.base); i < this.items.length && out.length < n; i++) {
      const m = this.items[i];
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  ack(seq: number): void {
    this.discard(seq);
  }

  close(): void {}

  /** Persist hooks for DiskQueue: a message was added / removed. */
  protected written(_m: QueuedMessage): void {}
  protected removed(_seq: number): void {}

  /** Puts a message back in seq order (on push, and when a log file is read). */
  protected restore(m: QueuedMessage): void {
    if (this.items.length === 0 || this.head === this.items.length) {
      this.items = [];
      this.head = 0;
      this.base = m.seq;
    }
    while (this.base + this.items.length < m.seq) this.items.push(undefined);
    this.items.push(m);
    this.live++;
    this.liveBytes += sizeOf(m);
    this.nextSeq = Math.max(this.nextSeq, m.seq + 1);
  }

  protected discard(seq: number): boolean {
    const i = seq - this.base;
    const m = i >= 0 && i < this.items.length ? this.items[i] : undefined;
    if (m === undefined) return false;
    this.removed(seq);
    this.items[i] = undefined;
    this.live--;
    this.liveBytes -= sizeOf(m);
    while (this.head < this.items.length && this.items[this.head] === undefined) this.head++;
    // Reclaim the acknowledged prefix now and then, not on every ack.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.base += this.head;
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** Live messages oldest first (for compaction). */
  protected liveMessages(): QueuedMessage[] {
    return this.after(0, Number.MAX_SAFE_INTEGER);
  }
}

const PUT = 1;
const ACK = 2;
const HEADER = 8;

export interface DiskQueueOptions extends Partial<QueueLimits> {
  /** fdatasync after every write: survives power loss, not only a killed process (default false). */
  readonly fsync?: boolean;
}

/**
 * A MemoryQueue backed by an append-only log file: `u32 LE body length · u32 LE CRC-32 of body ·
 * body`, body = `u8 kind (1 put, 2 ack) · f64 LE seq` and for a put `u16 LE topic length · topic ·
 * payload`. Opening replays the log; a torn last record (the process died mid-write) fails its
 * length or CRC and is cut off. When acknowledged records outweigh live ones the log is rewritten
 * (temp file + rename, so a crash leaves either the old or the new log).
 */
export class DiskQueue extends MemoryQueue {
  private fd: number;
  private fileBytes = 0;
  /** Bytes of the log cut off at open because its last record was torn. */
  readonly truncatedBytes: number;

  constructor(readonly path: string, private readonly opts: DiskQueueOptions = {}) {
    super({ ...DEFAULT_QUEUE_LIMITS, ...opts });
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    const { good, total } = this.replay();
    this.truncatedBytes = total - good;
    if (good < total) ftruncateSync(this.fd, good);
    this.fileBytes = good;
  }

  protected override written(m: QueuedMessage): void {
    const topic = Buffer.from(m.topic, 'utf8');
    const body = Buffer.allocUnsafe(11 + topic.length + m.payload.length);
    body[0] = PUT;
    body.writeDoubleLE(m.seq, 1);
    body.writeUInt16LE(topic.length, 9);
    topic.copy(body, 11);
    body.set(m.payload, 11 + topic.length);
    this.append(body);
  }

  protected override removed(seq: number): void {
    const body = Buffer.allocUnsafe(9);
    body[0] = ACK;
    body.writeDoubleLE(seq, 1);
    this.append(body);
  }

  override ack(seq: number): void {
    super.ack(seq);
    const liveBytes = this.bytes + this.size * 19;
    if (this.fileBytes > 1024 * 1024 && this.fileBytes > 4 * liveBytes) this.compact();
  }

  override close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private append(body: Buffer): void {
    const rec = Buffer.allocUnsafe(HEADER + body.length);
    rec.writeUInt32LE(body.length, 0);
    rec.writeUInt32LE(crc32(body), 4);
    body.copy(rec, HEADER);
    writeSync(this.fd, rec);
    if (this.opts.fsync) fdatasyncSync(this.fd);
    this.fileBytes += rec.length;
  }

  /** Reads the log into memory; returns how many leading bytes hold whole, valid records. */
  private replay(): { good: number; total: number } {
    const total = fstatSync(this.fd).size;
    const all = Buffer.allocUnsafe(total);
    let read = 0;
    while (read < total) read += readSync(this.fd, all, read, total - read, read);
    const puts = new Map<number, QueuedMessage>();
    let at = 0;
    while (at + HEADER <= total) {
      const len = all.readUInt32LE(at);
      if (len < 9 || at + HEADER + len > total) break;
      const body = all.subarray(at + HEADER, at + HEADER + len);
      if (crc32(body) !== all.readUInt32LE(at + 4)) break;
      const seq = body.readDoubleLE(1);
      if (body[0] === PUT && len >= 11) {
        const tl = body.readUInt16LE(9);
        if (11 + tl > len) break;
        puts.set(seq, { seq, topic: body.toString('utf8', 11, 11 + tl), payload: new Uint8Array(body.subarray(11 + tl)) });
      } else if (body[0] === ACK) {
        puts.delete(seq);
      } else {
        break;
      }
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      at += HEADER + len;
    }
    for (const m of [...puts.values()].sort((a, b) => a.seq - b.seq)) this.restore(m);
    return { good: at, total };
  }

  private compact(): void {
    const tmp = `${this.path}.tmp`;
    const old = this.fd;
    this.fd = openSync(tmp, 'w');
    this.fileBytes = 0;
    for (const m of this.liveMessages()) this.written(m);
    fdatasyncSync(this.fd);
    renameSync(tmp, this.path);
    closeSync(old);
  }
}
