import { MeterstackError } from '../../model/index.ts';
import type { XmlHandler } from '../format.ts';
import { ATOM_NS, ESPI_NS, isResourceName, type ResourceName } from './espi.ts';
import { espiDecimal, espiInteger, espiTime, espiUnsigned, type Where } from './espi-numbers.ts';

/**
 * Turns the SAX events of a Green Button document into ESPI items: the small metadata resources
 * whole, and IntervalReadings in columnar pieces of at most PIECE readings, so a block of any size
 * never sits in memory as objects. Accepts Atom feeds, a single Atom entry, and bare ESPI elements.
 * Which MeterReading a block belongs to is not decided here (feed-links.ts): in an Atom entry the
 * links may follow the content, so an entry's links are only complete at its `entryEnd`.
 */

export const PIECE = 4096;

/** An Atom entry (or the stand-in for a bare ESPI element); links fill in while it is read. */
export interface EntryInfo {
  readonly seq: number;
  readonly line: number;
  id?: string;
  title?: string;
  self?: string;
  up?: string;
  readonly related: string[];
  /** Read to its end: its links are complete. */
  ended: boolean;
}

export interface TimeInterval {
  readonly start: number;
  readonly duration: number;
}

export interface BlockInfo {
  readonly seq: number;
  readonly entry: EntryInfo;
  readonly line: number;
  interval?: TimeInterval;
}

/** Readings of one IntervalBlock, column by column. */
export interface ReadingColumns {
  readonly length: number;
  /** NaN when the reading has no timePeriod (it follows the previous one, ReadingType.intervalLength long). */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  /** value = mantissa × 10^exp in ReadingType units × 10^powerOfTenMultiplier; NaN: no value. */
  readonly mantissa: Float64Array;
  readonly exp: Int8Array;
  /** Hundred-thousandths of the ReadingType currency; NaN: none. */
  readonly cost: Float64Array;
  /** Bit q set for each ReadingQuality q given (0 = none). */
  readonly quality: Uint32Array;
  readonly line: Uint32Array;
}

export type EspiItem =
  | { readonly kind: 'UsagePoint'; readonly entry: EntryInfo; readonly line: number; readonly serviceKind: number | undefined }
  | { readonly kind: 'MeterReading'; readonly entry: EntryInfo; readonly line: number }
  | { readonly kind: 'ReadingType'; readonly entry: EntryInfo; readonly line: number; readonly fields: Readonly<Record<string, string>> }
  | { readonly kind: 'LocalTimeParameters'; readonly entry: EntryInfo; readonly line: number; readonly ltp: LocalTimeFields }
  | { readonly kind: 'readings'; readonly block: BlockInfo; readonly cols: ReadingColumns }
  | { readonly kind: 'entryEnd'; readonly entry: EntryInfo };

export interface LocalTimeFields {
  readonly tzOffset: number;
  readonly dstOffset: number;
  readonly dstStartRule: string;
  readonly dstEndRule: string;
}

class Columns {
  n = 0;
  start = new Float64Array(PIECE);
  duration = new Float64Array(PIECE);
  mantissa = new Float64Array(PIECE);
  exp = new Int8Array(PIECE);
  cost = new Float64Array(PIECE);
  quality = new Uint32Array(PIECE);
  line = new Uint32Array(PIECE);

  /** Copies out the rows so far and starts over in the same buffers (a block is often a few dozen rows). */
  take(): ReadingColumns {
    const n = this.n;
    this.n = 0;
    return {
      length: n, start: this.start.slice(0, n), duration: this.duration.slice(0, n), mantissa: this.mantissa.slice(0, n),
      exp: this.exp.slice(0, n), cost: this.cost.slice(0, n), quality: this.quality.slice(0, n), line: this.line.slice(0, n),
    };
  }
}

interface Row {
  line: number;
  period: boolean;
  start: number;
  duration: number;
  mantissa: number;
  exp: number;
  cost: number;
  quality: number;
}

interface Resource {
  readonly name: ResourceName;
  readonly depth: number;
  readonly entry: EntryInfo;
  readonly line: number;
  readonly path: string[];
  readonly fields: Record<string, string>;
  serviceKind?: number;
  block?: BlockInfo;
  row?: Row;
  interval?: { start?: number; duration?: number };
}

export class EspiReader implements XmlHandler {
  private depth = 0;
  private text_ = '';
  private entry: EntryInfo | undefined;
  private entryDepth = 0;
  private contentDepth = 0;
  private res: Resource | undefined;
  private cols = new Columns();
  private seq = 0;
  private rootSeen = false;

