import type { ImportFormat } from '../format.ts';
import { NemDecoder } from './decoder.ts';
import type { Version } from './sequence.ts';

/** The first record of the file, after a BOM (seen as latin1 or UTF-16) and blank lines. */
function headerVersion(head: string): string | undefined {
  const m = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*100\s*,\s*(NEM1[23])\s*(?:,|\r?\n|$)/i.exec(head);
  return m?.[1]?.toUpperCase();
}

function nemFormat(version: Version, description: string): ImportFormat {
  return {
    name: version.toLowerCase(),
    description,
    sniff: (head) => headerVersion(head) === version,
    async *read(input, { source }) {
      const decoder = new NemDecoder(version, source);
      for await (const chunk of input) yield* decoder.push(chunk);
      yield* decoder.end();
    },
  };
}

export const nem12Import = nemFormat('NEM12', 'AEMO MDFF NEM12 interval data (100/200/300/400/500/900; 5, 15, 30-minute)');
export const nem13Import = nemFormat('NEM13', 'AEMO MDFF NEM13 accumulation (basic) meter reads (100/250/550/900)');
