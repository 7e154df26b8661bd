/**
 * One P1 telegram → its objects (DOMAIN.md §3):
 *
 *   /XXXZ identification CR LF  CR LF  data lines  ! CRC CR LF
 *
 * - The CRC (CRC-16/ARC over "/" … "!") is checked when the telegram carries one (DSMR ≥ 4); a
 *   telegram without one (DSMR 2.2/3.0, some gateways) parses with `crc.present = false`. A wrong
 *   CRC is reported, not thrown, unless `requireValidCrc` is set: `decode` shows a damaged telegram,
 *   ingest refuses it.
 * - Lines are scanned with indexOf over the string, not a regex per line: a meter sends one telegram
 *   a second, a capture file holds millions, and the parse must stay far ahead of either.
 * - `raw` of each object is the text after its code exactly as sent (a DSMR 2.2 gas reading keeps its
 *   CR LF and second line).
 * - Bytes after the CRC line (gateway additions, filler) are ignored with a note; a telegram without
 *   an end line is accepted only as the whole input (athombv's captures of 2.2 meters lack it).
 */
import { assertZone, type EpochSeconds } from '../../model/time.ts';
import { crc16Arc } from './crc.ts';
import { DsmrError } from './errors.ts';
import { objectAt } from './line-memo.ts';
import { DsmrObject } from './object.ts';
import { localToUtc, markerContradicts } from './timestamp.ts';
import type { DsmrValue, Groups, PendingTime } from './values.ts';

export { DsmrObject };

export interface DsmrHeader {
  /** The identification line without "/" (e.g. `ISK5\2M550T-1011`). */
  readonly raw: string;
  /** Three-letter manufacturer flag (`ISK`, `KFM`, `FLU` …). */
  readonly manufacturer: string;
  /** The baud-rate character (`5` on DSMR meters). */
  readonly baud: string;
  readonly identification: string;
}

export interface DsmrCrc {
  readonly present: boolean;
  /** null when the telegram has no CRC. */
  readonly valid: boolean | null;
  readonly declared: number | null;
  /** CRC-16/ARC of "/" … "!" (informational when none is declared). */
  readonly computed: number;
}

export type DsmrFlavor = 'dsmr' | 'e-MUCS';

export interface Telegram {
  readonly header: DsmrHeader;
  readonly crc: DsmrCrc;
  readonly objects: readonly DsmrObject[];
  /** The telegram's date-time (0-0:1.0.0) in UTC; null when absent (DSMR 2.2/3.0) or not a valid time. */
  readonly timestamp: EpochSeconds | null;
  readonly flavor: DsmrFlavor;
  /** The zone its local times were read in. */
  readonly zone: string;
  /** Characters of the input the telegram used, through the CRC line's end. */
  readonly length: number;
  /** Things a person should know: ignored bytes, contradicting DST markers, non-OBIS lines. */
  readonly notes: readonly string[];
}

export interface ParseOptions {
  /** IANA zone of the meter's clock; default Europe/Amsterdam, Europe/Brussels for e-MUCS (Fluvius). */
  readonly zone?: string;
  /** Throw DSMR_CRC_MISMATCH instead of reporting `crc.valid = false`. */
  readonly requireValidCrc?: boolean;
  /** Byte offset of the telegram in a larger input, added to error offsets. */
  readonly baseOffset?: number;
}

export const DEFAULT_ZONE = 'Europe/Amsterdam';
export const EMUCS_ZONE = 'Europe/Brussels';