  constructor(private readonly source: string, private readonly emit: (item: EspiItem) => void) {}

  text(t: string): void {
    this.text_ += t;
  }

  /** After the last event of a well-formed document. */
  end(): void {
    if (!this.rootSeen) throw this.fail('the document has no root element', 1);
  }

  private fail(why: string, line: number): MeterstackError {
    return new MeterstackError('GREENBUTTON_BAD_DOCUMENT', why, { line, source: this.source });
  }

  private where(line: number): Where {
    return { line, source: this.source };
  }

  open(name: string, uri: string, attrs: Readonly<Record<string, string>>, line: number): void {
    this.depth++;
    this.text_ = '';
    if (this.depth === 1) {
      this.rootSeen = true;
      const atomRoot = uri === ATOM_NS && (name === 'feed' || name === 'entry');
      if (!atomRoot && uri !== ESPI_NS) throw this.fail(`root element <${name}> is neither an Atom feed or entry nor an ESPI (http://naesb.org/espi) element`, line);
    }
    const res = this.res;
    if (res) {
      res.path.push(name);
      this.openInResource(res, line);
      return;
    }
    if (uri === ATOM_NS && name === 'entry' && !this.entry) {
      this.entry = { seq: this.seq++, line, related: [], ended: false };
      this.entryDepth = this.depth;
    } else if (uri === ATOM_NS && this.entry && this.depth === this.entryDepth + 1) {
      if (name === 'link') this.link(this.entry, attrs);
      else if (name === 'content') this.contentDepth = this.depth;
    }
    const inContent = this.contentDepth > 0 && this.depth === this.contentDepth + 1;
    if (isResourceName(name) && (uri === ESPI_NS || inContent)) this.startResource(name, line);
  }

  private link(entry: EntryInfo, attrs: Readonly<Record<string, string>>): void {
    const href = attrs.href?.trim();
    if (!href) return;
    const rel = attrs.rel ?? 'alternate';
    if (rel === 'self') entry.self = href;
    else if (rel === 'up') entry.up = href;
    else if (rel === 'related') entry.related.push(href);
  }

  private startResource(name: ResourceName, line: number): void {
    const entry = this.entry && this.contentDepth > 0 ? this.entry : { seq: this.seq++, line, related: [], ended: false };
    this.res = { name, depth: this.depth, entry, line, path: [], fields: Object.create(null) as Record<string, string> };
    if (name === 'IntervalBlock') this.res.block = { seq: this.seq++, entry, line };
  }

  private openInResource(res: Resource, line: number): void {
    if (res.name !== 'IntervalBlock') return;
    const p = res.path;
    if (p.length === 1 && p[0] === 'IntervalReading') {
      res.row = { line, period: false, start: NaN, duration: NaN, mantissa: NaN, exp: 0, cost: NaN, quality: 0 };
    } else if (p.length === 2 && p[0] === 'IntervalReading' && p[1] === 'timePeriod' && res.row) {
      res.row.period = true;
    } else if (p.length === 1 && p[0] === 'interval') {
      res.interval = {};
    }
  }

  close(name: string, line: number): void {
    const value = this.text_.trim();
    this.text_ = '';
    const res = this.res;
    if (res && this.depth === res.depth) {
      this.finishResource(res, line);
      this.res = undefined;
    } else if (res) {
      this.closeInResource(res, name, value, line);
      res.path.pop();
    } else if (this.entry && this.depth === this.entryDepth + 1) {
      if (name === 'id') this.entry.id = value;
      else if (name === 'title') this.entry.title = value;
      if (this.depth === this.contentDepth) this.contentDepth = 0;
    } else if (this.entry && this.depth === this.entryDepth) {
      this.entry.ended = true;
      this.emit({ kind: 'entryEnd', entry: this.entry });
      this.entry = undefined;
    }
    this.depth--;
  }

  private closeInResource(res: Resource, name: string, value: string, line: number): void {
    const p = res.path;
    const at = this.where(line);
    switch (res.name) {
      case 'UsagePoint':
        if (p.length === 2 && p[0] === 'ServiceCategory' && name === 'kind' && value !== '') res.serviceKind = espiUnsigned(value, 'ServiceCategory kind', at);
        return;
      case 'ReadingType':
      case 'LocalTimeParameters':
        if (p.length === 1) res.fields[name] = value;
        return;
      case 'IntervalBlock':
        this.closeInBlock(res, p, value, line);
        return;
      default:
    }
  }

