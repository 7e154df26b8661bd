import {
  MeterstackError, QUALITY, isQualityFlag, isValidIntervalLength, MAX_VALUE, obis, shortObis, type IntervalSeries, type Obis,
} from '../../model/index.ts';
import { DateTime } from 'luxon';

/**
 * meterstack's canonical CSV (docs/csv-format.md): one interval per row,
 *   meter,channel,interval_end,interval_s,value,quality
 * interval_end ISO 8601 with offset, value an integer in the channel's stored unit (Wh for energy),
 * quality one of A S E F N V (optional, default A). Pure: lines in, series out.
 */
export const CSV_HEADER = ['meter', 'channel', 'interval_end', 'interval_s', 'value', 'quality'] as const;

export interface CsvRow {
  readonly meter: string;
  readonly channel: Obis;
  readonly end: number;
  readonly intervalS: number;
  readonly value: number;
  readonly quality: number;
}

const bad = (line: number, why: string, source?: string): MeterstackError =>
  new MeterstackError('CSV_BAD_ROW', `line ${line}: ${why}`, { line, ...(source ? { source } : {}) });

export function checkHeader(text: string, source?: string): void {
  const cols = text.replace(/^\uFEFF/, '').trim().split(',').map((c) => c.trim().toLowerCase());
  const required = CSV_HEADER.slice(0, 5);
  const ok = required.every((c, i) => cols[i] === c) && (cols.length === 5 || (cols.length === 6 && cols[5] === 'quality'));
  if (!ok) {
    throw new MeterstackError('CSV_BAD_HEADER', `line 1: header must be "${CSV_HEADER.join(',')}", got "${text.trim()}"`, { line: 1, ...(source ? { source } : {}) });
  }
}

export function parseRow(text: string, line: number, source?: string): CsvRow {
  const f = text.split(',');
  if (f.length < 5 || f.length > 6) throw bad(line, `expected 5 or 6 fields, got ${f.length}`, source);
  const [meter, channel, endText, intervalText, valueText, qualityText] = f.map((x) => x.trim()) as [string, string, string, string, string, string | undefined];
  if (!meter) throw bad(line, 'meter is empty', source);
  let code: Obis;
  try {
    code = obis(channel);
  } catch (e) {
    throw bad(line, (e as Error).message, source);
  }
  const dt = DateTime.fromISO(endText, { setZone: true });
  if (!dt.isValid || !/[zZ]|[+-]\d\d:?\d\d$/.test(endText)) throw bad(line, `interval_end "${endText}" is not ISO 8601 with an offset`, source);
  const end = dt.toSeconds();
  const intervalS = Number(intervalText);
  if (!isValidIntervalLength(intervalS)) throw bad(line, `interval_s "${intervalText}" must divide a day and be 60..3600`, source);
  if (!Number.isInteger(end) || end % intervalS !== 0) throw bad(line, `interval_end ${endText} is not on the ${intervalS}s grid`, source);
  if (!/^-?\d+$/.test(valueText)) throw bad(line, `value "${valueText}" is not an integer`, source);
  const value = Number(valueText);
  if (Math.abs(value) > MAX_VALUE) throw bad(line, `value ${valueText} is out of range (±2^50)`, source);
  const q = qualityText === undefined || qualityText === '' ? 'A' : qualityText.toUpperCase();
  if (!isQualityFlag(q)) throw bad(line, `quality "${qualityText}" is not one of A S E F N V`, source);
  return { meter, channel: code, end, intervalS, value, quality: QUALITY[q] };
}

/**
 * Groups consecutive rows of one meter/channel on a contiguous grid into series, so that a file
 * sorted by meter and time becomes day-sized columnar blocks rather than one object per reading.
 */
export class SeriesBuilder {
  private meter = '';
  private channel = '' as Obis;
  private intervalS = 0;
  private start = 0;
  private values: number[] = [];
  private quality: number[] = [];

  constructor(private readonly maxLength = 96 * 31) {}

  /** Adds a row; returns a finished series when the row does not continue the current one. */
  add(r: CsvRow): IntervalSeries | undefined {
    const start = r.end - r.intervalS;
    const continues = r.meter === this.meter && r.channel === this.channel && r.intervalS === this.intervalS
      && start === this.start + this.values.length * this.intervalS && this.values.length < this.maxLength;
    const done = continues ? undefined : this.flush();
    if (!continues) {
      this.meter = r.meter;
      this.channel = r.channel;
      this.intervalS = r.intervalS;
      this.start = start;
    }
    this.values.push(r.value);
    this.quality.push(r.quality);
    return done;
  }

  flush(): IntervalSeries | undefined {
    if (this.values.length === 0) return undefined;
    const s: IntervalSeries = {
      meterId: this.meter, channel: this.channel, start: this.start, intervalS: this.intervalS,
      values: Float64Array.from(this.values), quality: Uint8Array.from(this.quality),
    };
    this.values = [];
    this.quality = [];
    return s;
  }
}

/** Rows for one series, for export; the channel in the short form people write (`1-0:1.8.0`). */
export function* seriesToCsvRows(s: IntervalSeries, flags: readonly string[] = ['A', 'S', 'E', 'F', 'N', 'V']): Generator<string> {
  const channel = shortObis(s.channel);
  for (let i = 0; i < s.values.length; i++) {
    if (s.quality[i] === QUALITY.N) continue;
    const end = DateTime.fromSeconds(s.start + (i + 1) * s.intervalS, { zone: 'UTC' }).toISO({ suppressMilliseconds: true });
    yield `${s.meterId},${channel},${end},${s.intervalS},${s.values[i]},${flags[s.quality[i]!]}`;
  }
}
