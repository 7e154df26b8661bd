import type { BillGrid } from './calendar.ts';
import { feedPrice } from './charges.ts';

/**
 * What one more kWh costs in each interval: every per-kWh energy charge of the version in force
 * (TOU, flat or the dynamic feed price with its adders), VAT included. This is what advice on
 * when to run appliances compares; standing and capacity charges do not change with timing of
 * energy (capacity does with the peak, which the advice notes separately). NaN where a feed has
 * no price yet.
 */
export function unitRates(grid: BillGrid, prices: ReadonlyMap<string, Float64Array>): Float64Array {
  const out = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) {
    const t = grid.versions[grid.version[i]!]!.tariff;
    let rate = 0;
    let vat = 0;
    for (const c of t.charges) {
      if (c.type === 'vat') vat += c.percent;
      if (c.type !== 'energy') continue;
      const s = c.source;
      if (s.kind === 'flat') rate += s.rate;
      else if (s.kind === 'tou') rate += s.rates[t.periods[grid.period[i]!]!.id]!;
      else rate += feedPrice(s, prices.get(s.feed)?.[i] ?? NaN, grid.minute[i]!);
    }
    out[i] = Math.round(rate * (1 + vat / 100 / 1_000_000));
  }
  return out;
}

/** The cheapest run of `len` consecutive intervals (start index and mean rate), ignoring windows with a missing price. */
export function cheapestWindow(rates: Float64Array, len: number): { start: number; mean: number } | null {
  let best: { start: number; mean: number } | null = null;
  for (let s = 0; s + len <= rates.length; s++) {
    let sum = 0;
    for (let k = 0; k < len; k++) sum += rates[s + k]!;
    if (Number.isNaN(sum)) continue;
    if (!best || sum / len < best.mean) best = { start: s, mean: sum / len };
  }
  return best;
}