  private closeInBlock(res: Resource, p: readonly string[], value: string, line: number): void {
    const at = this.where(line);
    const depth = p.length;
    const name = p[depth - 1];
    if (p[0] === 'interval' && res.interval) {
      if (depth === 2 && name === 'start') res.interval.start = espiTime(value, 'interval start', at);
      else if (depth === 2 && name === 'duration') res.interval.duration = espiUnsigned(value, 'interval duration', at);
      else if (depth === 1) {
        const { start, duration } = res.interval;
        if (start === undefined || duration === undefined) throw this.fail('IntervalBlock interval needs both start and duration', line);
        res.block!.interval = { start, duration };
      }
      return;
    }
    const row = res.row;
    if (p[0] !== 'IntervalReading' || !row) return;
    if (depth === 1) {
      this.pushRow(res.block!, row);
      res.row = undefined;
    } else if (depth === 2) {
      if (name === 'value') [row.mantissa, row.exp] = espiDecimal(value, 'IntervalReading value', at);
      else if (name === 'cost') row.cost = espiInteger(value, 'IntervalReading cost', at);
      else if (name === 'timePeriod' && (Number.isNaN(row.start) || Number.isNaN(row.duration))) throw this.fail('IntervalReading timePeriod needs both start and duration', line);
    } else if (depth === 3 && p[1] === 'timePeriod') {
      if (name === 'start') row.start = espiTime(value, 'timePeriod start', at);
      else if (name === 'duration') row.duration = espiUnsigned(value, 'timePeriod duration', at);
    } else if (depth === 3 && p[1] === 'ReadingQuality' && name === 'quality') {
      const q = espiUnsigned(value, 'ReadingQuality quality', at);
      if (q > 31) throw new MeterstackError('GREENBUTTON_BAD_VALUE', `ReadingQuality ${q} is not a QualityOfReading code`, { line, source: this.source });
      row.quality |= 1 << q;
    }
  }

  private pushRow(block: BlockInfo, row: Row): void {
    const c = this.cols;
    const i = c.n++;
    c.start[i] = row.start;
    c.duration[i] = row.duration;
    c.mantissa[i] = row.mantissa;
    c.exp[i] = row.exp;
    c.cost[i] = row.cost;
    c.quality[i] = row.quality >>> 0;
    c.line[i] = row.line;
    if (c.n === PIECE) this.emit({ kind: 'readings', block, cols: c.take() });
  }

  private finishResource(res: Resource, line: number): void {
    const { entry } = res;
    switch (res.name) {
      case 'UsagePoint': this.emit({ kind: 'UsagePoint', entry, line: res.line, serviceKind: res.serviceKind }); break;
      case 'MeterReading': this.emit({ kind: 'MeterReading', entry, line: res.line }); break;
      case 'ReadingType': this.emit({ kind: 'ReadingType', entry, line: res.line, fields: res.fields }); break;
      case 'LocalTimeParameters': this.emit({ kind: 'LocalTimeParameters', entry, line: res.line, ltp: this.localTime(res.fields, line) }); break;
      case 'IntervalBlock': if (this.cols.n > 0) this.emit({ kind: 'readings', block: res.block!, cols: this.cols.take() }); break;
      default:
    }
    if (this.contentDepth === 0 && !this.entry) {
      // A bare element is its own entry: nothing more will be learnt about it.
      entry.ended = true;
      this.emit({ kind: 'entryEnd', entry });
    }
  }

  private localTime(f: Readonly<Record<string, string>>, line: number): LocalTimeFields {
    for (const k of ['dstEndRule', 'dstOffset', 'dstStartRule', 'tzOffset']) {
      if (f[k] === undefined || f[k] === '') throw this.fail(`LocalTimeParameters lacks ${k}`, line);
    }
    const rule = (k: 'dstStartRule' | 'dstEndRule'): string => {
      const v = f[k]!;
      if (!/^(?:[0-9A-Fa-f]{2}){1,4}$/.test(v)) throw new MeterstackError('GREENBUTTON_BAD_VALUE', `LocalTimeParameters ${k} "${v.slice(0, 40)}" is not a 32-bit hexBinary`, { line, source: this.source });
      return v.toUpperCase().padStart(8, '0');
    };
    const at = this.where(line);
    return { tzOffset: espiInteger(f.tzOffset!, 'tzOffset', at), dstOffset: espiInteger(f.dstOffset!, 'dstOffset', at), dstStartRule: rule('dstStartRule'), dstEndRule: rule('dstEndRule') };
  }
}
