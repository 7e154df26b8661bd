import {
  MeterstackError, QUALITY, isValidIntervalLength, qualityFlag, readingTypeCode,
  type Channel, type IntervalSeries, type Meter, type MeterKind, type Obis, type RegisterReading,
} from '../../model/index.ts';
import type { XmlHandler } from '../format.ts';
import { cimTime, cimValue } from './cim-values.ts';
import { canonicalQuality, parseQualityCode } from './cim-quality.ts';
import { parseReadingTypeCode, type ParsedCode } from './reading-type-code.ts';

/**
 * IEC 61968-9 MeterReadings → canonical items, streaming. Accepted wherever a MeterReadings
 * element sits (the document root, or the Payload of a 61968-100 message) and in any CIM
 * namespace version, by local names:
 *   MeterReading/IntervalBlocks/{IntervalReadings/{timeStamp, value, ReadingQualities, timePeriod}, ReadingType@ref}
 *   MeterReading/Readings/{timeStamp, value, ReadingQualities, ReadingType@ref}   → registers
 *   MeterReading/Meter/{mRID, Names/name}, MeterReading/UsagePoint/mRID             → the meter id
 * The schema puts ReadingType after a block's readings and Meter after the blocks, so readings wait
 * (converted, columnar) until their MeterReading names its meter; at most MAX_PENDING of them.
 * An IntervalReading's timeStamp is the interval's end; a timePeriod, when given, its start.
 */

export const MAX_PENDING = 1_000_000;

export interface MeterReadingOutput {
  /** The meter, the first time the document names it. */
  readonly meters: readonly Meter[];
  readonly channels: readonly Channel[];
  readonly series: readonly IntervalSeries[];
  readonly registers: readonly RegisterReading[];
}

export interface ReaderOptions {
  readonly source: string;
  readonly timeZone?: string;
  readonly meterId?: string;
}

interface Row {
  line: number;
  end: number;
  start: number;
  value: string | undefined;
  qualities: [number, number, number][];
}

interface Run {
  readonly channel: Obis;
  readonly start: number;
  readonly intervalS: number;
  readonly values: number[];
  readonly quality: number[];
}

interface Held {
  readonly code: ParsedCode;
  readonly runs: Run[];
  readonly registers: { at: number; value: number; quality: number }[];
}

interface Reading {
  readonly line: number;
  meterMrid?: string;
  meterName?: string;
  usagePoint?: string;
  held: Held[];
  count: number;
  block?: { rows: Row[]; ref?: string; refLine?: number; line: number };
  row?: Row;
  register?: Row & { ref?: string; refLine?: number };
}

const kindOf = (commodity: number): MeterKind => (commodity === 7 ? 'gas' : commodity === 9 ? 'water' : 'electricity');

export class MeterReadingsReader implements XmlHandler {
  private depth = 0;
  private text_ = '';
  /** Element path below the current MeterReading, as 'IntervalBlocks/IntervalReadings/value'. */
  private path = '';
  private readonly pathLengths: number[] = [];
  private mrsDepth = 0;
  private mr: Reading | undefined;
  private seen = false;
  private readonly meters = new Set<string>();
  private readonly channelLength = new Map<string, number>();

  constructor(private readonly opts: ReaderOptions, private readonly emit: (out: MeterReadingOutput) => void) {}

  text(t: string): void {
    this.text_ += t;
  }

  end(): void {
    if (!this.seen) throw new MeterstackError('CIM_BAD_DOCUMENT', 'the document has no MeterReadings element', { line: 1, source: this.opts.source });
  }

  private fail(why: string, line: number): MeterstackError {
    return new MeterstackError('CIM_BAD_DOCUMENT', why, { line, source: this.opts.source });
  }

