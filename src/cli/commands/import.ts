import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { IMPORT_FORMATS, importFormat } from '../../formats/registry.ts';
import type { ImportBatch, ImportFormat, ImportOptions } from '../../formats/format.ts';
import { isEstimated } from '../../model/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

type Platform = Awaited<ReturnType<typeof openPlatform>>;

interface Summary {
  files: number; readings: number; accepted: number; rejected: number; estimated: number;
  unchanged: number; versioned: number; meters: number; channels: number;
}

function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

const countOf = (b: ImportBatch): number =>
  (b.series ?? []).reduce((n, s) => n + s.values.length, 0) + (b.registers?.length ?? 0) + (b.events?.length ?? 0);

/** Pass 1: the whole file must decode before anything is stored, so a malformed file stores nothing. */
async function validate(format: ImportFormat, file: string, opts: ImportOptions): Promise<void> {
  for await (const batch of format.read(createReadStream(file), opts)) void batch;
}

async function importFile(platform: Platform, format: ImportFormat, file: string, opts: ImportOptions, sum: Summary): Promise<void> {
  const bar = new SingleBar({ format: `${basename(file)} [{bar}] {percentage}% {value}/{total} bytes`, noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr });
  bar.start(statSync(file).size, 0);
  let bytes = 0;
  const stream = createReadStream(file);
  stream.on('data', (b) => { bytes += b.length; bar.update(bytes); });
  const source = `file:${basename(file)}`;
  for await (const batch of format.read(stream, opts)) {
    const now = Math.floor(Date.now() / 1000);
    if (batch.meters?.length || batch.channels?.length) {
      const added = await platform.services.meters.registerNew(batch.meters ?? [], batch.channels ?? [], 'cli', now);
      sum.meters += added.meters;
      sum.channels += added.channels;
    }
    const series = batch.series ?? [];
    const r = await platform.services.ingest.submitDecoded({
      source, actor: 'cli', bytes: batch.bytes, series,
      ...(batch.registers ? { registers: batch.registers } : {}), ...(batch.events ? { events: batch.events } : {}),
    });
    // Item indexes run over series, then registers, then events (the pipeline's order).
    const rejected = new Set(r.rejected.map((x) => x.index));
    series.forEach((s, i) => {
      if (rejected.has(i)) { sum.rejected += s.values.length; return; }
      sum.accepted += s.values.length;
      for (const q of s.quality) if (isEstimated(q)) sum.estimated++;
    });
    const others = countOf(batch) - series.reduce((n, s) => n + s.values.length, 0);
    const otherRejected = r.rejected.filter((x) => x.index >= series.length).length;
    sum.accepted += others - otherRejected;
    sum.rejected += otherRejected;
    sum.readings += countOf(batch);
    sum.unchanged += r.unchanged;
    sum.versioned += r.versioned;
  }
  bar.stop();
}

export function registerImport(program: Command): void {
  program.command('import')
    .description('import meter data files through the ingest pipeline; a malformed file stores nothing')
    .argument('<files...>', 'files to import')
    .option('--format <format>', `auto (by content) or one of: ${IMPORT_FORMATS.map((f) => f.name).join(', ')}`, 'auto')
    .option('--time-zone <zone>', 'IANA zone for files whose local times carry no offset and name no zone')
    .option('--meter <id>', 'meter id for files that do not name one (a single meter\'s capture)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (files: string[], opts: { format: string; timeZone?: string; meter?: string; data?: string }) => {
      const sum: Summary = { files: 0, readings: 0, accepted: 0, rejected: 0, estimated: 0, unchanged: 0, versioned: 0, meters: 0, channels: 0 };
      let exit = 0;
      let platform: Platform | undefined;
      try {
        platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
        for (const file of files) {
          try {
            const format = importFormat(opts.format, head(file), basename(file));
            const o: ImportOptions = { source: file, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.meter ? { meterId: opts.meter } : {}) };
            await validate(format, file, o);
            await importFile(platform, format, file, o, sum);
            sum.files++;
          } catch (e) {
            exit = reportError(e);
          }
        }
      } catch (e) {
        exit = reportError(e);
      } finally {
        await platform?.close();
      }
      process.stdout.write(`imported ${sum.files}/${files.length} files, ${sum.readings} readings: ${sum.accepted} accepted (${sum.unchanged} already stored, ${sum.versioned} new versions), ${sum.rejected} rejected, ${sum.estimated} estimated`
        + (sum.meters || sum.channels ? `; registered ${sum.meters} new meters and ${sum.channels} new channels` : '') + '\n');
      if (sum.rejected > 0) process.stdout.write('rejected readings are kept with their reasons: GET /api/v1/rejects\n');
      process.exit(exit);
    });
}
