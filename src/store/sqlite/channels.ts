import type Database from 'better-sqlite3';
import {
  MeterstackError, formatObis, obis, obisDefinition, obisToBytes, readingTypeCode, type Channel, type Obis, type StoredUnit,
} from '../../model/index.ts';

export interface ChannelInfo {
  readonly id: number;
  readonly meterId: string;
  readonly obis: Obis;
  /** 0 for a channel registered as a register and not yet read as intervals. */
  readonly intervalS: number;
}

interface Row {
  meter_id: string;
  obis: number;
  id: number;
  interval_s: number;
  unit: string | null;
  reading_type: string | null;
}

const ints = new Map<Obis, number>();

/** The six OBIS groups as one 48-bit integer: 6 bytes a channel row instead of 13 of text. */
function obisInt(code: Obis): number {
  let n = ints.get(code);
  if (n === undefined) {
    n = obisToBytes(code).reduce((acc, g) => acc * 256 + g, 0);
    if (ints.size < 10_000) ints.set(code, n);
  }
  return n;
}

function intObis(n: number): Obis {
  const g: number[] = [];
  for (let i = 0; i < 6; i++, n = Math.floor(n / 256)) g.unshift(n % 256);
  return formatObis({ a: g[0]!, b: g[1]!, c: g[2]!, d: g[3]!, e: g[4]!, f: g[5]! });
}

/** Unit and ReadingType from the OBIS table; an OBIS code the table lacks gets empty ones. */
function derived(code: Obis, intervalS: number): { unit: StoredUnit; readingType: string } {
  const def = obisDefinition(code);
  if (def === undefined) return { unit: '' as StoredUnit, readingType: '' };
  return { unit: def.unit, readingType: readingTypeCode(def, intervalS) };
}

/**
 * Channel ids by (meter, OBIS) in a Map, so the write path pays no query per series. Channels are
 * created on demand inside the caller's transaction; the undo log takes the Map back if it rolls
 * back. Another connection may add channels too, so a Map miss asks the database before inserting.
 */
export class ChannelRegistry {
  /**
   * meter → its channels under each OBIS spelling seen. A short list per meter: cheaper to build
   * for 100k meters than a Map each, and no concatenated key to hash per series.
   */
  private readonly byMeter = new Map<string, { readonly code: string; readonly info: ChannelInfo }[]>();
  private undo: (() => void)[] = [];
  /** Canonical form per spelling seen: parsing an OBIS code costs more than the rest of a lookup. */
  private readonly canonical = new Map<string, Obis>();
  /** Last channel id handed out in the current transaction, or -1 if none yet. */
  private lastId = -1;
  private readonly select;
  private readonly readCounter;
  private readonly writeCounter;
  private readonly insert;
  private readonly setInterval;
  private readonly update;
  private readonly hasBlocks;
  private readonly listByMeter;

