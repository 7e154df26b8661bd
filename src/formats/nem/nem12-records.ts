import { aestMidnight, parseDate8, parseDateTime } from './aest.ts';
import { nem12Channel, nemChannel, nemMeter } from './channels.ts';
import { type NemContext, fields } from './context.ts';
import { parseDecimal, parseValueAt, valueEnd } from './decimal.ts';
import { QUALITY } from '../../model/index.ts';
import { FLAG_CODE, parseQualityMethod, parseReasonCode } from './quality-method.ts';

/**
 * NEM12 records (MDFF): 200 NMI data details, 300 interval data, 400 interval events, 500 B2B
 * details. The 300 record is the hot path: its values are read from the bytes straight into the
 * series run, with no string or object per value.
 */

const COMMA = 44;
/** Quality placeholder while 400 records of a V day are outstanding (never leaves the decoder). */
export const UNSET = 255;
/** Interval lengths (minutes): 5/15/30 today; 1 and 10 appear in older files and are read too. */
const INTERVAL_MINUTES = new Set([1, 5, 10, 15, 30]);
const NMI = /^[A-Z0-9]{1,11}$/i;
const TRANSACTION_CODES = new Set(['A', 'C', 'G', 'D', 'E', 'N', 'O', 'S', 'R']);

/** 200: which NMI data stream, unit and interval length the next 300 records carry. */
export function details200(ctx: NemContext, text: string, line: number): void {
  const f = fields(text);
  if (f.length < 9) throw ctx.error('BAD_RECORD', `a 200 record has at least 9 fields (NMI … IntervalLength), this one ${f.length}`, line);
  const [, nmi, , , suffix, , , uom, len] = f as [string, string, string, string, string, string, string, string, string];
  if (!NMI.test(nmi)) throw ctx.error('BAD_RECORD', `NMI "${nmi}" is not 1–11 letters or digits`, line);
  const minutes = /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!INTERVAL_MINUTES.has(minutes)) throw ctx.error('BAD_RECORD', `IntervalLength "${len}" is not 5, 15 or 30 minutes (1 and 10 are read too)`, line);
  const ch = nem12Channel(suffix, uom);
  if ('why' in ch) throw ctx.error(ch.unsupported ? 'UNSUPPORTED_CHANNEL' : 'BAD_RECORD', `NMI ${nmi}: ${ch.why}`, line);
  if (f[9] !== undefined && f[9] !== '' && Number.isNaN(parseDate8(f[9]))) {
    throw ctx.error('BAD_RECORD', `NextScheduledReadDate "${f[9]}" is not a date yyyymmdd`, line);
  }
  const intervalS = minutes * 60;
  const prev = ctx.details;
  // A repeated 200 for the same stream (some MDPs write one per day) keeps the run going.
  if (ctx.run.open && !(prev && prev.nmi === nmi && prev.channel.obis === ch.obis && prev.intervalS === intervalS && prev.channel.exp === ch.exp)) {
    finishRun(ctx);
  }
  ctx.details = { nmi, channel: ch, intervalS, perDay: 1440 / minutes, line };
}

/** Moves the run into the batch as a series, with the meter and channel it needs. */
export function finishRun(ctx: NemContext): void {
  const run = ctx.run;
  if (!run.open) return;
  const d = ctx.details!;
  const s = run.finish();
  ctx.batch.describe(s.meterId, s.channel, () => nemMeter(s.meterId, 'nem12'), () => nemChannel(s.meterId, d.channel, s.intervalS));
  ctx.batch.addSeries(s);
}

/** Text of the field at pos (up to the next comma or end), for messages. */
function fieldAt(buf: Uint8Array, pos: number, end: number): string {
  if (pos >= end) return '';
  let e = pos;
  while (e < end && buf[e] !== COMMA) e++;
  return Buffer.from(buf.buffer, buf.byteOffset + pos, e - pos).toString('latin1');
}