/** latin1: every byte is one character, so offsets and the CRC are the same over either form. */
export function latin1(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('latin1');
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Works on the bytes (a string is taken as latin1): byte indexing is cheaper than charCodeAt, and a
 * telegram from a socket or file never needs decoding except for the few strings it yields.
 */
export function parseTelegram(input: string | Uint8Array, opts: ParseOptions = {}): Telegram {
  const b = typeof input === 'string' ? Buffer.from(input, 'latin1') : asBuffer(input);
  const base = opts.baseOffset ?? 0;
  let p = 0;
  while (p < b.length && isBlank(b[p]!)) p++;
  if (b[p] !== 0x2f) throw fail('DSMR_BAD_HEADER', base + p, `a telegram starts with "/", found ${describe(b, p)}`);
  const headerEnd = b.indexOf(0x0a, p);
  if (headerEnd === -1) throw fail('DSMR_BAD_HEADER', base + p, 'the identification line has no line end');
  const header = parseHeader(b, p, headerEnd, base);
  const notes: string[] = [];
  const times: PendingTime[] = [];
  let lines: Lines;
  try {
    lines = readLines(b, headerEnd + 1, times, base);
  } catch (err) {
    // A damaged telegram: the CRC explains why better than the first broken line does.
    if (err instanceof DsmrError) {
      const bang = b.indexOf('\n!', headerEnd, 'latin1');
      const crc = bang === -1 ? undefined : readTrailerQuietly(b, p, bang + 1);
      if (crc !== undefined && crc.present && !crc.valid) throw crcMismatch(crc, base + bang + 1, err.message);
    }
    throw err;
  }
  let crc: DsmrCrc;
  let length = b.length;
  if (lines.bang === -1) {
    notes.push('no "!" end line: the whole input was read as one telegram without a CRC');
    crc = { present: false, valid: null, declared: null, computed: crc16Arc(b, p, b.length) };
  } else {
    const t = readTrailer(b, p, lines.bang, base);
    crc = t.crc;
    length = t.length;
    if (hasContent(b, length)) notes.push(`${b.length - length} bytes after the telegram's end line were ignored`);
  }
  if (crc.present && !crc.valid && opts.requireValidCrc) throw crcMismatch(crc, base + lines.bang);
  const { objects, timestamp: stamp } = lines;
  const flavor: DsmrFlavor = lines.emucs || isFluvius(header.manufacturer) ? 'e-MUCS' : 'dsmr';
  const zone = assertZone(opts.zone ?? (flavor === 'e-MUCS' ? EMUCS_ZONE : DEFAULT_ZONE));
  if (times.length > 0) resolveTimes(times, zone, notes);
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (o.code === null) notes.push(`line ${o.line}: "${o.obis}" is not an OBIS code; its value is kept as written`);
  }
  const timestamp = stamp?.kind === 'time' && !Number.isNaN(stamp.at) ? stamp.at : null;
  if (stamp !== undefined && timestamp === null) notes.push('the telegram date-time 0-0:1.0.0 is not a valid time');
  return { header, crc, objects, timestamp, flavor, zone, length, notes };
}

const isFluvius = (m: string): boolean => m === 'FLU' || m === 'flu' || m === 'Flu';

function fail(code: 'DSMR_BAD_HEADER' | 'DSMR_TRUNCATED', offset: number, why: string): DsmrError {
  return new DsmrError(code, why, { offset });
}

function parseHeader(b: Buffer, p: number, nl: number, base: number): DsmrHeader {
  const end = b[nl - 1] === 0x0d ? nl - 1 : nl;
  if (end - p < 5) throw new DsmrError('DSMR_BAD_HEADER', `the identification line "${b.toString('latin1', p, end)}" is shorter than "/XXXZ"`, { offset: base + p });
  const raw = b.toString('latin1', p + 1, end);
  return { raw, manufacturer: raw.slice(0, 3), baud: raw.charAt(3), identification: raw.slice(4) };
}

/** "!" + 0-4 hex digits + line end. */
function readTrailer(b: Buffer, start: number, bang: number, base: number): { crc: DsmrCrc; length: number } {
  let i = bang + 1;
  let declared = 0;
  let digits = 0;
  for (; i < b.length; i++) {
    const h = hexValue(b[i]!);
    if (h < 0) break;
    declared = declared * 16 + h;
    digits++;
  }
  const c = i < b.length ? b[i]! : -1;
  if (digits > 4 || (c !== -1 && c !== 0x0d && c !== 0x0a && !isBlank(c))) {
    throw new DsmrError('DSMR_BAD_TRAILER', `after "!" come ${describe(b, bang + 1)}; expected a CRC of 1-4 hex digits and a line end`, { offset: base + bang + 1 });
  }
  // Through the line end: CR LF, LF, or the end of the input.
  if (c === 0x0d) i++;
  if (b[i] === 0x0a) i++;
  const computed = crc16Arc(b, start, bang + 1);
  const present = digits > 0;
  return { crc: { present, valid: present ? declared === computed : null, declared: present ? declared : null, computed }, length: i };
}

