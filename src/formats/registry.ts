import { MeterstackError } from '../model/index.ts';
import { csvExport, csvImport } from './csv/csv-format.ts';
import { nem12Import, nem13Import } from './nem/index.ts';
import { greenbuttonExport, greenbuttonImport } from './greenbutton/greenbutton-format.ts';
import { cimExport, cimImport } from './cim/cim-format.ts';
import { dsmrImport } from '../protocols/dsmr/import-format.ts';
import type { ExportFormat, ImportFormat } from './format.ts';

/** Every format `meterstack import` reads, in the order `--format auto` tries them. */
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  csvImport,
  nem12Import,
  nem13Import,
  dsmrImport,
  greenbuttonImport,
  cimImport,
];

/** Every format `meterstack export` writes. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  csvExport,
  greenbuttonExport,
  cimExport,
];

const names = (list: readonly { name: string }[]): string => list.map((f) => f.name).join(', ');

export function importFormat(name: string, head: string, fileName: string): ImportFormat {
  if (name !== 'auto') {
    const f = IMPORT_FORMATS.find((x) => x.name === name);
    if (!f) throw new MeterstackError('CONFIG_INVALID', `--format ${name} is not one of auto, ${names(IMPORT_FORMATS)}`);
    return f;
  }
  const f = IMPORT_FORMATS.find((x) => x.sniff(head, fileName));
  if (!f) throw new MeterstackError('IMPORT_UNKNOWN_FORMAT', `cannot tell the format of ${fileName}; pass --format (one of ${names(IMPORT_FORMATS)})`, { source: fileName });
  return f;
}

export function exportFormat(name: string): ExportFormat {
  const f = EXPORT_FORMATS.find((x) => x.name === name);
  if (!f) throw new MeterstackError('CONFIG_INVALID', `--format ${name} is not one of ${names(EXPORT_FORMATS)}`);
  return f;
}