function dateAt(buf: Uint8Array, p: number): number {
  let y = 0; let m = 0; let d = 0;
  for (let i = 0; i < 8; i++) {
    const c = buf[p + i]! - 48;
    if (c < 0 || c > 9) return NaN;
    if (i < 4) y = y * 10 + c; else if (i < 6) m = m * 10 + c; else d = d * 10 + c;
  }
  return aestMidnight(y, m, d);
}

/** 300: one day of interval values for the stream of the last 200 record. */
export function interval300(ctx: NemContext, buf: Uint8Array, start: number, end: number, line: number): void {
  const d = ctx.details!;
  const day = end - start >= 13 && buf[start + 12] === COMMA ? dateAt(buf, start + 4) : NaN;
  if (Number.isNaN(day)) throw ctx.error('BAD_RECORD', `IntervalDate "${fieldAt(buf, start + 4, end)}" is not a date yyyymmdd`, line);
  const run = ctx.run;
  if (run.open && run.next !== day) finishRun(ctx);
  if (!run.open) run.begin(d.nmi, d.channel.obis, d.intervalS, day);
  const n = d.perDay;
  const off = run.reserve(n);
  const values = run.values;
  const exp = d.channel.exp;
  let pos = start + 13;
  for (let k = 0; k < n; k++) {
    const v = parseValueAt(buf, pos, exp);
    if (Number.isNaN(v) || valueEnd >= end || buf[valueEnd] !== COMMA) throw badValue(ctx, buf, pos, end, k, line);
    values[off + k] = v;
    pos = valueEnd + 1;
  }
  // QualityMethod and ReasonCode straight from the bytes; the rest of the line is not needed.
  let e = pos;
  while (e < end && buf[e] !== COMMA) e++;
  const flagCode = e - pos === 1 ? SIMPLE_FLAG[buf[pos]!]! : e - pos === 3 && isDigit(buf[pos + 1]!) && isDigit(buf[pos + 2]!) ? METHOD_FLAG[buf[pos]!]! : -1;
  if (flagCode < 0) {
    const qm = fieldAt(buf, pos, end).trim();
    if (/^[-.0-9]/.test(qm)) {
      throw ctx.error('BAD_RECORD', `the 300 record has more than ${n} interval values; the 200 record on line ${d.line} says IntervalLength ${d.intervalS / 60} minutes (${n} values)`, line);
    }
    const q = parseQualityMethod(qm);
    if (typeof q === 'string') throw ctx.error('BAD_RECORD', q, line);
    return interval300Tail(ctx, buf, e, end, line, off, n, q.code);
  }
  interval300Tail(ctx, buf, e, end, line, off, n, flagCode);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Flag byte → QUALITY code, for a flag alone (A, N, V) and a flag with method (E, F, S); -1 otherwise. */
const SIMPLE_FLAG = new Int8Array(256).fill(-1);
const METHOD_FLAG = new Int8Array(256).fill(-1);
for (const f of 'ANV') SIMPLE_FLAG[f.charCodeAt(0)] = FLAG_CODE[f]!;
for (const f of 'EFS') METHOD_FLAG[f.charCodeAt(0)] = FLAG_CODE[f]!;

/** Reason code at the byte after the quality field, then fills the day's flags (or opens a V day). */
function interval300Tail(ctx: NemContext, buf: Uint8Array, qEnd: number, end: number, line: number, off: number, n: number, code: number): void {
  let reason = 0;
  let p = qEnd + 1;
  if (p < end && buf[p] !== COMMA) {
    const from = p;
    while (p < end && buf[p] !== COMMA) p++;
    reason = parseReasonCode(fieldAt(buf, from, p).trim());
    if (reason < 0) throw ctx.error('BAD_RECORD', `ReasonCode "${fieldAt(buf, from, p)}" is not a number 0..255`, line);
  }
  const run = ctx.run;
  if (code === QUALITY.V) {
    run.quality.fill(UNSET, off, off + n);
    ctx.variable = { line, offset: off, perDay: n, covered: 0 };
  } else {
    run.quality.fill(code, off, off + n);
    if (reason !== 0) run.reasons().fill(reason, off, off + n);
  }
  run.length = off + n;
}

function badValue(ctx: NemContext, buf: Uint8Array, pos: number, end: number, k: number, line: number): Error {
  const d = ctx.details!;
  const text = fieldAt(buf, pos, end);
  // A quality flag (or the line's end) where a value should be: the record is short of values.
  if (pos >= end || /^[AEFNSV]/.test(text) || (valueEnd >= end && !Number.isNaN(parseDecimal(text, 0)))) {
    const have = pos >= end || /^[AEFNSV]/.test(text) ? k : k + 1;
    return ctx.error('BAD_RECORD', `the 300 record has ${have} interval values and no room for its quality; the 200 record on line ${d.line} says IntervalLength ${d.intervalS / 60} minutes, so ${d.perDay} values`, line);
  }
  return ctx.error('BAD_RECORD', `interval value ${k + 1} "${text}" is not a decimal number`, line);
}

/** 400: quality (and reason) for a range of intervals of the last V 300 record. */
export function events400(ctx: NemContext, text: string, line: number): void {
  const v = ctx.variable;
  if (!v) throw ctx.error('BAD_SEQUENCE', '400 interval events follow only a 300 record whose quality is V (variable)', line);
  const f = fields(text);
  const from = /^\d{1,4}$/.test(f[1] ?? '') ? Number(f[1]) : NaN;
  const to = /^\d{1,4}$/.test(f[2] ?? '') ? Number(f[2]) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to)) throw ctx.error('BAD_RECORD', `StartInterval "${f[1] ?? ''}" and EndInterval "${f[2] ?? ''}" must be interval numbers`, line);
  if (from !== v.covered + 1) {
    throw ctx.error('BAD_RECORD', `400 records must cover the intervals of the 300 record on line ${v.line} in order without gaps or overlaps: expected StartInterval ${v.covered + 1}, got ${from}`, line);
  }
  if (to < from || to > v.perDay) {
    throw ctx.error('BAD_RECORD', `EndInterval ${to} is outside ${from}..${v.perDay} (the 300 record on line ${v.line} has ${v.perDay} intervals)`, line);
  }
  const q = parseQualityMethod(f[3] ?? '');
  if (typeof q === 'string') throw ctx.error('BAD_RECORD', q, line);
  if (q.flag === 'V') throw ctx.error('BAD_RECORD', 'a 400 record cannot have quality V; it gives the actual flag of its intervals', line);
  const reason = parseReasonCode(f[4] ?? '');
  if (reason < 0) throw ctx.error('BAD_RECORD', `ReasonCode "${f[4]}" is not a number 0..255`, line);
  const run = ctx.run;
  run.quality.fill(q.code, v.offset + from - 1, v.offset + to);
  if (reason !== 0) run.reasons().fill(reason, v.offset + from - 1, v.offset + to);
  v.covered = to;
}

