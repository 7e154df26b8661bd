import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { inspectDlms } from '../../protocols/dlms/inspect.ts';
import { isoToEpoch, MeterstackError } from '../../model/index.ts';
import { reportError } from '../output.ts';
import { registerDecodeDsmr } from './decode-dsmr.ts';

/** Hex as typed or captured: whitespace, `#`/`//` comments and `0x` prefixes are ignored. */
export function parseHex(text: string, what: string): Uint8Array {
  const clean = text.replace(/(#|\/\/)[^\n]*/g, '').replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(clean)) {
    throw new MeterstackError('CONFIG_INVALID', `${what} is not hex bytes (an even number of 0-9a-f digits)`);
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

function captureTime(iso: string): number {
  try {
    return isoToEpoch(iso);
  } catch {
    throw new MeterstackError('CONFIG_INVALID', `--at "${iso}" is not an ISO 8601 time such as 2026-11-26T10:15:00Z`);
  }
}

export function registerDecode(program: Command): void {
  const decode = program.command('decode').description('decode captured meter messages, layer by layer');
  registerDecodeDsmr(decode);
  decode.command('dlms')
    .description('decode a DLMS/COSEM capture: HDLC frames, a TCP wrapper PDU or a bare APDU (hex, or a file of hex)')
    .argument('<hex...>', 'the bytes in hex (spaces allowed), or the path of a file holding them')
    .option('--json', 'print the decoded tree as JSON')
    .option('--ek <hex>', 'suite-0 encryption key (global unicast), to decrypt ciphered APDUs')
    .option('--ak <hex>', 'suite-0 authentication key')
    .option('--system-title <hex>', 'the sender\'s system title, needed for glo-ciphering')
    .option('--meter <id>', 'meter id for the canonical readings')
    .option('--at <iso>', 'capture time, for notifications that carry no time of their own')
    .action((parts: string[], opts: { json?: boolean; ek?: string; ak?: string; systemTitle?: string; meter?: string; at?: string }) => {
      try {
        const input = parts.length === 1 && existsSync(parts[0]!) ? readFileSync(parts[0]!, 'utf8') : parts.join(' ');
        if ((opts.ek === undefined) !== (opts.ak === undefined)) throw new MeterstackError('CONFIG_INVALID', 'give both --ek and --ak, or neither');
        const result = inspectDlms(parseHex(input, 'the capture'), {
          ...(opts.ek && opts.ak ? { keys: { ek: parseHex(opts.ek, '--ek'), ak: parseHex(opts.ak, '--ak') } } : {}),
          ...(opts.systemTitle ? { systemTitle: parseHex(opts.systemTitle, '--system-title') } : {}),
          ...(opts.meter ? { meterId: opts.meter } : {}),
          ...(opts.at ? { at: captureTime(opts.at) } : {}),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        for (const [k, v] of Object.entries(result)) {
          if (k === 'notes') continue;
          process.stdout.write(`${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v, null, 2).replace(/\n/g, '\n  ') : String(v)}\n`);
        }
        for (const n of result.notes) process.stdout.write(`note: ${n}\n`);
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
