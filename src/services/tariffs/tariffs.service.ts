import { createHash } from 'node:crypto';
import { MeterstackError, type EpochSeconds } from '../../model/index.ts';
import type { Store } from '../../store/store.port.ts';
import type { Clock } from '../clock.ts';
import type { VersionedTariff } from './calendar.ts';
import { alignPrices, parsePriceCsv } from './prices.ts';
import { parseTariff, type Tariff } from './tariff.model.ts';

export interface TariffVersionView {
  readonly id: string;
  readonly version: number;
  readonly effectiveFrom: string;
  /** SHA-256 of the stored document: a bill names it, so the exact text that priced it can be shown. */
  readonly fingerprint: string;
  readonly createdAt: EpochSeconds;
  readonly createdBy: string;
  readonly document: unknown;
}

type TariffPorts = Pick<Store, 'putTariffVersion' | 'listTariffVersions' | 'listTariffs' | 'putPrices' | 'readPrices' | 'appendAudit'>;

const FEED = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function fingerprintOf(doc: string): string {
  return createHash('sha256').update(doc, 'utf8').digest('hex');
}

/** Tariffs as immutable, effective-dated versions, and the dynamic price feeds they may name. */
export class TariffsService {
  private readonly parsed = new Map<string, { count: number; versions: VersionedTariff[] }>();

  constructor(private readonly store: TariffPorts, private readonly now: Clock) {}

  /** Validate and store the document as the tariff's next version. */
  async addVersion(doc: unknown, actor: string): Promise<TariffVersionView> {
    const tariff = parseTariff(doc);
    const existing = await this.store.listTariffVersions(tariff.id);
    const version = (existing[existing.length - 1]?.version ?? 0) + 1;
    const text = JSON.stringify(doc);
    const at = this.now();
    await this.store.putTariffVersion({ id: tariff.id, version, effectiveFrom: tariff.effectiveFrom, doc: text, createdAt: at, createdBy: actor });
    await this.store.appendAudit([{ at, actor, action: 'tariff.version.add', object: `tariff:${tariff.id}`, details: { version, effectiveFrom: tariff.effectiveFrom, fingerprint: fingerprintOf(text) } }]);
    this.parsed.delete(tariff.id);
    return { id: tariff.id, version, effectiveFrom: tariff.effectiveFrom, fingerprint: fingerprintOf(text), createdAt: at, createdBy: actor, document: doc };
  }

  async list(): Promise<{ id: string; version: number; effectiveFrom: string }[]> {
    return this.store.listTariffs();
  }

  async versions(id: string): Promise<TariffVersionView[]> {
    const rows = await this.store.listTariffVersions(id);
    if (rows.length === 0) throw new MeterstackError('TARIFF_NOT_FOUND', `no tariff "${id}"`);
    return rows.map((r) => ({
      id: r.id, version: r.version, effectiveFrom: r.effectiveFrom, fingerprint: fingerprintOf(r.doc), createdAt: r.createdAt, createdBy: r.createdBy,
      document: JSON.parse(r.doc) as unknown,
    }));
  }

  /** Every version, parsed, for laying over a bill period (cached until a version is added). */
  async parsedVersions(id: string): Promise<{ versions: VersionedTariff[]; fingerprints: ReadonlyMap<number, string> }> {
    const rows = await this.store.listTariffVersions(id);
    if (rows.length === 0) throw new MeterstackError('TARIFF_NOT_FOUND', `no tariff "${id}"`);
    let hit = this.parsed.get(id);
    if (!hit || hit.count !== rows.length) {
      hit = { count: rows.length, versions: rows.map((r) => ({ version: r.version, tariff: parseTariff(JSON.parse(r.doc)) })) };
      this.parsed.set(id, hit);
    }
    return { versions: hit.versions, fingerprints: new Map(rows.map((r) => [r.version, fingerprintOf(r.doc)])) };
  }

  /** Import a price feed file (CSV start,price[,end]); returns how many prices were stored. */
  async importPrices(feed: string, csv: string, actor: string): Promise<{ feed: string; prices: number; from: EpochSeconds; to: EpochSeconds }> {
    if (!FEED.test(feed)) throw new MeterstackError('PRICES_INVALID', `feed name "${feed}" must be 1–64 letters, digits, dot, dash or underscore`);
    const points = parsePriceCsv(csv, feed);
    const n = await this.store.putPrices(feed, points);
    const from = points[0]!.start;
    const last = points[points.length - 1]!;
    const to = last.start + last.intervalS;
    await this.store.appendAudit([{ at: this.now(), actor, action: 'prices.import', object: `feed:${feed}`, details: { prices: n, from, to } }]);
    return { feed, prices: n, from, to };
  }

  /** The feeds a set of tariff versions names, each laid over the grid (NaN where a price is missing). */
  async pricesFor(tariffs: readonly Tariff[], from: EpochSeconds, stepS: number, n: number): Promise<Map<string, Float64Array>> {
    const feeds = new Set<string>();
    for (const t of tariffs) {
      for (const c of t.charges) if ((c.type === 'energy' || c.type === 'export') && c.source.kind === 'feed') feeds.add(c.source.feed);
    }
    const out = new Map<string, Float64Array>();
    for (const feed of feeds) {
      // A slot that began before the bill still prices its first intervals: look back a day.
      const points = await this.store.readPrices(feed, from - 86_400, from + n * stepS);
      out.set(feed, alignPrices(points, from, stepS, n));
    }
    return out;
  }
}
