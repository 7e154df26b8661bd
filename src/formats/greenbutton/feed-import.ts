import {
  MAX_VALUE, MeterstackError, QUALITY, isValidIntervalLength, qualityFlag, readingTypeCode,
  type Channel, type Meter, type MeterKind, type RegisterReading,
} from '../../model/index.ts';
import type { ImportBatch, ImportOptions } from '../format.ts';
import { SERVICE } from './espi.ts';
import type { BlockInfo, EspiItem, ReadingColumns } from './espi-reader.ts';
import { FeedLinks, normHref, type MeterReadingMeta, type Mode, type UsagePointMeta } from './feed-links.ts';
import { zoneForLocalTime } from './local-time.ts';
import { canonicalQuality } from './quality-map.ts';
import { mapReadingType, meterKindOf, scaleExact, type ChannelMapping } from './reading-type-map.ts';
import { SeriesRuns } from './series-runs.ts';

/**
 * Green Button feed → canonical batches. IntervalBlock pieces are converted as soon as the links
 * place them (MeterReading, its ReadingType and UsagePoint known); pieces that arrive before their
 * metadata wait, up to MAX_PENDING readings, and are placed when it arrives or, at the end of the
 * document, by "the only one there is". A feed that needs more waiting than that is rejected
 * rather than held in memory.
 */

export const MAX_PENDING = 1_000_000;

interface Pending {
  readonly block: BlockInfo;
  readonly cols: ReadingColumns;
}

const KIND_OF_SERVICE: Record<number, MeterKind> = { [SERVICE.electricity]: 'electricity', [SERVICE.gas]: 'gas', [SERVICE.water]: 'water', [SERVICE.heat]: 'heat' };

/**
 * The meter id of a UsagePoint: its self link's path after the ESPI resource root ("…/resource/"),
 * segments joined with ':' (RetailCustomer:3:UsagePoint:1); a UsagePoint directly under the root,
 * as meterstack writes it (…/resource/UsagePoint/SIM000001), is just its name. No self link: the
 * Atom entry id.
 */
export function meterIdOfUsagePoint(self: string | undefined, entryId: string | undefined): string | undefined {
  const path = normHref(self);
  if (path !== undefined) {
    const at = path.lastIndexOf('/resource/');
    const rest = at >= 0 ? path.slice(at + '/resource/'.length) : path;
    const segs = rest.split('/').filter((s) => s !== '').map((s) => {
      try { return decodeURIComponent(s); } catch { return s; }
    });
    if (segs.length === 2 && segs[0] === 'UsagePoint') return segs[1];
    if (segs.length > 0) return segs.join(':');
  }
  return entryId?.trim() || undefined;
}

export class FeedImport {
  private readonly links = new FeedLinks();
  private pending: Pending[] = [];
  private pendingCount = 0;
  private readonly runs = new SeriesRuns();
  private registers: RegisterReading[] = [];
  private meters: Meter[] = [];
  private channels: Channel[] = [];
  private readonly meterOf = new Map<UsagePointMeta, Meter>();
  private readonly mappingOf = new Map<MeterReadingMeta, ChannelMapping>();
  /** Interval length per meter and channel (0 = registers only so far). */
  private readonly channelLength = new Map<string, number>();
  /** Start of the next reading of a block whose readings carry no timePeriod. */
  private readonly cursor = new WeakMap<BlockInfo, number>();

  constructor(private readonly opts: ImportOptions) {}

  /** Readings converted and not yet taken. */
  get ready(): number {
    return this.runs.count + this.registers.length;
  }

  item(it: EspiItem): void {
    if (it.kind === 'readings') {
      if (!this.place(it.block, it.cols, 'explicit')) this.wait(it.block, it.cols);
      return;
    }
    this.links.add(it);
    if (this.pending.length > 0) this.retry('explicit');
  }

  /** After the last item: place what waits by "the only one", or stop at the first that cannot be placed. */
  finish(): void {
    this.retry('fallback');
    const first = this.pending[0];
    if (first) {
      throw new MeterstackError('GREENBUTTON_BAD_DOCUMENT',
        `IntervalBlock cannot be placed: it links to no MeterReading with a ReadingType and a UsagePoint (${this.links.meterReadings.length} MeterReadings, ${this.links.readingTypes.length} ReadingTypes, ${this.links.usagePoints.length} UsagePoints in the feed)`,
        { line: first.block.line, source: this.opts.source });
    }
  }

  take(bytes: Uint8Array, line: number): ImportBatch {
    const b: ImportBatch = { meters: this.meters, channels: this.channels, series: this.runs.take(), registers: this.registers, bytes, line };
    this.meters = [];
    this.channels = [];
    this.registers = [];
    return b;
  }

  private wait(block: BlockInfo, cols: ReadingColumns): void {
    this.pendingCount += cols.length;
    if (this.pendingCount > MAX_PENDING) {
      throw new MeterstackError('GREENBUTTON_BAD_DOCUMENT',
        `more than ${MAX_PENDING} IntervalReadings come before the MeterReading, ReadingType or UsagePoint they belong to; meterstack does not hold more in memory (put the metadata entries first)`,
        { line: cols.line[0] ?? block.line, source: this.opts.source });
    }
    this.pending.push({ block, cols });
  }

  private retry(mode: Mode): void {
    const still: Pending[] = [];
    for (const p of this.pending) if (!this.place(p.block, p.cols, mode)) still.push(p);
    this.pending = still;
    this.pendingCount = still.reduce((n, p) => n + p.cols.length, 0);
  }