/** Called before any record that is not a 400: a V day must be fully covered by then. */
export function closeVariable(ctx: NemContext, line: number): void {
  const v = ctx.variable;
  if (!v) return;
  if (v.covered !== v.perDay) {
    const what = v.covered === 0 ? 'no 400 records follow it' : `400 records cover only intervals 1–${v.covered}`;
    throw ctx.error('BAD_SEQUENCE', `the 300 record on line ${v.line} has quality V (per-interval flags in 400 records) but ${what} of ${v.perDay}`, line);
  }
  ctx.variable = undefined;
}

/** 500: B2B details (transaction code, service order, read time, index read); checked, not stored. */
export function b2b500(ctx: NemContext, text: string, line: number): void {
  const f = fields(text);
  const code = f[1] ?? '';
  if (code !== '' && !TRANSACTION_CODES.has(code)) throw ctx.error('BAD_RECORD', `TransCode "${code}" is not one of A, C, G, D, E, N, O, S, R`, line);
  const at = f[3] ?? '';
  if (at !== '' && Number.isNaN(parseDateTime(at))) throw ctx.error('BAD_RECORD', `ReadDateTime "${at}" is not a date-time yyyymmddhhmmss`, line);
  const index = f[4] ?? '';
  if (index !== '' && Number.isNaN(parseDecimal(index, 0))) throw ctx.error('BAD_RECORD', `IndexRead "${index}" is not a number`, line);
}