  constructor(db: Database.Database) {
    this.select = db.prepare<[string, number], Row>('SELECT * FROM channels WHERE meter_id = ? AND obis = ?');
    this.readCounter = db.prepare<[], number>("SELECT value FROM counters WHERE name = 'channel_id'").pluck();
    this.writeCounter = db.prepare<[number]>("UPDATE counters SET value = ? WHERE name = 'channel_id'");
    this.insert = db.prepare<[string, number, number, number, string | null, string | null]>(
      'INSERT INTO channels (meter_id, obis, id, interval_s, unit, reading_type) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // A register read as intervals: the ReadingType of a register no longer fits, derive it again.
    this.setInterval = db.prepare<[number, string, number]>('UPDATE channels SET interval_s = ?, reading_type = NULL WHERE meter_id = ? AND obis = ?');
    this.update = db.prepare<[number, string | null, string | null, string, number]>(
      'UPDATE channels SET interval_s = ?, unit = ?, reading_type = ? WHERE meter_id = ? AND obis = ?',
    );
    this.hasBlocks = db.prepare<[number], { one: number }>('SELECT 1 AS one FROM interval_blocks WHERE channel_id = ? LIMIT 1');
    this.listByMeter = db.prepare<[string], Row>('SELECT * FROM channels WHERE meter_id = ? ORDER BY obis');
  }

  /** Forget everything cached: another connection committed and may have changed channels. */
  reset(): void {
    this.byMeter.clear();
  }

  /**
   * Ids come from the counters row, read once per transaction and written back at its end; the
   * transaction holds the write lock, so no other connection allocates in between.
   */
  private nextId(): number {
    if (this.lastId < 0) this.lastId = this.readCounter.get()!;
    return ++this.lastId;
  }

  /** Inside the transaction, just before it commits. */
  flush(): void {
    if (this.lastId >= 0) this.writeCounter.run(this.lastId);
    this.lastId = -1;
  }

  commit(): void {
    this.undo = [];
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
    this.lastId = -1;
  }

  private canon(code: string): Obis {
    let c = this.canonical.get(code);
    if (c === undefined) {
      c = obis(code);
      if (this.canonical.size < 10_000) this.canonical.set(code, c);
    }
    return c;
  }

  find(meterId: string, code: string): ChannelInfo | undefined {
    const known = this.byMeter.get(meterId);
    if (known !== undefined) for (const e of known) if (e.code === code) return e.info;
    const canonical = this.canon(code);
    const row = this.select.get(meterId, obisInt(canonical));
    if (row === undefined) return undefined;
    return this.remember(meterId, code, { id: row.id, meterId, obis: canonical, intervalS: row.interval_s });
  }

  /** The channel a series goes to: created if new, adopted if it was a register, else must match. */
  forSeries(meterId: string, code: string, intervalS: number): ChannelInfo {
    const found = this.find(meterId, code);
    if (found !== undefined && found.intervalS === intervalS) return found;
    if (found !== undefined && found.intervalS !== 0) {
      throw new MeterstackError('STORE_CONFLICT', `channel ${meterId} ${found.obis} has ${found.intervalS}s intervals; a ${intervalS}s series cannot be stored in it`, {
        details: { meterId, channel: found.obis, stored: found.intervalS, incoming: intervalS },
      });
    }
    const canonical = this.canon(code);
    if (found === undefined) {
      const id = this.nextId();
      this.insert.run(meterId, obisInt(canonical), id, intervalS, null, null);
      return this.remember(meterId, code, { id, meterId, obis: canonical, intervalS });
    }
    this.setInterval.run(intervalS, meterId, obisInt(canonical));
    return this.remember(meterId, code, { ...found, intervalS });
  }

  /** Other spellings of the same channel are dropped, so they cannot keep a stale interval length. */
  private remember(meterId: string, code: string, info: ChannelInfo): ChannelInfo {
    const before = this.byMeter.get(meterId);
    const list = before === undefined ? [] : before.filter((e) => e.info.obis !== info.obis);
    list.push({ code, info });
    if (code !== info.obis) list.push({ code: info.obis, info });
    this.byMeter.set(meterId, list);
    this.undo.push(() => (before === undefined ? this.byMeter.delete(meterId) : this.byMeter.set(meterId, before)));
    return info;
  }

  /** Register channels explicitly; changing the interval length of one that holds data is a conflict. */
  upsertAll(channels: readonly Channel[]): void {
    for (const c of channels) {
      const canonical = this.canon(c.obis);
      const found = this.find(c.meterId, canonical);
      const d = derived(canonical, c.intervalS);
      const unit = c.unit === d.unit ? null : c.unit;
      const readingType = c.readingType === d.readingType ? null : c.readingType;
      if (found === undefined) {
        this.insert.run(c.meterId, obisInt(canonical), this.nextId(), c.intervalS, unit, readingType);
        continue;
      }
      if (found.intervalS !== c.intervalS && found.intervalS !== 0 && this.hasBlocks.get(found.id) !== undefined) {
        throw new MeterstackError('STORE_CONFLICT', `channel ${c.meterId} ${canonical} holds ${found.intervalS}s data; its interval length cannot become ${c.intervalS}s`);
      }
      this.update.run(c.intervalS, unit, readingType, c.meterId, obisInt(canonical));
      if (found.intervalS !== c.intervalS) this.remember(c.meterId, canonical, { ...found, intervalS: c.intervalS });
    }
  }

  list(meterId: string): Channel[] {
    return this.listByMeter.all(meterId).map((r) => {
      const code = intObis(r.obis);
      const d = derived(code, r.interval_s);
      return { meterId: r.meter_id, obis: code, unit: (r.unit ?? d.unit) as StoredUnit, intervalS: r.interval_s, readingType: r.reading_type ?? d.readingType };
    });
  }
}
