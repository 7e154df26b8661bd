import { SaxesParser } from 'saxes';
import { MeterstackError, localBuckets, type Channel, type EpochSeconds, type ErrorCode, type IntervalSeries, type Meter, type MeterEvent, type RegisterReading } from '../model/index.ts';

/**
 * The contract every file format (and file-borne protocol such as DSMR P1 captures) implements so
 * that `meterstack import` and `meterstack export` treat them alike. Codecs stay pure: they see
 * bytes, never the store or the pipeline.
 */

/** A slice of a file decoded to the canonical model, small enough to submit as one message. */
export interface ImportBatch {
  /** Meters the file describes; the importer registers the ones it does not know yet. */
  readonly meters?: readonly Meter[];
  /** Channels the file describes (unit, interval length, ReadingType); registered like meters. */
  readonly channels?: readonly Channel[];
  readonly series?: readonly IntervalSeries[];
  readonly registers?: readonly RegisterReading[];
  readonly events?: readonly MeterEvent[];
  /** Exactly the bytes these items were decoded from: they are hashed into the receipt chain. */
  readonly bytes: Uint8Array;
  /** Last 1-based line (text formats) the batch consumed, for progress and messages. */
  readonly line?: number;
}

export interface ImportOptions {
  /** File name or other source label, put into every error. */
  readonly source: string;
  /** IANA zone for formats whose times are local without an offset, when the file does not say. */
  readonly timeZone?: string;
  /** Meter id for formats that do not name one (a single meter's P1 capture). */
  readonly meterId?: string;
}

export interface ImportFormat {
  readonly name: string;
  /** One line for `meterstack import --help`. */
  readonly description: string;
  /** Whether a file starting with `head` (its first 4 kB as latin1) is in this format. */
  sniff(head: string, fileName: string): boolean;
  /**
   * Streams the file as batches in file order. At the first malformed record it throws a
   * MeterstackError with the format's code, the line (or byte offset) and `source`. Memory stays
   * bounded whatever the file size: batches are yielded as they fill.
   */
  read(input: AsyncIterable<Uint8Array>, opts: ImportOptions): AsyncIterable<ImportBatch>;
}

/** What an exporter gets: one meter, the channels asked for, and their series read on demand. */
export interface ExportRequest {
  readonly meter: Meter;
  readonly channels: readonly Channel[];
  readonly from: EpochSeconds;
  readonly to: EpochSeconds;
  series(channel: Channel): Promise<IntervalSeries>;
}

export interface ExportFormat {
  readonly name: string;
  readonly description: string;
  /** Writes the document piece by piece through `write` (which may apply backpressure). */
  write(req: ExportRequest, write: (chunk: string) => void | Promise<void>): Promise<void>;
}

/** One local day of an export: [start, end) clipped to the request, and the series indexes in it. */
export interface DaySlice {
  readonly start: EpochSeconds;
  readonly end: EpochSeconds;
  /** Indexes [first, stop) of the series' intervals that start in the day. */
  readonly first: number;
  readonly stop: number;
}

/**
 * Cuts [from, to) into the meter's local days (23, 24 or 25 hours long) and finds each day's
 * intervals in `s`, for formats that write a block per day.
 */
export function localDaySlices(s: IntervalSeries, from: EpochSeconds, to: EpochSeconds, zone: string): DaySlice[] {
  const index = (t: number): number => Math.min(s.values.length, Math.max(0, Math.ceil((t - s.start) / s.intervalS)));
  return localBuckets(from, to, zone, 'day').map((d) => {
    const start = Math.max(d.start, from);
    const end = Math.min(d.end, to);
    return { start, end, first: index(start), stop: index(end) };
  });
}

/**
 * Lines of a text file with their 1-based numbers, decoded as UTF-8 across chunk boundaries (a BOM
 * is dropped; CR LF and LF both end a line). Blank lines are numbered but not yielded.
 */
export async function* textLines(input: AsyncIterable<Uint8Array>): AsyncGenerator<[text: string, line: number]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let n = 0;
  let first = true;
  const emit = function* (text: string): Generator<[string, number]> {
    n++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() !== '') yield [t, n];
  };
  for await (const chunk of input) {
    let s = rest + decoder.decode(chunk, { stream: true });
    if (first && s.length > 0) { if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); first = false; }
    let from = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', from)) {
      yield* emit(s.slice(from, nl));
      from = nl + 1;
    }
    rest = s.slice(from);
  }
  rest += decoder.decode();
  if (rest !== '') yield* emit(rest);
}

/** What a streaming XML reader is told, element by element; names are local, namespaces resolved. */
export interface XmlHandler {
  open(name: string, uri: string, attrs: Readonly<Record<string, string>>, line: number): void;
  text(text: string): void;
  close(name: string, line: number): void;
}

/** Where the parser is after an input chunk: that chunk's bytes (for batch receipts) and the line. */
export interface XmlProgress {
  readonly bytes: Uint8Array;
  readonly line: number;
}

/**
 * Streams an XML file into `handler` as it arrives, so no document tree is ever built, and yields
 * after each input chunk (a point to hand out batches). UTF-8 only. Not well-formed XML, an
 * undeclared prefix, an unknown entity or bytes that are not UTF-8 throw MeterstackError(`code`)
 * with the line and `source`; a MeterstackError the handler throws passes through as it is. saxes
 * expands no DTD and fetches nothing, so external entities (XXE) cannot be smuggled in.
 */
export async function* xmlStream(input: AsyncIterable<Uint8Array>, handler: XmlHandler, code: ErrorCode, source: string): AsyncGenerator<XmlProgress> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const none: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);
  parser.on('opentag', (tag) => {
    let attrs = none;
    for (const k in tag.attributes) {
      const a = tag.attributes[k]!;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (attrs === none) attrs = Object.create(null) as Record<string, string>;
      (attrs as Record<string, string>)[a.local] = a.value;
    }
    handler.open(tag.local, tag.uri, attrs, parser.line);
  });
  parser.on('closetag', (tag) => handler.close(tag.local, parser.line));
  parser.on('text', (text) => handler.text(text));
  parser.on('cdata', (text) => handler.text(text));
  const guard = (step: () => void): void => {
    try {
      step();
    } catch (err) {
      if (err instanceof MeterstackError) throw err;
      const why = err instanceof Error ? err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '') : String(err);
      throw new MeterstackError(code, `not well-formed XML: ${why}`, { line: parser.line, source, cause: err });
    }
  };
  for await (const chunk of input) {
    guard(() => {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') parser.write(text);
    });
    yield { bytes: chunk, line: parser.line };
  }
  guard(() => {
    const rest = decoder.decode();
    if (rest !== '') parser.write(rest);
    parser.close();
  });
  yield { bytes: new Uint8Array(0), line: parser.line };
}