function readTrailerQuietly(b: Buffer, start: number, bang: number): DsmrCrc | undefined {
  try {
    return readTrailer(b, start, bang, 0).crc;
  } catch {
    return undefined;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function crcMismatch(crc: DsmrCrc, offset: number, why?: string): DsmrError {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  return new DsmrError('DSMR_CRC_MISMATCH',
    `the telegram declares CRC ${hex(crc.declared ?? 0)} but its contents give ${hex(crc.computed)}${why ? ` (and: ${why})` : ''}`, { offset });
}

/** What readLines found. */
interface Lines {
  readonly objects: DsmrObject[];
  /** Position of the "!" of the end line, or -1 when the input ends without one. */
  readonly bang: number;
  readonly emucs: boolean;
  readonly timestamp: DsmrValue | undefined;
}

/**
 * Object lines from `from` up to the "!" line (or the end of the input), each byte looked at once:
 * the code up to its "(", then each group up to its ")", then the line end.
 */
function readLines(b: Buffer, from: number, times: PendingTime[], base: number): Lines {
  const objects: DsmrObject[] = [];
  const groups: Groups = { starts: [], ends: [], count: 0 };
  const n = b.length;
  let emucs = false;
  let timestamp: DsmrValue | undefined;
  // The object being read: a DSMR 2.2 gas value continues it on the next line.
  let codeStart = 0;
  let rawStart = -1;
  let rawEnd = 0;
  let objLine = 0;
  let line = 1;
  let bang = -1;
  let ls = from;
  while (ls < n) {
    line++;
    const first = b[ls]!;
    if (first === 0x21) { bang = ls; break; }
    if (first === 0x2f) throw fail('DSMR_TRUNCATED', base + ls, 'a new telegram starts before this one\'s "!" end line');
    let i = ls;
    let c = 0;
    while (i < n && (c = b[i]!) !== 0x28 && c !== 0x0a) i++;
    if (i >= n || c === 0x0a) {
      // No "(" on this line: fine only if it is blank.
      let e = i;
      while (e > ls && isBlank(b[e - 1]!)) e--;
      if (e > ls) throw badLine(base + ls, line, `"${clip(b.toString('latin1', ls, e))}" has no value in parentheses`);
      ls = i + 1;
      continue;
    }
    const paren = i;
    if (paren === ls) {
      if (rawStart < 0) throw badLine(base + ls, line, 'a value line "(…)" follows no object');
    } else {
      if (rawStart >= 0) {
        const o = objectAt(b, objects.length, codeStart, rawStart, rawEnd, objLine, groups, times);
        objects.push(o);
        if (o.obis === '0-0:96.1.4') emucs = true;
        else if (o.obis === '0-0:1.0.0') timestamp = o.value;
      }
      codeStart = ls;
      rawStart = paren;
      objLine = line;
      groups.count = 0;
    }
    // Groups: "(" content ")" repeated, then blanks to the line end.
    for (;;) {
      let close = i + 1;
      while (close < n && (c = b[close]!) !== 0x29 && c !== 0x0a) close++;
      if (close >= n || c === 0x0a) throw badLine(base + i, line, 'a "(" is not closed on its line');
      groups.starts[groups.count] = i + 1;
      groups.ends[groups.count] = close;
      groups.count++;
      i = close + 1;
      if (i < n && b[i] === 0x28) continue;
      rawEnd = i;
      while (i < n && (c = b[i]!) !== 0x0a) {
        if (!isBlank(c)) throw badLine(base + i, line, `expected "(" or the line end, found ${describe(b, i)}`);
        i++;
      }
      break;
    }
    ls = i + 1;
  }
  if (rawStart >= 0) {
    const o = objectAt(b, objects.length, codeStart, rawStart, rawEnd, objLine, groups, times);
    objects.push(o);
    if (o.obis === '0-0:96.1.4') emucs = true;
    else if (o.obis === '0-0:1.0.0') timestamp = o.value;
  }
  return { objects, bang, emucs, timestamp };
}

function resolveTimes(times: PendingTime[], zone: string, notes: string[]): void {
  let contradictions = 0;
  for (const t of times) {
    const at = localToUtc(t.naive, t.marker, zone);
    t.target.at = at;
    if (markerContradicts(at, t.marker, zone)) contradictions++;
  }
  if (contradictions > 0) {
    notes.push(`${contradictions} time stamp(s) carry an S/W marker that ${zone} does not have at that time; the marker decided the offset`);
  }
}

function badLine(offset: number, line: number, why: string): DsmrError {
  return new DsmrError('DSMR_BAD_LINE', `line ${line}: ${why}`, { offset, line });
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

function hasContent(b: Buffer, from: number): boolean {
  for (let i = from; i < b.length; i++) if (!isBlank(b[i]!)) return true;
  return false;
}

function describe(b: Buffer, i: number): string {
  return i >= b.length ? 'the end of the input' : JSON.stringify(b.toString('latin1', i, Math.min(b.length, i + 12)));
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
