import { MeterstackError, QUALITY, epochToIso } from '../../model/index.ts';
import type { BillGrid } from './calendar.ts';
import type { ChannelSums, Determinants, GridSeries } from './determinants.ts';
import { energyAmount, formatMicro, mulDivRound, roundMinor } from './money.ts';
import type { Charge, RateSource, Tariff } from './tariff.model.ts';

/** Inputs of pricing beyond the determinants: interval data for dynamic prices, price feeds, capacity history. */
export interface ChargeContext {
  readonly imp: GridSeries;
  readonly exp?: GridSeries;
  /** Per feed, the wholesale price of each grid interval in micro-units per kWh (NaN where the feed has none). */
  readonly prices: ReadonlyMap<string, Float64Array>;
  /** Month peaks (W) of the months before the bill, by YYYY-MM, for rolling capacity charges. */
  readonly capacityHistory: ReadonlyMap<string, number>;
  readonly capacityExempt: boolean;
}

export interface LineQuality {
  readonly intervals: number;
  readonly estimated: number;
  readonly missing: number;
  readonly estimatedKwh: string;
}

/** One line of a bill: what was counted, at what rate, for how much, and from which data. */
export interface BillLine {
  readonly n: number;
  readonly charge: string;
  readonly type: Charge['type'];
  /** Tariff version and the local dates [from, to) of the bill it priced. */
  readonly version: number;
  readonly from: string;
  readonly to: string;
  readonly period?: string;
  readonly block?: number;
  readonly month?: string;
  /** Decimal string in `unit`. */
  readonly quantity: string;
  readonly unit: 'kWh' | 'kW' | 'day' | 'currency';
  /** Decimal string: per unit, or the percentage for VAT; for dynamic prices the quantity-weighted average. */
  readonly rate: string;
  /** Micro-units, rounded to the currency's minor unit. */
  readonly amount: number;
  readonly quality?: LineQuality;
  /** How it was computed, in words a customer can follow. */
  readonly explain: string;
}

const kwh = (wh: number): string => formatMicro(Math.round(wh * 1000), 3);
const kw = (w: number): string => formatMicro(Math.round(w * 1000), 3);

function qualityOf(s: ChannelSums, cells: readonly number[]): LineQuality {
  let intervals = 0, estimated = 0, missing = 0, estWh = 0;
  for (const k of cells) {
    intervals += s.intervals[k]!;
    estimated += s.estimated[k]!;
    missing += s.missing[k]!;
    estWh += s.estimatedWh[k]!;
  }
  return { intervals, estimated, missing, estimatedKwh: kwh(estWh) };
}

/** Feed price for interval i: round(multiplier × wholesale) + adder in its window, within floor and cap. */
export function feedPrice(src: Extract<RateSource, { kind: 'feed' }>, wholesale: number, minute: number): number {
  let p = Math.round((src.multiplier * wholesale) / 1_000_000);
  for (const a of src.adders) {
    const inside = a.fromMin < a.toMin ? minute >= a.fromMin && minute < a.toMin : minute >= a.fromMin || minute < a.toMin;
    if (inside) p += a.value;
  }
  if (src.floor !== undefined && p < src.floor) p = src.floor;
  if (src.cap !== undefined && p > src.cap) p = src.cap;
  return p;
}

interface FeedSum { wh: number; whTimesPrice: number; intervals: number; estimated: number; missing: number; estWh: number }

function feedSum(grid: BillGrid, v: number, src: Extract<RateSource, { kind: 'feed' }>, series: GridSeries, prices: ReadonlyMap<string, Float64Array>): FeedSum {
  const feed = prices.get(src.feed);
  const out: FeedSum = { wh: 0, whTimesPrice: 0, intervals: 0, estimated: 0, missing: 0, estWh: 0 };
  for (let i = 0; i < grid.n; i++) {
    if (grid.version[i] !== v) continue;
    const q = series.quality[i]!;
    if (q === QUALITY.N) { out.missing++; continue; }
    const wholesale = feed?.[i];
    if (wholesale === undefined || Number.isNaN(wholesale)) {
      throw new MeterstackError('PRICES_MISSING', `price feed "${src.feed}" has no price for the interval starting ${epochToIso(grid.from + i * grid.stepS)}; import the feed (meterstack prices import) and bill again`);
    }
    const wh = series.values[i]!;
    out.wh += wh;
    out.whTimesPrice += wh * feedPrice(src, wholesale, grid.minute[i]!);
    out.intervals++;
    if (q === QUALITY.S || q === QUALITY.E || q === QUALITY.F) { out.estimated++; out.estWh += wh; }
  }
  if (!Number.isSafeInteger(out.whTimesPrice)) throw new MeterstackError('INTERNAL', 'dynamic price total is outside exact integer range');
  return out;
}

