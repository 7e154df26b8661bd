import { MeterstackError, type ErrorCode } from '../../model/index.ts';
import { BatchBuilder } from './batch.ts';
import type { StreamChannel } from './channels.ts';
import type { Version } from './sequence.ts';
import { SeriesRun } from './series-run.ts';

export type Problem = 'BAD_RECORD' | 'BAD_SEQUENCE' | 'UNKNOWN_RECORD' | 'UNSUPPORTED_CHANNEL';

/** The 200 record in force: which stream the following 300 records belong to. */
export interface Details {
  readonly nmi: string;
  readonly channel: StreamChannel;
  readonly intervalS: number;
  /** Values per 300 record: 1440 / IntervalLength. */
  readonly perDay: number;
  readonly line: number;
}

/** A 300 record of quality V whose intervals 400 records are still filling. */
export interface OpenVariable {
  readonly line: number;
  /** Offset of its first value in the run. */
  readonly offset: number;
  readonly perDay: number;
  covered: number;
}

/** Decoder state the record handlers share; one per file. */
export class NemContext {
  version: Version;
  details: Details | undefined;
  variable: OpenVariable | undefined;
  readonly run = new SeriesRun();
  readonly batch = new BatchBuilder();

  constructor(version: Version, readonly source: string) {
    this.version = version;
  }

  error(problem: Problem, why: string, line: number): MeterstackError {
    return new MeterstackError(`${this.version}_${problem}` as ErrorCode, why, { line, source: this.source });
  }

  mixed(why: string, line: number): MeterstackError {
    return new MeterstackError('NEM_MIXED_VERSIONS', why, { line, source: this.source });
  }
}

/** Fields of a record line, trimmed (dates and codes in the wild carry stray blanks). */
export function fields(text: string): string[] {
  const f = text.split(',');
  for (let i = 0; i < f.length; i++) f[i] = f[i]!.trim();
  return f;
}