  private place(block: BlockInfo, cols: ReadingColumns, mode: Mode): boolean {
    const mr = this.links.meterReadingOf(block.entry, mode);
    const up = mr && this.links.usagePointOf(mr, mode);
    const rt = mr && this.links.readingTypeOf(mr, mode);
    if (!mr || !up || !rt) return false;
    if (mode === 'explicit' && !this.meterOf.has(up) && this.links.awaitsLocalTime(up)) return false;
    let mapping = this.mappingOf.get(mr);
    if (!mapping) {
      mapping = mapReadingType(rt.fields, { serviceKind: up.serviceKind, title: mr.entry.title, line: rt.line, source: this.opts.source });
      this.mappingOf.set(mr, mapping);
    }
    this.convert(this.meter(up, mapping).id, mapping, block, cols);
    return true;
  }

  private meter(up: UsagePointMeta, mapping: ChannelMapping): Meter {
    const known = this.meterOf.get(up);
    if (known) return known;
    const { source, meterId, timeZone } = this.opts;
    if (meterId !== undefined && this.meterOf.size > 0) {
      throw new MeterstackError('GREENBUTTON_BAD_DOCUMENT', `--meter ${meterId} names one meter, but the feed has several UsagePoints`, { line: up.line, source });
    }
    const id = meterId ?? meterIdOfUsagePoint(up.entry.self, up.entry.id);
    if (id === undefined) throw new MeterstackError('GREENBUTTON_BAD_DOCUMENT', 'UsagePoint has neither a self link nor an id to name its meter by; pass --meter', { line: up.line, source });
    const ltp = this.links.localTimeOf(up);
    const zone = (ltp && zoneForLocalTime(ltp.ltp, timeZone)) ?? timeZone ?? 'UTC';
    const kind = up.serviceKind === undefined ? meterKindOf(mapping.def) : KIND_OF_SERVICE[up.serviceKind] ?? meterKindOf(mapping.def);
    const meter: Meter = { id, kind, timeZone: zone, status: 'active' };
    this.meterOf.set(up, meter);
    this.meters.push(meter);
    return meter;
  }

  /** Registers the channel once; a register on an OBIS that also has intervals shares the interval channel. */
  private channel(meterId: string, mapping: ChannelMapping, intervalS: number, line: number): void {
    const key = `${meterId} ${mapping.def.obis}`;
    const had = this.channelLength.get(key);
    if (had === intervalS || (intervalS === 0 && had !== undefined)) return;
    if (had !== undefined && had !== 0) {
      throw new MeterstackError('GREENBUTTON_UNSUPPORTED_INTERVAL',
        `meter ${meterId} channel ${mapping.def.obis} gets ${intervalS} s intervals here but ${had} s intervals earlier; a channel has one interval length`,
        { line, source: this.opts.source });
    }
    this.channelLength.set(key, intervalS);
    const ch: Channel = { meterId, obis: mapping.def.obis, unit: mapping.def.unit, intervalS, readingType: readingTypeCode(mapping.def, intervalS) };
    const i = this.channels.findIndex((c) => c.meterId === meterId && c.obis === ch.obis);
    if (i >= 0) this.channels[i] = ch; else this.channels.push(ch);
  }

  private convert(meterId: string, m: ChannelMapping, block: BlockInfo, c: ReadingColumns): void {
    const source = this.opts.source;
    for (let i = 0; i < c.length; i++) {
      const line = c.line[i]!;
      let start = c.start[i]!;
      let duration = c.duration[i]!;
      if (Number.isNaN(start)) {
        start = this.cursor.get(block) ?? block.interval?.start ?? NaN;
        duration = m.intervalLength ?? NaN;
        if (Number.isNaN(start) || Number.isNaN(duration)) {
          throw new MeterstackError('GREENBUTTON_BAD_DOCUMENT', 'IntervalReading has no timePeriod, and the block has no interval start or the ReadingType no intervalLength to place it by', { line, source });
        }
      }
      this.cursor.set(block, start + duration);
      const missing = Number.isNaN(c.mantissa[i]!);
      const value = missing ? 0 : scaleExact(c.mantissa[i]!, c.exp[i]! + m.pow10, m.factor);
      if (value === undefined || Math.abs(value) > MAX_VALUE) {
        throw new MeterstackError('GREENBUTTON_BAD_VALUE', `IntervalReading value is beyond ±2^50 ${m.def.unit} once scaled`, { line, source });
      }
      const quality = missing ? QUALITY.N : canonicalQuality(c.quality[i]!);
      if (m.register) {
        if (missing) continue; // a register reading without a value says nothing
        this.channel(meterId, m, 0, line);
        this.registers.push({ meterId, channel: m.def.obis, at: start + duration, value, quality: qualityFlag(quality) });
        continue;
      }
      checkInterval(start, duration, line, source);
      this.channel(meterId, m, duration, line);
      this.runs.add(meterId, m.def.obis, start, duration, value, quality);
    }
  }
}

function checkInterval(start: number, duration: number, line: number, source: string): void {
  if (!isValidIntervalLength(duration)) {
    const days = duration >= 86_400 ? ` (${Math.round(duration / 8640) / 10} day${duration === 86_400 ? '' : 's'})` : '';
    throw new MeterstackError('GREENBUTTON_UNSUPPORTED_INTERVAL',
      `IntervalReading of ${duration} s${days}: meterstack stores interval data of 60..3600 s that divide a day; daily and billing-period totals are not interval data`,
      { line, source });
  }
  if (start < 0 || start % duration !== 0) {
    throw new MeterstackError('GREENBUTTON_UNSUPPORTED_INTERVAL', `IntervalReading starts at ${start}, which is not on the ${duration} s grid (UTC)`, { line, source });
  }
}
