import { CSV_HEADER, checkHeader, parseRow, SeriesBuilder, seriesToCsvRows } from './canonical-csv.ts';
import { MeterstackError, type IntervalSeries } from '../../model/index.ts';
import { textLines, type ExportFormat, type ImportBatch, type ImportFormat } from '../format.ts';

const BATCH_READINGS = 50_000;

export const csvImport: ImportFormat = {
  name: 'csv',
  description: 'meterstack canonical CSV (docs/csv-format.md)',
  sniff: (head) => /^\uFEFF?\s*meter\s*,\s*channel\s*,/i.test(head),
  async *read(input, { source }) {
    const builder = new SeriesBuilder();
    let header = true;
    let series: IntervalSeries[] = [];
    let readings = 0;
    let done: string[] = [];
    let open: string[] = [];
    let last = 0;
    const batch = (): ImportBatch => {
      const b = { series, bytes: Buffer.from(done.join('\n')), line: last };
      series = []; done = []; readings = 0;
      return b;
    };
    for await (const [text, n] of textLines(input)) {
      last = n;
      if (header) { checkHeader(text, source); header = false; continue; }
      // A batch's bytes are exactly the lines whose readings it carries.
      const s = builder.add(parseRow(text, n, source));
      if (s) {
        series.push(s);
        readings += s.values.length;
        done.push(...open);
        open = [];
      }
      open.push(text);
      if (readings >= BATCH_READINGS) yield batch();
    }
    if (header) throw new MeterstackError('CSV_BAD_HEADER', 'the file is empty; expected a header line', { line: 1, source });
    const s = builder.flush();
    if (s) { series.push(s); done.push(...open); }
    if (series.length > 0) yield batch();
  },
};

export const csvExport: ExportFormat = {
  name: 'csv',
  description: 'meterstack canonical CSV, one interval per row',
  async write(req, write) {
    await write(`${CSV_HEADER.join(',')}\n`);
    for (const channel of req.channels) {
      let buf = '';
      for (const row of seriesToCsvRows(await req.series(channel))) {
        buf += `${row}\n`;
        if (buf.length > 65_536) { await write(buf); buf = ''; }
      }
      if (buf) await write(buf);
    }
  },
};
