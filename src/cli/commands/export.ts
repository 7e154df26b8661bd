import type { Command } from 'commander';
import { EXPORT_FORMATS, exportFormat } from '../../formats/registry.ts';
import { isoToEpoch, MeterstackError, obis } from '../../model/index.ts';
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
    .description('export a meter\'s interval data on stdout')
    .requiredOption('--meter <id>', 'meter id')
    .requiredOption('--from <iso>', 'start, ISO 8601 with offset')
    .requiredOption('--to <iso>', 'end (exclusive), ISO 8601 with offset')
    .option('--channel <obis...>', 'channels (default: every interval channel of the meter)')
    .option('--format <format>', `one of: ${EXPORT_FORMATS.map((f) => f.name).join(', ')}`, 'csv')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (opts: { meter: string; from: string; to: string; channel?: string[]; format: string; data?: string }) => {
      let platform;
      try {
        const format = exportFormat(opts.format);
        const from = time('--from', opts.from);
        const to = time('--to', opts.to);
        platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        const detail = await platform.services.meters.get(opts.meter);
        const wanted = opts.channel?.map((c) => obis(c));
        const channels = detail.channels.filter((c) => (wanted ? wanted.includes(c.obis) : c.intervalS > 0));
        const readings = platform.services.readings;
        await format.write({
          meter: detail.meter, channels, from, to,
          series: async (c) => (await readings.series({ meterId: opts.meter, channel: c.obis, from, to })).series,
        }, (chunk) => new Promise<void>((resolve) => { if (process.stdout.write(chunk)) resolve(); else process.stdout.once('drain', resolve); }));
        await platform.close();
      } catch (e) {
        await platform?.close();
        process.exit(reportError(e));
      }
    });
}