const prevMonth = (ym: string): string => {
  const y = Number(ym.slice(0, 4));
  const m = Number(ym.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/**
 * Price the determinants under each tariff version in force during the bill: one group of lines
 * per version, in the order the tariff lists its charges; VAT applies to the lines before it in
 * the same version.
 */
export function priceBill(grid: BillGrid, det: Determinants, ctx: ChargeContext): BillLine[] {
  const lines: BillLine[] = [];
  const width = det.periods;
  const monthPeak = new Map(det.peaks.map((p) => [p.month, p.w]));
  const push = (l: Omit<BillLine, 'n'>): void => { lines.push({ n: lines.length + 1, ...l }); };

  grid.versions.forEach((gv, v) => {
    const t: Tariff = gv.tariff;
    const minor = t.minorUnits;
    const cur = t.currency;
    const seg = { version: gv.version, from: gv.from, to: gv.to };
    const periodCells = t.periods.map((_, p) => v * width + p);
    const imp = det.import;
    const exp = det.export;
    // Net metering: per TOU period, export offsets import; what is left over is charged or credited.
    const charged = t.periods.map((_, p) => {
      const k = v * width + p;
      const net = imp.wh[k]! - (t.netMetering && exp ? exp.wh[k]! : 0);
      return Math.max(net, 0);
    });
    const surplus = t.periods.map((_, p) => {
      const k = v * width + p;
      if (!exp) return 0;
      return t.netMetering ? Math.max(exp.wh[k]! - imp.wh[k]!, 0) : exp.wh[k]!;
    });
    const netNote = t.netMetering ? ' after netting export against import in the same period' : '';
    const first = lines.length;

    for (const c of t.charges) {
      switch (c.type) {
        case 'energy':
        case 'export': {
          const credit = c.type === 'export';
          const qty = credit ? surplus : charged;
          const sums = credit ? exp : imp;
          const sign = credit ? -1 : 1;
          if (credit && !exp) break;
          if (c.source.kind === 'tou') {
            t.periods.forEach((p, pi) => {
              const rate = (c.source as { rates: Record<string, number> }).rates[p.id]!;
              push({
                ...seg, charge: c.name, type: c.type, period: p.id, quantity: kwh(qty[pi]!), unit: 'kWh', rate: formatMicro(rate),
                amount: sign * energyAmount(qty[pi]! * rate, minor), quality: qualityOf(sums!, [periodCells[pi]!]),
                explain: `${kwh(qty[pi]!)} kWh ${credit ? 'exported' : 'used'} in ${p.name}${netNote} × ${formatMicro(rate)} ${cur}/kWh`,
              });
            });
          } else if (c.source.kind === 'flat') {
            const total = qty.reduce((a, b) => a + b, 0);
            push({
              ...seg, charge: c.name, type: c.type, quantity: kwh(total), unit: 'kWh', rate: formatMicro(c.source.rate),
              amount: sign * energyAmount(total * c.source.rate, minor), quality: qualityOf(sums!, periodCells),
              explain: `${kwh(total)} kWh ${credit ? 'exported' : 'used'}${netNote} × ${formatMicro(c.source.rate)} ${cur}/kWh`,
            });
          } else {
            const series = credit ? ctx.exp! : ctx.imp;
            const f = feedSum(grid, v, c.source, series, ctx.prices);
            const amount = sign * energyAmount(f.whTimesPrice, minor);
            const avg = f.wh > 0 ? Math.round(f.whTimesPrice / f.wh) : 0;
            push({
              ...seg, charge: c.name, type: c.type, quantity: kwh(f.wh), unit: 'kWh', rate: formatMicro(avg), amount,
              quality: { intervals: f.intervals, estimated: f.estimated, missing: f.missing, estimatedKwh: kwh(f.estWh) },
              explain: `${f.intervals} intervals ${credit ? 'exported' : 'used'} (${kwh(f.wh)} kWh), each × its own ${c.source.feed} price` +
                ` (× ${formatMicro(c.source.multiplier)}${c.source.adders.length ? ' plus time-of-day adders' : ''}${c.source.cap !== undefined ? `, capped at ${formatMicro(c.source.cap)}` : ''}); average ${formatMicro(avg)} ${cur}/kWh`,
            });
          }
          break;
        }
        case 'tiered': {
          let left = charged.reduce((a, b) => a + b, 0);
          let lower = 0;
          c.blocks.forEach((b, bi) => {
            const cap = b.upToWhPerDay === undefined ? Infinity : b.upToWhPerDay * gv.days - lower;
            const inBlock = Math.min(left, cap);
            left -= inBlock;
            const allowance = b.upToWhPerDay === undefined ? 'above the allowances' : `up to ${kwh(b.upToWhPerDay)} kWh/day × ${gv.days} days`;
            push({
              ...seg, charge: c.name, type: c.type, block: bi + 1, quantity: kwh(inBlock), unit: 'kWh', rate: formatMicro(b.rate),
              amount: energyAmount(inBlock * b.rate, minor), quality: qualityOf(imp, periodCells),
              explain: `block ${bi + 1} (${allowance}): ${kwh(inBlock)} kWh × ${formatMicro(b.rate)} ${cur}/kWh`,
            });
            if (b.upToWhPerDay !== undefined) lower = b.upToWhPerDay * gv.days;
          });
          break;
        }
        case 'capacity': {
          for (const m of grid.months) {
            const segDays = grid.days.filter((d) => d.version === v && d.date.startsWith(m.month)).length;
            if (segDays === 0) continue;
            const floor = (w: number): number => Math.max(w, c.minimumW);
            let basisW: number;
            let how: string;
            const peak = monthPeak.get(m.month) ?? 0;
            if (c.basis === 'month') {
              basisW = floor(peak);
              how = `month peak ${kw(peak)} kW${c.minimumW > 0 ? ` (at least ${kw(c.minimumW)} kW)` : ''}`;
            } else {
              const used: number[] = [floor(peak)];
              let ym = m.month;
              for (let k = 0; k < 11; k++) {
                ym = prevMonth(ym);
                const h = ctx.capacityHistory.get(ym) ?? monthPeak.get(ym);
                if (h !== undefined) used.push(floor(h));
              }
              basisW = Math.round(used.reduce((a, b) => a + b, 0) / used.length);
              how = `average of ${used.length} month peak${used.length > 1 ? 's' : ''} up to ${m.month}, each at least ${kw(c.minimumW)} kW (this month ${kw(peak)} kW)`;
            }
            const amount = ctx.capacityExempt ? 0 : roundMinor(mulDivRound(basisW * segDays, c.perKwYear, 1000 * m.daysInYear), minor);
            push({
              ...seg, charge: c.name, type: c.type, month: m.month, quantity: kw(basisW), unit: 'kW', rate: formatMicro(c.perKwYear), amount,
              explain: ctx.capacityExempt ? `exempt (social tariff); ${how}`
                : `${how} = ${kw(basisW)} kW × ${formatMicro(c.perKwYear)} ${cur}/kW/year × ${segDays}/${m.daysInYear} days`,
            });
          }
          break;
        }
        case 'standing':
          push({
            ...seg, charge: c.name, type: c.type, quantity: String(gv.days), unit: 'day', rate: formatMicro(c.perDay),
            amount: roundMinor(gv.days * c.perDay, minor), explain: `${gv.days} days × ${formatMicro(c.perDay)} ${cur}/day`,
          });
          break;
        case 'vat': {
          const base = lines.slice(first).reduce((a, l) => a + l.amount, 0);
          push({
            ...seg, charge: c.name, type: c.type, quantity: formatMicro(base), unit: 'currency', rate: formatMicro(c.percent),
            amount: roundMinor(mulDivRound(base, c.percent, 100 * 1_000_000), minor),
            explain: `${formatMicro(c.percent)} % of ${formatMicro(base)} ${cur}`,
          });
          break;
        }
      }
    }
  });
  return lines;
}
