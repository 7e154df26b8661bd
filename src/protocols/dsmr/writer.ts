/**
 * The encode side: telegrams as a meter writes them, for the simulator, tests and benchmarks.
 * `formatTelegram` adds the CR LF framing and the CRC; the value helpers write DSMR's fixed formats.
 */
import { zoneOffsetAt, type EpochSeconds } from '../../model/time.ts';
import { crc16ArcText, crcHex } from './crc.ts';

export interface FormatOptions {
  /** Append the CRC (DSMR ≥ 4); false writes a bare "!" line as DSMR 2.2/3.0 meters do. */
  readonly crc?: boolean;
}

/** `/header` CR LF CR LF, one object line per entry, `!CRC` CR LF. */
export function formatTelegram(header: string, lines: readonly string[], opts: FormatOptions = {}): string {
  const body = `/${header}\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`;
  return opts.crc === false ? `${body}\r\n` : `${body}${crcHex(crc16ArcText(body))}\r\n`;
}

/** A stored integer (Wh, W, L …) as DSMR's fixed-point text: `fixed(1234567, 9, 3)` → `001234.567`. */
export function fixed(stored: number, width: number, decimals: number): string {
  const neg = stored < 0;
  const digits = String(Math.abs(Math.round(stored))).padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return `${neg ? '-' : ''}${text.padStart(width + (decimals > 0 ? 1 : 0), '0')}`;
}

/** `YYMMDDhhmmssX` of a UTC instant in `zone`, with S while DST is in force there. */
export function p1Time(t: EpochSeconds, zone: string): string {
  const { offset, dst } = zoneOffsetAt(t, zone);
  const d = new Date((t + offset * 60) * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}${dst ? 'S' : 'W'}`;
}

/** Text as DSMR sends identifiers and messages: the ASCII bytes in upper-case hex. */
export function hexText(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex').toUpperCase();
}
