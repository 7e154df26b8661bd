import type { Channel, EpochSeconds, IntervalSeries, Meter, MeterEvent, RegisterReading } from '../model/index.ts';

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
