import type { EntryInfo, EspiItem, LocalTimeFields } from './espi-reader.ts';

/**
 * The Atom link structure of a Green Button feed: which IntervalBlock belongs to which
 * MeterReading, which ReadingType and UsagePoint a MeterReading has, and which LocalTimeParameters
 * a UsagePoint uses. Entries may come in any order and real feeds link inconsistently, so each
 * relation is tried several ways (the ESPI URL hierarchy, `up` and `related` links either way). Only the small
 * metadata resources are kept here, never readings.
 *
 * `explicit` lookups succeed only on a link; at the end of the document `fallback` lookups also
 * take "the only one there is", which is how bare ESPI documents and link-less feeds resolve.
 */

export interface UsagePointMeta {
  readonly entry: EntryInfo;
  readonly line: number;
  readonly serviceKind: number | undefined;
}

export interface MeterReadingMeta {
  readonly entry: EntryInfo;
  readonly line: number;
}

export interface ReadingTypeMeta {
  readonly entry: EntryInfo;
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
}

export interface LocalTimeMeta {
  readonly entry: EntryInfo;
  readonly line: number;
  readonly ltp: LocalTimeFields;
}

export type Mode = 'explicit' | 'fallback';

/** Links compare without scheme, host, leading or trailing slashes, so absolute and relative forms meet. */
export function normHref(href: string | undefined): string | undefined {
  if (href === undefined) return undefined;
  const h = href.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+|\/+$/g, '');
  return h === '' ? undefined : h;
}

const under = (child: string | undefined, parent: string | undefined): boolean =>
  child !== undefined && parent !== undefined && child.startsWith(`${parent}/`);

const relatedOf = (e: EntryInfo): string[] => e.related.map(normHref).filter((x): x is string => x !== undefined);

function only<T>(list: readonly T[], pick: (x: T) => boolean, all: readonly T[], mode: Mode): T | undefined {
  const hits = list.filter(pick);
  if (hits.length === 1) return hits[0];
  if (hits.length === 0 && mode === 'fallback' && all.length === 1) return all[0];
  return undefined;
}

export class FeedLinks {
  readonly usagePoints: UsagePointMeta[] = [];
  readonly meterReadings: MeterReadingMeta[] = [];
  readonly readingTypes: ReadingTypeMeta[] = [];
  readonly localTimes: LocalTimeMeta[] = [];

  /** Keeps a metadata item; false for anything else (readings, entry ends). */
  add(it: EspiItem): boolean {
    switch (it.kind) {
      case 'UsagePoint': this.usagePoints.push({ entry: it.entry, line: it.line, serviceKind: it.serviceKind }); return true;
      case 'MeterReading': this.meterReadings.push({ entry: it.entry, line: it.line }); return true;
      case 'ReadingType': this.readingTypes.push({ entry: it.entry, line: it.line, fields: it.fields }); return true;
      case 'LocalTimeParameters': this.localTimes.push({ entry: it.entry, line: it.line, ltp: it.ltp }); return true;
      default: return false;
    }
  }

  /** The MeterReading an IntervalBlock entry belongs to. */
  meterReadingOf(block: EntryInfo, mode: Mode): MeterReadingMeta | undefined {
    const self = normHref(block.self);
    const up = normHref(block.up);
    const back = relatedOf(block);
    return only(this.meterReadings, (mr) => {
      const mself = normHref(mr.entry.self);
      const rel = relatedOf(mr.entry);
      return under(self, mself) || under(up, mself) || (up !== undefined && rel.includes(up)) || (self !== undefined && rel.includes(self))
        || (mself !== undefined && back.includes(mself));
    }, this.meterReadings, mode);
  }

  usagePointOf(mr: MeterReadingMeta, mode: Mode): UsagePointMeta | undefined {
    const self = normHref(mr.entry.self);
    const up = normHref(mr.entry.up);
    const back = relatedOf(mr.entry);
    return only(this.usagePoints, (u) => {
      const uself = normHref(u.entry.self);
      const rel = relatedOf(u.entry);
      return (up !== undefined && rel.includes(up)) || (self !== undefined && rel.includes(self)) || under(self, uself) || under(up, uself)
        || (uself !== undefined && back.includes(uself));
    }, this.usagePoints, mode);
  }

  readingTypeOf(mr: MeterReadingMeta, mode: Mode): ReadingTypeMeta | undefined {
    const rel = relatedOf(mr.entry);
    return only(this.readingTypes, (rt) => {
      const s = normHref(rt.entry.self);
      return s !== undefined && rel.includes(s);
    }, this.readingTypes, mode);
  }

  /** Whether the UsagePoint names a LocalTimeParameters resource that has not been read yet. */
  awaitsLocalTime(up: UsagePointMeta): boolean {
    return relatedOf(up.entry).some((h) => /LocalTimeParameters/i.test(h)) && this.linkedLocalTime(up) === undefined;
  }

  /** The linked LocalTimeParameters, else the feed's only one read so far. */
  localTimeOf(up: UsagePointMeta): LocalTimeMeta | undefined {
    return this.linkedLocalTime(up) ?? (this.localTimes.length === 1 ? this.localTimes[0] : undefined);
  }

  private linkedLocalTime(up: UsagePointMeta): LocalTimeMeta | undefined {
    const rel = relatedOf(up.entry);
    return this.localTimes.find((l) => {
      const s = normHref(l.entry.self);
      return s !== undefined && rel.includes(s);
    });
  }
}
