import { xmlStream, type ImportFormat } from '../format.ts';
import { EspiReader } from './espi-reader.ts';
import { FeedImport } from './feed-import.ts';

export { greenbuttonExport } from './feed-export.ts';

const BATCH_READINGS = 50_000;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export const greenbuttonImport: ImportFormat = {
  name: 'greenbutton',
  description: 'Green Button / NAESB ESPI Atom XML (UsagePoint, MeterReading, ReadingType, IntervalBlock, LocalTimeParameters)',
  sniff: (head) => /^\uFEFF?\s*</.test(head) && /naesb\.org\/espi/i.test(head),
  async *read(input, opts) {
    const feed = new FeedImport(opts);
    const reader = new EspiReader(opts.source, (it) => feed.item(it));
    // A batch's bytes are the file bytes read since the previous batch.
    let bytes: Uint8Array[] = [];
    let line = 1;
    for await (const at of xmlStream(input, reader, 'GREENBUTTON_BAD_DOCUMENT', opts.source)) {
      line = at.line;
      if (at.bytes.length > 0) bytes.push(at.bytes);
      if (feed.ready >= BATCH_READINGS) {
        yield feed.take(concat(bytes), line);
        bytes = [];
      }
    }
    reader.end();
    feed.finish();
    const last = feed.take(concat(bytes.length ? bytes : [new Uint8Array(0)]), line);
    if ((last.series?.length ?? 0) + (last.registers?.length ?? 0) + (last.meters?.length ?? 0) > 0) yield last;
  },
};
