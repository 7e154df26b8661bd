// The whole ESPI content of a (small) Green Button document, linked the way import links it: for
// conformance tests that compare every reading with what another implementation printed. Holds
// everything in memory, so it is for test files, not for imports.
import { createReadStream } from 'node:fs';
import { xmlStream } from '../../format.ts';
import { EspiReader, type BlockInfo, type EntryInfo, type LocalTimeFields, type ReadingColumns } from '../espi-reader.ts';
import { FeedLinks, type MeterReadingMeta, type UsagePointMeta } from '../feed-links.ts';

export interface EspiReading {
  readonly start: number;
  readonly duration: number;
  readonly mantissa: number;
  readonly exp: number;
  readonly cost: number;
  /** ReadingQuality codes in document order is not kept; the bit mask is. */
  readonly qualityMask: number;
}

export interface EspiMeterReadingDoc {
  readonly title: string;
  readonly self: string | undefined;
  readonly readingType: Readonly<Record<string, string>> | undefined;
  readonly blocks: number;
  readonly readings: EspiReading[];
}

export interface EspiUsagePointDoc {
  readonly title: string;
  readonly self: string | undefined;
  readonly serviceKind: number | undefined;
  readonly localTime: LocalTimeFields | undefined;
  readonly meterReadings: EspiMeterReadingDoc[];
}

export interface EspiDocument {
  readonly usagePoints: EspiUsagePointDoc[];
  readonly readingTypes: Readonly<Record<string, string>>[];
  readonly localTimes: LocalTimeFields[];
  readonly blocks: number;
  readonly readings: number;
}

export async function readEspiDocument(path: string): Promise<EspiDocument> {
  const links = new FeedLinks();
  const pieces: { block: BlockInfo; cols: ReadingColumns }[] = [];
  const blocks = new Set<BlockInfo>();
  const reader = new EspiReader(path, (it) => {
    if (it.kind === 'readings') {
      pieces.push(it);
      blocks.add(it.block);
    } else links.add(it);
  });
  for await (const at of xmlStream(createReadStream(path), reader, 'GREENBUTTON_BAD_DOCUMENT', path)) void at;
  reader.end();
  const byMr = new Map<MeterReadingMeta, { blocks: Set<BlockInfo>; readings: EspiReading[] }>();
  for (const { block, cols } of pieces) {
    const mr = links.meterReadingOf(block.entry, 'fallback');
    if (!mr) continue;
    let acc = byMr.get(mr);
    if (!acc) byMr.set(mr, (acc = { blocks: new Set(), readings: [] }));
    acc.blocks.add(block);
    for (let i = 0; i < cols.length; i++) {
      acc.readings.push({ start: cols.start[i]!, duration: cols.duration[i]!, mantissa: cols.mantissa[i]!, exp: cols.exp[i]!, cost: cols.cost[i]!, qualityMask: cols.quality[i]! });
    }
  }
  const title = (e: EntryInfo): string => e.title ?? '';
  const usagePoints = links.usagePoints.map((up: UsagePointMeta): EspiUsagePointDoc => ({
    title: title(up.entry), self: up.entry.self, serviceKind: up.serviceKind, localTime: links.localTimeOf(up)?.ltp,
    meterReadings: links.meterReadings.filter((mr) => links.usagePointOf(mr, 'fallback') === up).map((mr) => ({
      title: title(mr.entry), self: mr.entry.self, readingType: links.readingTypeOf(mr, 'fallback')?.fields,
      blocks: byMr.get(mr)?.blocks.size ?? 0, readings: byMr.get(mr)?.readings ?? [],
    })),
  }));
  return {
    usagePoints, readingTypes: links.readingTypes.map((r) => r.fields), localTimes: links.localTimes.map((l) => l.ltp),
    blocks: blocks.size, readings: pieces.reduce((n, p) => n + p.cols.length, 0),
  };
}
