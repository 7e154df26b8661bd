/**
 * OBIS codes as P1 lines write them: `A-B:C.D.E`, sometimes with F (`1-0:31.7.0.255`, EasyMeter's
 * `1-0:1.8.0*255`). Parsed by hand and cached per spelling: a meter repeats the same few dozen
 * codes every second, so after the first telegram a line's code costs one Map lookup.
 */
import { formatObis, type Obis } from '../../model/obis.ts';
import { obisDefinition, type ObisDefinition } from '../../model/reading-type.ts';
import { objectSpec, type ObjectSpec } from './objects.ts';

/** What a line of an M-Bus channel (B = 1-4) carries, for the canonical mapping. */
export interface MbusRole {
  readonly n: number;
  readonly role: 'device-type' | 'volume' | 'volume-uncorrected';
}

export interface CodeInfo {
  /** DSMR's short form (F omitted when 255), or the code as written when it is not OBIS. */
  readonly short: string;
  /** Canonical six-group form; null when the text is not an OBIS code. */
  readonly obis: Obis | null;
  readonly spec: ObjectSpec | undefined;
  /** The model's OBIS definition (its table row, or the channel-0 row for 1-B codes): the line can become a reading. */
  readonly def: ObisDefinition | undefined;
  readonly mbus: MbusRole | undefined;
  /** Rank among the lines that can name the meter (0 = 0-0:96.1.1 first), -1 for others. */
  readonly idRank: number;
}

/** Lines that name the meter, most specific first. */
export const ID_CODES = ['0-0:96.1.1', '0-0:96.1.0', '0-0:42.0.0', '1-0:0.0.0'];

const cache = new Map<string, CodeInfo>();
const CACHE_MAX = 4_096;

export function codeInfo(written: string): CodeInfo {
  let hit = cache.get(written);
  if (hit === undefined) {
    hit = parseCode(written);
    // Garbage (fuzzing, line noise) must not grow the cache without bound.
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(written, hit);
  }
  return hit;
}

/**
 * codeInfo of text[start, end) without cutting the code out: the groups are read in place and
 * looked up by small-integer keys, A-B then C.D.E (F = 255, as on every DSMR line). Only a first
 * sighting, an F other than 255 or a non-OBIS code costs a substring. Measured: a substring and
 * a string-keyed lookup per line cost twice as much, and an in-place string hash more still.
 */
const byGroups = new Map<number, Map<number, CodeInfo>>();

export function codeInfoAt(b: Buffer, start: number, end: number): CodeInfo {
  let ab = 0;
  let cde = 0;
  let groups = 0;
  let v = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? b[i]! : -1;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (++digits > 3) return codeInfo(b.toString('latin1', start, end));
      continue;
    }
    if (digits === 0 || v > 255) return codeInfo(b.toString('latin1', start, end));
    groups++;
    if (groups <= 2) ab = ab * 256 + v; else if (groups <= 5) cde = cde * 256 + v;
    else if (v !== 255) return codeInfo(b.toString('latin1', start, end));
    v = 0;
    digits = 0;
    if (c === -1) break;
    if (groups === 6 || (c !== (groups === 1 ? 0x2d : groups === 2 ? 0x3a : 0x2e) && !(groups === 5 && c === 0x2a))) return codeInfo(b.toString('latin1', start, end));
  }
  if (groups < 5) return codeInfo(b.toString('latin1', start, end));
  let inner = byGroups.get(ab);
  if (inner === undefined) byGroups.set(ab, (inner = new Map()));
  let hit = inner.get(cde);
  if (hit === undefined) {
    hit = codeInfo(b.toString('latin1', start, end));
    if (inner.size >= CACHE_MAX) inner.clear();
    inner.set(cde, hit);
  }
  return hit;
}

/** Group separators in order: A-B:C.D.E then optionally .F or *F. */
const SEPARATORS = [0x2d, 0x3a, 0x2e, 0x2e];

function parseCode(s: string): CodeInfo {
  const groups: number[] = [];
  let i = 0;
  for (let g = 0; g < 6; g++) {
    let v = 0;
    let digits = 0;
    while (i < s.length && digits < 4) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || v > 255) return notObis(s);
    groups.push(v);
    if (i === s.length) break;
    const sep = s.charCodeAt(i);
    if (g < 4 ? sep !== SEPARATORS[g] : g === 4 ? sep !== 0x2e && sep !== 0x2a : true) return notObis(s);
    i++;
  }
  if (groups.length < 5 || i !== s.length) return notObis(s);
  const [a, b, c, d, e] = groups as [number, number, number, number, number];
  const f = groups[5] ?? 255;
  const obis = formatObis({ a, b, c, d, e, f });
  const short = f === 255 ? `${a}-${b}:${c}.${d}.${e}` : obis;
  return { short, obis, spec: objectSpec(a, b, c, d, e), def: obisDefinition(obis), mbus: mbusRole(a, b, c, d, e, f), idRank: ID_CODES.indexOf(short) };
}

function mbusRole(a: number, b: number, c: number, d: number, e: number, f: number): MbusRole | undefined {
  if (a !== 0 || b < 1 || b > 4 || c !== 24 || f !== 255) return undefined;
  if (d === 1 && e === 0) return { n: b, role: 'device-type' };
  if ((d === 2 && e === 1) || (d === 3 && e === 0)) return { n: b, role: 'volume' };
  if (d === 2 && e === 3) return { n: b, role: 'volume-uncorrected' };
  return undefined;
}

function notObis(s: string): CodeInfo {
  return { short: s, obis: null, spec: undefined, def: undefined, mbus: undefined, idRank: -1 };
}
