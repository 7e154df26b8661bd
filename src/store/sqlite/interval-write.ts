import type Database from 'better-sqlite3';
import { DAY_S, type IntervalSeries } from '../../model/index.ts';
import type { AuditInput, WriteContext } from '../store.port.ts';
import { BlockCache, type CachedDay } from '../common/block-cache.ts';
import { applySegment, compareSegment, dayLabel, decodeDay, emptyDay, encodeDay, type SegmentCounts } from '../common/day-block.ts';
import type { ChannelInfo, ChannelRegistry } from './channels.ts';

export interface Tally {
  written: number;
  unchanged: number;
  versioned: number;
}

type BlockRow = [version: number, recordedAt: number, data: Uint8Array];

/** How a block changed in the current transaction, so flush() writes it once with the right statement. */
interface Dirty {
  readonly ch: ChannelInfo;
  readonly day: number;
  readonly entry: CachedDay;
  kind: 'insert' | 'data' | 'version';
}

/**
 * The write path: each series is cut into UTC days and merged into the latest block of each day.
 * Runs inside the caller's transaction and mutates cached blocks in place, so the caller must
 * clear the cache if the transaction rolls back. A block touched many times in one transaction
 * (live meters: one interval per message, hundreds of messages per commit) is encoded and written
 * once, by flush(), which the caller runs before committing.
 */
export class IntervalWriter {
  private readonly counts: SegmentCounts = { fills: 0, unchanged: 0, changed: 0 };
  private readonly selectBlock;
  private readonly insertBlock;
  private readonly updateData;
  private readonly updateVersion;
  private readonly archive;
  private readonly dirty = new Map<number, Dirty>();

  constructor(db: Database.Database, private readonly channels: ChannelRegistry, private readonly cache: BlockCache) {
    this.selectBlock = db.prepare<[number, number]>('SELECT version, recorded_at, data FROM interval_blocks WHERE channel_id = ? AND day = ?').raw();
    this.insertBlock = db.prepare<[number, number, number, number, Uint8Array]>('INSERT INTO interval_blocks (channel_id, day, version, recorded_at, data) VALUES (?, ?, ?, ?, ?)');
    this.updateData = db.prepare<[Uint8Array, number, number]>('UPDATE interval_blocks SET data = ? WHERE channel_id = ? AND day = ?');
    this.updateVersion = db.prepare<[number, number, Uint8Array, number, number]>('UPDATE interval_blocks SET version = ?, recorded_at = ?, data = ? WHERE channel_id = ? AND day = ?');
    this.archive = db.prepare<[number, number, number]>(
      `INSERT INTO interval_block_history (channel_id, day, version, recorded_at, superseded_at, data)
       SELECT channel_id, day, version, recorded_at, ?, data FROM interval_blocks WHERE channel_id = ? AND day = ?`,
    );
  }

  write(batch: readonly IntervalSeries[], ctx: WriteContext, now: number, tally: Tally, audits: AuditInput[]): void {
    for (const s of batch) {
      const ch = this.channels.forSeries(s.meterId, s.channel, s.intervalS);
      const perDay = DAY_S / s.intervalS;
      const g0 = s.start / s.intervalS;
      const n = s.values.length;
      let i = 0;
      while (i < n) {
        const day = Math.floor((g0 + i) / perDay);
        const off = g0 + i - day * perDay;
        const len = Math.min(perDay - off, n - i);
        this.mergeDay(ch, s, day, i, off, len, ctx, now, tally, audits);
        i += len;
      }
    }
  }

  /** Writes every block changed since the last flush; inside the transaction, before commit. */
  flush(): void {
    for (const d of this.dirty.values()) this.writeOut(d);
    this.dirty.clear();
  }

  /** After a rollback: forget pending blocks (the caller clears the cache). */
  discard(): void {
    this.dirty.clear();
  }

  private writeOut(d: Dirty): void {
    const { ch, day, entry } = d;
    const data = encodeDay(entry.day, ch.intervalS);
    if (d.kind === 'insert') this.insertBlock.run(ch.id, day, entry.version, entry.recordedAt, data);
    else if (d.kind === 'data') this.updateData.run(data, ch.id, day);
    else this.updateVersion.run(entry.version, entry.recordedAt, data, ch.id, day);
  }

  private markDirty(key: number, ch: ChannelInfo, day: number, entry: CachedDay, kind: Dirty['kind']): void {
    const d = this.dirty.get(key);
    if (d === undefined) this.dirty.set(key, { ch, day, entry, kind });
    else if (kind === 'version') d.kind = 'version';
  }

  private load(ch: ChannelInfo, day: number, key: number): CachedDay | undefined {
    // A pending block may have been evicted from the cache; the database row is stale until flush.
    const pending = this.dirty.get(key);
    if (pending !== undefined) return pending.entry;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const row = this.selectBlock.get(ch.id, day) as BlockRow | undefined;
    if (row === undefined) return undefined;
    const entry: CachedDay = { day: decodeDay(row[2], ch.intervalS), version: row[0], recordedAt: row[1] };
    this.cache.set(key, entry);
    return entry;
  }

  private mergeDay(
    ch: ChannelInfo, s: IntervalSeries, day: number, i0: number, off: number, len: number,
    ctx: WriteContext, now: number, tally: Tally, audits: AuditInput[],
  ): void {
    const key = BlockCache.key(ch.id, day);
    const c = this.counts;
    const entry = this.load(ch, day, key);
    if (entry === undefined) {
      const fresh = emptyDay(DAY_S / ch.intervalS);
      compareSegment(fresh, s, i0, off, len, c);
      if (c.fills === 0) return;
      applySegment(fresh, s, i0, off, len);
      const created: CachedDay = { day: fresh, version: 1, recordedAt: now };
      this.cache.set(key, created);
      this.markDirty(key, ch, day, created, 'insert');
      tally.written += c.fills;
      return;
    }
    compareSegment(entry.day, s, i0, off, len, c);
    tally.unchanged += c.unchanged;
    tally.written += c.fills;
    if (c.fills === 0 && c.changed === 0) return;
    if (c.changed === 0) {
      applySegment(entry.day, s, i0, off, len);
      this.markDirty(key, ch, day, entry, 'data');
      return;
    }
    const { changed, fills } = c;
    // History keeps the version exactly as it stood, including fills made earlier in this transaction.
    const pending = this.dirty.get(key);
    if (pending !== undefined) {
      this.writeOut(pending);
      this.dirty.delete(key);
    }
    this.archive.run(now, ch.id, day);
    applySegment(entry.day, s, i0, off, len);
    const oldVersion = entry.version;
    entry.version = oldVersion + 1;
    entry.recordedAt = now;
    this.markDirty(key, ch, day, entry, 'version');
    tally.versioned += changed;
    audits.push({
      at: now, actor: ctx.actor, action: 'interval.version', object: `meter/${ch.meterId}/${ch.obis}/${dayLabel(day)}`,
      details: { oldVersion, newVersion: entry.version, changed, filled: fills, source: ctx.source, ...(ctx.reason !== undefined ? { reason: ctx.reason } : {}) },
    });
  }
}
