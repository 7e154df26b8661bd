import { MeterstackError, isoToEpoch, type EpochSeconds } from '../../model/index.ts';
import type { PricePoint } from '../../store/store.port.ts';
import { parseMicro } from './money.ts';

/**
 * A price feed file (docs/tariffs.md#price-feeds): CSV with a header `start,price` (after any `#` comment lines) and optional
 * `end`; start/end ISO 8601 with offset, price per kWh as a decimal in the tariff's currency
 * (day-ahead prices, Agile-style half-hourly rates; negative prices allowed). Without `end`, a
 * row lasts until the next row's start (the last one as long as the one before it).
 */
export function parsePriceCsv(text: string, source = 'prices'): PricePoint[] {
  const lines = text.split(/\r?\n/);
  // Comment lines (#) may precede the header, e.g. where the prices came from.
  let h0 = 0;
  while (h0 < lines.length - 1 && (lines[h0]!.trim() === '' || lines[h0]!.trim().startsWith('#'))) h0++;
  const header = (lines[h0] ?? '').trim().toLowerCase().split(',').map((h) => h.trim());
  const iStart = header.indexOf('start');
  const iPrice = header.indexOf('price');
  const iEnd = header.indexOf('end');
  const bad = (line: number, why: string): never => {
    throw new MeterstackError('PRICES_INVALID', `${source} line ${line}: ${why}`, { line, source });
  };
  if (iStart < 0 || iPrice < 0) bad(h0 + 1, 'the header must name the columns start and price (and optionally end)');
  const rows: { start: EpochSeconds; end?: EpochSeconds; price: number; line: number }[] = [];
  for (let i = h0 + 1; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(',').map((c) => c.trim());
    let start: number;
    try {
      start = isoToEpoch(cells[iStart] ?? '');
    } catch {
      return bad(i + 1, `"${cells[iStart]}" is not an ISO 8601 time with offset`);
    }
    let price: number;
    try {
      price = parseMicro(cells[iPrice], 'price');
    } catch {
      return bad(i + 1, `"${cells[iPrice]}" is not a decimal price per kWh`);
    }
    let end: number | undefined;
    if (iEnd >= 0 && cells[iEnd]) {
      try {
        end = isoToEpoch(cells[iEnd]!);
      } catch {
        return bad(i + 1, `"${cells[iEnd]}" is not an ISO 8601 time with offset`);
      }
    }
    if (rows.length && start <= rows[rows.length - 1]!.start) bad(i + 1, 'rows must be in time order without repeats');
    rows.push({ start, price, line: i + 1, ...(end !== undefined ? { end } : {}) });
  }
  if (rows.length === 0) bad(2, 'the file has no prices');
  return rows.map((r, k) => {
    const next = rows[k + 1]?.start;
    const prev = rows[k - 1];
    const end = r.end ?? next ?? (prev ? r.start + (r.start - prev.start) : r.start + 3600);
    const intervalS = end - r.start;
    if (intervalS <= 0 || intervalS > 86_400 || intervalS % 300 !== 0) bad(r.line, `the price lasts ${intervalS}s; expected whole 5-minute steps up to a day`);
    if (next !== undefined && end > next) bad(r.line, 'the price overlaps the next one');
    return { start: r.start, intervalS, price: r.price };
  });
}

/**
 * Prices laid over a grid of `n` intervals of `stepS` from `from`: each interval takes the price
 * whose slot contains its start; NaN where the feed has none.
 */
export function alignPrices(points: readonly PricePoint[], from: EpochSeconds, stepS: number, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (const p of points) {
    const a = Math.max(0, Math.ceil((p.start - from) / stepS));
    const b = Math.min(n, Math.ceil((p.start + p.intervalS - from) / stepS));
    for (let i = a; i < b; i++) out[i] = p.price;
  }
  return out;
}
