import type { Command } from 'commander';
import { MeterstackError } from '../../model/index.ts';
import { EDIT_METHODS, type EditMethod } from '../../services/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';
import { cliTime } from './vee.ts';

/** `meterstack edit`: a manual substitute as a new version, with reason code, note and user in the audit log. */
export function registerEdit(program: Command): void {
  program.command('edit')
    .description('substitute a range of one channel by hand: a new version with quality S (or F) and the reason; the original is kept')
    .requiredOption('--meter <id>', 'meter id')
    .requiredOption('--channel <obis>', 'OBIS code, e.g. 1-0:1.8.0')
    .requiredOption('--from <iso>', 'start of the first interval, ISO 8601 with offset')
    .requiredOption('--to <iso>', 'end of the last interval (exclusive)')
    .option('--values <list>', 'comma-separated integers in the stored unit, one per interval (method values)')
    .option('--method <m>', `${EDIT_METHODS.join('|')} (default: values when --values is given)`)
    .requiredOption('--reason-code <n>', 'MDFF reason code 1–99, e.g. 24 data correction')
    .requiredOption('--note <text>', 'why (kept in the audit log)')
    .option('--final', 'quality F (final substitute) instead of S')
    .option('--user <name>', 'who edits (default: $USER)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { meter: string; channel: string; from: string; to: string; values?: string; method?: string; reasonCode: string; note: string; final?: boolean; user?: string; data?: string }) => {
      try {
        const method = (opts.method ?? (opts.values !== undefined ? 'values' : '')) as EditMethod;
        if (!(EDIT_METHODS as readonly string[]).includes(method)) throw new MeterstackError('VEE_EDIT_INVALID', `give --values or --method ${EDIT_METHODS.join('|')}`);
        const values = opts.values?.split(',').map((v) => Number(v.trim()));
        const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        try {
          const r = await platform.services.veeEdit.edit({
            meterId: opts.meter, channel: opts.channel, from: cliTime('--from', opts.from), to: cliTime('--to', opts.to), method,
            ...(values ? { values } : {}), ...(opts.final ? { quality: 'F' as const } : {}), reasonCode: Number(opts.reasonCode), note: opts.note,
            actor: `cli:${opts.user ?? process.env.USER ?? 'unknown'}`,
          });
          process.stdout.write(`${r.meterId} ${r.channel}: ${r.intervals} interval(s) edited, ${r.versioned} stored as a new version; total ${r.before.total} → ${r.after.total}${r.exceptions.length ? `; exception(s) ${r.exceptions.join(', ')} marked edited` : ''}\n`);
        } finally {
          await platform.close();
        }
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