  open(name: string, _uri: string, attrs: Readonly<Record<string, string>>, line: number): void {
    this.depth++;
    this.text_ = '';
    if (this.mrsDepth === 0) {
      if (name === 'MeterReadings') { this.mrsDepth = this.depth; this.seen = true; }
      return;
    }
    if (this.depth === this.mrsDepth + 1) {
      if (name === 'MeterReading') this.mr = { line, held: [], count: 0 };
      return;
    }
    const mr = this.mr;
    if (!mr) return;
    this.pathLengths.push(this.path.length);
    this.path = this.path === '' ? name : `${this.path}/${name}`;
    const p = this.path;
    const ref = attrs.ref?.trim();
    if (p === 'IntervalBlocks') mr.block = { rows: [], line };
    else if (p === 'IntervalBlocks/IntervalReadings') mr.row = { line, end: NaN, start: NaN, value: undefined, qualities: [] };
    else if (p === 'Readings') mr.register = { line, end: NaN, start: NaN, value: undefined, qualities: [] };
    else if (p === 'IntervalBlocks/ReadingType' && mr.block) { mr.block.ref = ref; mr.block.refLine = line; }
    else if (p === 'Readings/ReadingType' && mr.register) { mr.register.ref = ref; mr.register.refLine = line; }
    else if (/^(IntervalBlocks\/IntervalReadings|Readings)\/ReadingQualities\/ReadingQualityType$/.test(p) && ref) {
      (mr.row ?? mr.register)?.qualities.push(parseQualityCode(ref, line, this.opts.source));
    }
  }

  close(_name: string, line: number): void {
    const value = this.text_.trim();
    this.text_ = '';
    const mr = this.mr;
    if (this.mrsDepth > 0 && this.depth === this.mrsDepth) this.mrsDepth = 0;
    else if (mr && this.depth === this.mrsDepth + 1) {
      this.finishReading(mr, line);
      this.mr = undefined;
    } else if (mr && this.pathLengths.length > 0) {
      this.leaf(mr, this.path, value, line);
      this.path = this.path.slice(0, this.pathLengths.pop());
    }
    this.depth--;
  }

  private leaf(mr: Reading, p: string, value: string, line: number): void {
    const { source, timeZone } = this.opts;
    const IR = 'IntervalBlocks/IntervalReadings/';
    const inInterval = p.startsWith(IR);
    const inRegister = !inInterval && p.startsWith('Readings/');
    const row = inInterval ? mr.row : inRegister ? mr.register : undefined;
    const field = inInterval ? p.slice(IR.length) : inRegister ? p.slice('Readings/'.length) : p;
    if (row && (inInterval || inRegister)) {
      if (field === 'timeStamp') row.end = cimTime(value, timeZone, line, source);
      else if (field === 'value') row.value = value;
      else if (field === 'timePeriod/start') row.start = cimTime(value, timeZone, line, source);
      else if (field === 'ReadingQualities/quality') row.qualities.push(parseQualityCode(value, line, source));
      else if (field === 'ReadingType/mRID' && mr.register) mr.register.ref ||= value;
      return;
    }
    switch (p) {
      case 'Meter/mRID': mr.meterMrid = value || undefined; break;
      case 'Meter/Names/name': mr.meterName ??= value || undefined; break;
      case 'UsagePoint/mRID': mr.usagePoint = value || undefined; break;
      case 'IntervalBlocks/ReadingType/mRID': if (mr.block) mr.block.ref ||= value; break;
      case 'IntervalBlocks/IntervalReadings':
        if (mr.block && mr.row) { mr.block.rows.push(mr.row); this.count(mr, line); }
        mr.row = undefined;
        break;
      case 'IntervalBlocks': this.finishBlock(mr, line); break;
      case 'Readings': this.finishRegister(mr, line); break;
      default:
    }
  }

  private count(mr: Reading, line: number): void {
    if (++mr.count > MAX_PENDING) {
      throw this.fail(`a MeterReading holds more than ${MAX_PENDING} readings before its Meter element; split it into several MeterReadings`, line);
    }
  }

  private code(ref: string | undefined, what: string, line: number): ParsedCode {
    if (!ref) throw this.fail(`${what} has no ReadingType (a ref attribute or an mRID)`, line);
    return parseReadingTypeCode(ref, line, this.opts.source);
  }

  private finishBlock(mr: Reading, line: number): void {
    const block = mr.block!;
    mr.block = undefined;
    const code = this.code(block.ref, 'IntervalBlocks', block.refLine ?? line);
    const held: Held = { code, runs: [], registers: [] };
    for (const r of block.rows) this.place(held, r);
    mr.held.push(held);
    if (this.opts.meterId !== undefined || mr.meterName !== undefined || mr.meterMrid !== undefined) this.flush(mr, line);
  }

