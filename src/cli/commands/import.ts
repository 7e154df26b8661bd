import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { checkHeader, parseRow, SeriesBuilder } from '../../formats/csv/canonical-csv.ts';
import { isEstimated, MeterstackError, type IntervalSeries } from '../../model/index.ts';
import { loadConfig } from '../../app/config.ts';
import { openPlatform } from '../../app/platform.ts';
import { reportError } from '../output.ts';

const CHUNK_READINGS = 50_000;

interface Summary { files: number; rows: number; accepted: number; rejected: number; estimated: number; unchanged: number; versioned: number }

async function* lines(file: string, onBytes?: (n: number) => void): AsyncGenerator<[string, number]> {
  const stream = createReadStream(file);
  if (onBytes) stream.on('data', (b) => onBytes(b.length));
  let n = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    n++;
    if (line.trim() !== '') yield [line, n];
  }
}

/** Pass 1: every row must parse before anything is stored, so a malformed file stores nothing. */
async function validate(file: string): Promise<number> {
  let rows = 0;
  let header = true;
  for await (const [text, n] of lines(file)) {
    if (header) { checkHeader(text, file); header = false; continue; }
    parseRow(text, n, file);
    rows++;
  }
  if (header) throw new MeterstackError('CSV_BAD_HEADER', 'the file is empty; expected a header line', { line: 1, source: file });
  return rows;
}

export function registerImport(program: Command): void {
  program.command('import')
    .description('import meter data files (canonical CSV, see docs/csv-format.md) through the ingest pipeline')
    .argument('<files...>', 'files to import')
    .option('--format <format>', 'file format: auto or csv (more formats arrive with their codecs)', 'auto')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .action(async (files: string[], opts: { format: string; data?: string }) => {
      if (opts.format !== 'auto' && opts.format !== 'csv') {
        process.exit(reportError(new MeterstackError('CONFIG_INVALID', `--format ${opts.format} is not supported yet; this release imports csv`)));
      }
      const sum: Summary = { files: 0, rows: 0, accepted: 0, rejected: 0, estimated: 0, unchanged: 0, versioned: 0 };
      let exit = 0;
      const platform = await openPlatform(loadConfig({ ...(opts.data ? { data: opts.data } : {}), sim: false }));
      try {
        for (const file of files) {
          try {
            const rows = await validate(file);
            await importFile(platform, file, rows, sum);
            sum.files++;
          } catch (e) {
            exit = reportError(e);
          }
        }
      } finally {
        await platform.close();
      }
      process.stdout.write(`imported ${sum.files}/${files.length} files, ${sum.rows} rows: ${sum.accepted} accepted (${sum.unchanged} already stored, ${sum.versioned} new versions), ${sum.rejected} rejected, ${sum.estimated} estimated\n`);
      if (sum.rejected > 0) process.stdout.write('rejected rows are kept with their reasons: GET /api/v1/rejects\n');
      process.exit(exit);
    });
}

async function importFile(platform: Awaited<ReturnType<typeof openPlatform>>, file: string, rows: number, sum: Summary): Promise<void> {
  const bar = new SingleBar({ format: `${basename(file)} [{bar}] {percentage}% {value}/{total} bytes`, noTTYOutput: true, notTTYSchedule: 2000, stream: process.stderr });
  bar.start(statSync(file).size, 0);
  let chunk: IntervalSeries[] = [];
  let chunkLines: string[] = [];
  let openLines: string[] = [];
  let chunkReadings = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const r = await platform.services.ingest.submitDecoded({ source: `file:${basename(file)}`, actor: 'cli', bytes: Buffer.from(chunkLines.join('\n')), series: chunk });
    const rejectedIdx = new Set(r.rejected.map((x) => x.index));
    chunk.forEach((s, i) => {
      const n = s.values.length;
      if (rejectedIdx.has(i)) { sum.rejected += n; return; }
      sum.accepted += n;
      for (const q of s.quality) if (isEstimated(q)) sum.estimated++;
    });
    sum.unchanged += r.unchanged;
    sum.versioned += r.versioned;
    chunk = []; chunkLines = []; chunkReadings = 0;
  };
  const builder = new SeriesBuilder();
  let header = true;
  let bytes = 0;
  for await (const [text, n] of lines(file, (b) => { bytes += b; bar.update(bytes); })) {
    if (header) { header = false; continue; }
    // A chunk's receipt hashes exactly the lines whose readings it carries.
    const done = builder.add(parseRow(text, n, file));
    if (done) {
      chunk.push(done);
      chunkReadings += done.values.length;
      chunkLines.push(...openLines);
      openLines = [];
    }
    openLines.push(text);
    if (chunkReadings >= CHUNK_READINGS) await flush();
  }
  const last = builder.flush();
  if (last) { chunk.push(last); chunkLines.push(...openLines); }
  await flush();
  bar.stop();
  sum.rows += rows;
}
