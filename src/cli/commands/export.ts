import type { Command } from 'commander';
import { CSV_HEADER, seriesToCsvRows } from '../../formats/csv/canonical-csv.ts';
import { isoToEpoch, MeterstackError } from '../../model/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

const time = (flag: string, v: string): number => {
  try {
    return isoToEpoch(v);
  } catch {
    throw new MeterstackError('CONFIG_INVALID', `${flag} "${v}" is not an ISO 8601 time such as 2026-11-01T00:00:00+01:00`);
  }
};

export function registerExport(program: Command): void {
  program.command('export')
    .description('export a meter\'s interval data (canonical CSV on stdout)')
    .requiredOption('--meter <id>', 'meter id')
    .requiredOption('--from <iso>', 'start, ISO 8601 with offset')
    .requiredOption('--to <iso>', 'end (exclusive), ISO 8601 with offset')
    .option('--channel <obis...>', 'channels (default: every interval channel of the meter)')
    .option('--format <format>', 'csv (greenbutton and cim arrive with their codecs)', 'csv')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { meter: string; from: string; to: string; channel?: string[]; format: string; data?: string }) => {
      let platform;
      try {
        if (opts.format !== 'csv') throw new MeterstackError('CONFIG_INVALID', `--format ${opts.format} is not supported yet; this release exports csv`);
        const from = time('--from', opts.from);
        const to = time('--to', opts.to);
        platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        const detail = await platform.services.meters.get(opts.meter);
        const channels = opts.channel ?? detail.channels.filter((c) => c.intervalS > 0).map((c) => c.obis);
        process.stdout.write(`${CSV_HEADER.join(',')}\n`);
        for (const channel of channels) {
          const { series } = await platform.services.readings.series({ meterId: opts.meter, channel, from, to });
          let buf = '';
          for (const row of seriesToCsvRows(series)) {
            buf += `${row}\n`;
            if (buf.length > 65_536) { process.stdout.write(buf); buf = ''; }
          }
          process.stdout.write(buf);
        }
        await platform.close();
      } catch (e) {
        await platform?.close();
        process.exit(reportError(e));
      }
    });
}
