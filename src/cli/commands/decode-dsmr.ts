import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { inspectDsmr, type InspectOptions } from '../../protocols/dsmr/index.ts';
import type { Json } from '../../protocols/dsmr/inspect.ts';
import { assertZone, isoToEpoch, MeterstackError } from '../../model/index.ts';
import { reportError } from '../output.ts';

/** A 16-octet key given as 32 hex digits (blanks and colons allowed). */
export function keyOption(text: string, flag: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(clean)) throw new MeterstackError('CONFIG_INVALID', `${flag} must be 16 bytes as 32 hex digits`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function zoneOption(zone: string): string {
  try {
    return assertZone(zone);
  } catch {
    throw new MeterstackError('CONFIG_INVALID', `--zone "${zone}" is not an IANA time zone such as Europe/Amsterdam`);
  }
}

interface DecodeDsmrFlags { json?: boolean; zone?: string; key?: string; ak?: string; meter?: string; at?: string }

function options(o: DecodeDsmrFlags): InspectOptions {
  let at: number | undefined;
  if (o.at !== undefined) {
    try { at = isoToEpoch(o.at); } catch { throw new MeterstackError('CONFIG_INVALID', `--at "${o.at}" is not an ISO 8601 time such as 2026-11-26T10:15:00Z`); }
  }
  return {
    ...(o.zone ? { zone: zoneOption(o.zone) } : {}),
    ...(o.key ? { key: keyOption(o.key, '--key') } : {}),
    ...(o.ak ? { authKey: keyOption(o.ak, '--ak') } : {}),
    ...(o.meter ? { meterId: o.meter } : {}),
    ...(at !== undefined ? { at } : {}),
  };
}

/** `meterstack decode dsmr FILE|-`: registered under `decode` next to `decode dlms`. */
export function registerDecodeDsmr(decode: Command): void {
  decode.command('dsmr')
    .description('decode DSMR P1 telegrams (a capture file, or - for stdin): objects, CRC, canonical readings')
    .argument('<file>', 'a file of one or more telegrams, an encrypted Smarty frame (bytes or hex), or - for stdin')
    .option('--json', 'print JSON: {header, crc, objects, readings, …}; an array when the capture holds several telegrams')
    .option('--zone <zone>', 'IANA zone of the meter clock (default Europe/Amsterdam; Europe/Brussels for e-MUCS)')
    .option('--key <hex>', 'decryption key of Luxembourg Smarty frames (16 bytes hex)')
    .option('--ak <hex>', 'authentication key of Smarty frames (16 bytes hex), when the frames are sealed with one')
    .option('--meter <id>', 'meter id for the readings (default: the equipment id 0-0:96.1.1)')
    .option('--at <iso>', 'receive time, the time of readings of telegrams without a date-time (DSMR 2.2/3.0)')
    .action((file: string, flags: DecodeDsmrFlags) => {
      try {
        const input = readFileSync(file === '-' ? 0 : file);
        const results = inspectDsmr(Uint8Array.from(input), options(flags));
        results.forEach((r, i) => warnCrc(r, i, results.length));
        if (flags.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
        else results.forEach((r, i) => process.stdout.write(text(r, i, results.length)));
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}

type Result = { [k: string]: Json };

function warnCrc(r: Json, i: number, n: number): void {
  const crc = (r as Result).crc as Result;
  if (crc.present && crc.valid === false) {
    process.stderr.write(`warning DSMR_CRC_MISMATCH${n > 1 ? ` (telegram ${i + 1})` : ''}: declared CRC ${String(crc.declared)}, computed ${String(crc.computed)}\n`);
  }
}

function text(json: Json, i: number, n: number): string {
  const r = json as Result;
  const h = r.header as Result;
  const crc = r.crc as Result;
  const lines = [
    `${n > 1 ? `telegram ${i + 1}: ` : ''}/${String(h.raw)}  (${String(r.flavor)}, ${String(r.zone)})`,
    `time: ${String(r.timestamp ?? 'none')}   CRC: ${crc.present ? `${String(crc.declared)} ${crc.valid ? 'ok' : `MISMATCH (computed ${String(crc.computed)})`}` : 'none'}`,
  ];
  for (const o of r.objects as Result[]) {
    const value = typeof o.value === 'object' && o.value !== null ? JSON.stringify(o.value) : String(o.value);
    const shown = `${value}${o.unit ? ` ${String(o.unit)}` : ''}${o.at ? ` at ${String(o.at)}` : ''}`;
    lines.push(`  ${String(o.obis).padEnd(14)} ${String(o.raw).replace(/\r\n/g, ' ').padEnd(28)} ${shown}${o.name ? `   ${String(o.name)}` : ''}`);
  }
  const meter = r.meter as Result | null;
  lines.push(`readings: ${(r.readings as Json[]).length}, events: ${(r.events as Json[]).length}${meter ? ` (meter ${String(meter.id)})` : ''}`);
  for (const note of r.notes as string[]) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
