import type { Obis } from '../../model/obis.ts';
import type { CodeInfo } from './obis-code.ts';
import type { DsmrValue } from './values.ts';

/**
 * One object line. (Fields are `declare`d and assigned in the constructor: emitted class fields
 * would be defined before the constructor runs, which measured slower on this hot path.)
 */
export class DsmrObject {
  /** The code in DSMR's short form (`1-0:1.8.1`); as written when it is not an OBIS code. */
  declare readonly obis: string;
  /** Canonical six-group OBIS; null for a line whose code is not OBIS (spec typos such as `1-0:99:97.0`). */
  declare readonly code: Obis | null;
  /** What the codec knows about the code (its table rows), for the canonical mapping. */
  declare readonly info: CodeInfo;
  declare readonly value: DsmrValue;
  /** 1-based line within the telegram. */
  declare readonly line: number;
  declare private readonly bytes: Buffer;
  declare private readonly rawStart: number;
  declare private readonly rawEnd: number;

  constructor(info: CodeInfo, value: DsmrValue, line: number, bytes: Buffer, rawStart: number, rawEnd: number) {
    this.obis = info.short;
    this.code = info.obis;
    this.info = info;
    this.value = value;
    this.line = line;
    this.bytes = bytes;
    this.rawStart = rawStart;
    this.rawEnd = rawEnd;
  }

  /** The text after the code, exactly as in the telegram (decoded only when asked for). */
  get raw(): string {
    return this.bytes.toString('latin1', this.rawStart, this.rawEnd);
  }
}
