import type { DayArrays } from './day-block.ts';

/** The latest version of a block, decoded: what a streaming write merges into. */
export interface CachedDay {
  readonly day: DayArrays;
  version: number;
  recordedAt: number;
}

interface Node {
  readonly key: number;
  value: CachedDay;
  prev: Node | null;
  next: Node | null;
}

const DAY_SPAN = 2 ** 20;
const DAY_BIAS = 2 ** 19;

/**
 * LRU of decoded latest blocks, keyed by a number (no string per lookup). Streaming writes touch
 * the same (channel, day) every few minutes; without the cache each one would re-read and
 * re-decode the block. Bounded by intervals held, so 1-minute channels count for what they cost.
 *
 * A linked list rather than Map insertion order: finding the oldest entry of a Map that has seen
 * many delete + re-insert walks past every deleted slot, which made eviction O(n).
 */
export class BlockCache {
  private readonly map = new Map<number, Node>();
  /** Most recently used at head, eviction from tail. */
  private head: Node | null = null;
  private tail: Node | null = null;
  private held = 0;

  constructor(private readonly maxIntervals: number) {}

  static key(channelId: number, day: number): number {
    return channelId * DAY_SPAN + day + DAY_BIAS;
  }

  get(key: number): CachedDay | undefined {
    const node = this.map.get(key);
    if (node === undefined) return undefined;
    if (node !== this.head) {
      this.unlink(node);
      this.pushHead(node);
    }
    return node.value;
  }

  set(key: number, value: CachedDay): void {
    const n = value.day.values.length;
    const node = this.map.get(key);
    if (node !== undefined) {
      this.held += n - node.value.day.values.length;
      node.value = value;
      if (node !== this.head) {
        this.unlink(node);
        this.pushHead(node);
      }
    } else {
      if (n > this.maxIntervals) return;
      const fresh: Node = { key, value, prev: null, next: null };
      this.map.set(key, fresh);
      this.pushHead(fresh);
      this.held += n;
    }
    while (this.held > this.maxIntervals && this.tail !== null) {
      const old = this.tail;
      this.unlink(old);
      this.map.delete(old.key);
      this.held -= old.value.day.values.length;
    }
  }

  /** After a rollback or another connection's commit the cached copies may be wrong: drop them. */
  clear(): void {
    this.map.clear();
    this.head = this.tail = null;
    this.held = 0;
  }

  get size(): number {
    return this.map.size;
  }

  private unlink(node: Node): void {
    if (node.prev !== null) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
  }

  private pushHead(node: Node): void {
    node.next = this.head;
    if (this.head !== null) this.head.prev = node;
    this.head = node;
    if (this.tail === null) this.tail = node;
  }
}
