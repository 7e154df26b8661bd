import { QUALITY } from '../../model/index.ts';
import type { BillGrid } from './calendar.ts';

/** One channel of an account over the grid: Wh per interval and its quality code. */
export interface GridSeries {
  readonly values: Float64Array;
  readonly quality: Uint8Array;
}

/** Sums per (grid version × TOU period), flat arrays indexed v * periods + p. */
export interface ChannelSums {
  readonly wh: Float64Array;
  /** Wh of substituted / estimated / final-substitute intervals. */
  readonly estimatedWh: Float64Array;
  readonly intervals: Uint32Array;
  readonly estimated: Uint32Array;
  readonly missing: Uint32Array;
}

export interface MonthPeak {
  readonly month: string;
  /** Highest quarter-hour average power, W (Wh in the interval × 3600 / interval length). */
  readonly w: number;
  /** Start of that interval (0 when the month has no data). */
  readonly at: number;
}

export interface Determinants {
  /** Width of the per-version rows: the most periods any version has. */
  readonly periods: number;
  readonly import: ChannelSums;
  readonly export?: ChannelSums;
  readonly peaks: readonly MonthPeak[];
}

function sums(size: number): ChannelSums {
  return {
    wh: new Float64Array(size), estimatedWh: new Float64Array(size),
    intervals: new Uint32Array(size), estimated: new Uint32Array(size), missing: new Uint32Array(size),
  };
}

/**
 * The hot loop of billing: one pass over an account's intervals, adding each into its
 * (version, period) cell. Missing intervals (N) are counted, never priced as zero silently.
 */
// Module constants rather than QUALITY.x inside the loop: the hot loop then compares small integers only.
const Q_N = QUALITY.N;
const Q_S = QUALITY.S;
const Q_E = QUALITY.E;
const Q_F = QUALITY.F;

function accumulate(grid: BillGrid, s: GridSeries, width: number, out: ChannelSums, peakWh: Float64Array, peakAt: Int32Array): void {
  const period = grid.period;
  const version = grid.version;
  const month = grid.month;
  const n = grid.n;
  const values = s.values;
  const quality = s.quality;
  const wh = out.wh;
  const estimatedWh = out.estimatedWh;
  const intervals = out.intervals;
  const estimated = out.estimated;
  const missing = out.missing;
  for (let i = 0; i < n; i++) {
    const k = version[i]! * width + period[i]!;
    const q = quality[i]!;
    if (q === Q_N) {
      missing[k]!++;
      continue;
    }
    const v = values[i]!;
    wh[k]! += v;
    intervals[k]!++;
    if (q === Q_S || q === Q_E || q === Q_F) {
      estimatedWh[k]! += v;
      estimated[k]!++;
    }
    const mo = month[i]!;
    if (v > peakWh[mo]!) {
      peakWh[mo] = v;
      peakAt[mo] = i;
    }
  }
}

export function determinants(grid: BillGrid, imp: GridSeries, exp?: GridSeries): Determinants {
  const width = Math.max(...grid.versions.map((v) => v.tariff.periods.length));
  const size = grid.versions.length * width;
  const peakWh = new Float64Array(grid.months.length).fill(-1);
  const peakAt = new Int32Array(grid.months.length).fill(-1);
  const importSums = sums(size);
  accumulate(grid, imp, width, importSums, peakWh, peakAt);
  let exportSums: ChannelSums | undefined;
  // Export peaks are not billed; they go to scratch arrays so that one loop serves both channels.
  if (exp) accumulate(grid, exp, width, (exportSums = sums(size)), new Float64Array(grid.months.length), new Int32Array(grid.months.length));
  const toW = 3600 / grid.stepS;
  const peaks = grid.months.map((m, j) => ({
    month: m.month, w: peakAt[j]! < 0 ? 0 : Math.round(peakWh[j]! * toW), at: peakAt[j]! < 0 ? 0 : grid.from + peakAt[j]! * grid.stepS,
  }));
  return { periods: width, import: importSums, ...(exportSums ? { export: exportSums } : {}), peaks };
}