  private finishRegister(mr: Reading, line: number): void {
    const r = mr.register!;
    mr.register = undefined;
    const at = r.refLine ?? line;
    const code = this.code(r.ref, 'Readings', at);
    if (code.intervalS !== 0) throw new MeterstackError('CIM_UNSUPPORTED_READING_TYPE', `Readings carry register values, but ReadingType ${r.ref} is interval data (${code.intervalS} s)`, { line: at, source: this.opts.source });
    const held: Held = { code, runs: [], registers: [] };
    this.place(held, r);
    mr.held.push(held);
    this.count(mr, line);
  }

  /** One reading, converted now that its ReadingType is known. */
  private place(held: Held, r: Row): void {
    const { source } = this.opts;
    const { code } = held;
    if (Number.isNaN(r.end) && Number.isNaN(r.start)) throw this.fail('a reading has no timeStamp', r.line);
    const quality = r.value === undefined ? QUALITY.N : canonicalQuality(r.qualities);
    const value = r.value === undefined || quality === QUALITY.N ? 0 : cimValue(r.value, code.pow10, r.line, source);
    if (code.intervalS === 0) {
      if (r.value !== undefined) held.registers.push({ at: Number.isNaN(r.end) ? r.start : r.end, value, quality });
      return;
    }
    const start = Number.isNaN(r.start) ? r.end - code.intervalS : r.start;
    if (!Number.isNaN(r.end) && r.end - start !== code.intervalS) {
      throw new MeterstackError('CIM_BAD_VALUE', `reading spans ${r.end - start} s, but its ReadingType measures ${code.intervalS} s intervals`, { line: r.line, source });
    }
    if (!isValidIntervalLength(code.intervalS) || start < 0 || start % code.intervalS !== 0) {
      throw new MeterstackError('CIM_BAD_VALUE', `interval ending ${r.end} is not on the ${code.intervalS} s grid (UTC)`, { line: r.line, source });
    }
    const run = held.runs.at(-1);
    if (run && run.start + run.values.length * run.intervalS === start) {
      run.values.push(value);
      run.quality.push(quality);
    } else {
      held.runs.push({ channel: code.def.obis, start, intervalS: code.intervalS, values: [value], quality: [quality] });
    }
  }

  private finishReading(mr: Reading, line: number): void {
    if (mr.held.length > 0) this.flush(mr, line);
  }

  private flush(mr: Reading, line: number): void {
    const { source, meterId: given, timeZone } = this.opts;
    const id = given ?? mr.meterName ?? mr.meterMrid ?? mr.usagePoint;
    if (id === undefined) throw this.fail('MeterReading names no Meter (Names/name or mRID) or UsagePoint (mRID); pass --meter', mr.line);
    const meter: Meter = { id, kind: kindOf(mr.held[0]!.code.def.commodity), timeZone: timeZone ?? 'UTC', status: 'active' };
    const channels: Channel[] = [];
    // Interval channels first: a register on the same OBIS shares the interval channel.
    for (const { code } of [...mr.held].sort((a, b) => b.code.intervalS - a.code.intervalS)) {
      const key = `${id} ${code.def.obis}`;
      const had = this.channelLength.get(key);
      if (had === code.intervalS || (code.intervalS === 0 && had !== undefined)) continue;
      if (had !== undefined && had !== 0) {
        throw new MeterstackError('CIM_UNSUPPORTED_READING_TYPE', `meter ${id} channel ${code.def.obis} gets ${code.intervalS} s readings here but ${had} s earlier; a channel has one interval length`, { line, source });
      }
      this.channelLength.set(key, code.intervalS);
      channels.push({ meterId: id, obis: code.def.obis, unit: code.def.unit, intervalS: code.intervalS, readingType: readingTypeCode(code.def, code.intervalS) });
    }
    const first = !this.meters.has(id);
    this.meters.add(id);
    this.emit({
      meters: first ? [meter] : [], channels,
      series: mr.held.flatMap((h) => h.runs.map((r) => ({
        meterId: id, channel: r.channel, start: r.start, intervalS: r.intervalS, values: Float64Array.from(r.values), quality: Uint8Array.from(r.quality),
      }))),
      registers: mr.held.flatMap((h) => h.registers.map((r) => ({ meterId: id, channel: h.code.def.obis, at: r.at, value: r.value, quality: qualityFlag(r.quality) }))),
    });
    mr.held = [];
    mr.count = 0;
  }
}
