import { QUALITY, zoneOffsetAt, type IntervalSeries } from '../model/index.ts';
import type { EpochSeconds } from '../model/time.ts';

// Hot loops read module constants with literal values: an imported binding is re-checked on every
// access, and an index computed from one is not known to be a small integer.
const DAY_S = 86_400;
const A = QUALITY.A;
const V = QUALITY.V;
const N = QUALITY.N;

/** Per local slot of the day: the meter's highest and mean actual value over its history. */
export interface HistoryPeaks {
  readonly max: Float64Array;
  readonly globalMax: number;
  /** Days' worth of actual intervals behind it. */
  readonly days: number;
}

export interface HistoryMeans {
  readonly mean: Float64Array;
  readonly count: Uint32Array;
  readonly days: number;
}

/** Local time helpers for one zone. Offsets are looked up per series, not per interval. */
export function localOffsetS(t: EpochSeconds, zone: string): number {
  return zoneOffsetAt(t, zone).offset * 60;
}

const dayOffsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset (s) if it is the same from t to t + span, else NaN. Cached per UTC day: the
 * hot path asks it for every day of every meter's history.
 */
export function constantOffsetS(t: EpochSeconds, span: number, zone: string): number {
  const day = Math.floor(t / DAY_S);
  if (t + span <= (day + 1) * DAY_S) {
    let byDay = dayOffsets.get(zone);
    if (byDay === undefined) dayOffsets.set(zone, (byDay = new Map()));
    let off = byDay.get(day);
    if (off === undefined) {
      const a = localOffsetS(day * DAY_S, zone);
      off = a === localOffsetS(day * DAY_S + DAY_S - 1, zone) ? a : Number.NaN;
      if (byDay.size > 100_000) byDay.clear();
      byDay.set(day, off);
    }
    if (off === off) return off;
  }
  const a = localOffsetS(t, zone);
  return a === localOffsetS(t + span, zone) ? a : Number.NaN;
}

/** Day of week (0 Sunday … 6 Saturday) of the local day containing t. */
export function localWeekday(t: EpochSeconds, zone: string): number {
  const day = Math.floor((t + localOffsetS(t, zone)) / DAY_S);
  return (((day + 4) % 7) + 7) % 7;
}

/** Start (UTC) of the local day containing t. */
export function localDayStart(t: EpochSeconds, zone: string): EpochSeconds {
  const off = localOffsetS(t, zone);
  const local = Math.floor((t + off) / DAY_S) * DAY_S;
  return local - localOffsetS(local - off, zone);
}

/** The same local time of day `days` days earlier (DST aware; on the grid). */
export function sameLocalTime(t: EpochSeconds, days: number, zone: string, intervalS: number): EpochSeconds {
  const back = t - days * DAY_S;
  const shifted = back + localOffsetS(t, zone) - localOffsetS(back, zone);
  return Math.round(shifted / intervalS) * intervalS;
}

/**
 * The hot loop of peaks(), a plain function of plain arguments: as a method it ran 3× slower
 * (measured in a process holding a simulated fleet). Returns the number of actual intervals seen.
 */
function slotMaxima(series: readonly IntervalSeries[], slots: number, off: number, intervalS: number, max: Float64Array): number {
  let total = 0;
  for (let j = 0; j < series.length; j++) {
    const s = series[j]!;
    const values = s.values;
    const quality = s.quality;
    const n = values.length;
    let k = Math.floor(((((s.start + off) % DAY_S) + DAY_S) % DAY_S) / intervalS) | 0;
    for (let i = 0; i < n; i++) {
      const q = quality[i];
      if (q === A || q === V) {
        const v = values[i]!;
        if (v > max[k]!) max[k] = v;
        total++;
      }
      if (++k === slots) k = 0;
    }
  }
  return total;
}

/** Actual (A/V) intervals in `quality`, counting backwards and stopping once `enough` are found. */
function countActual(quality: Uint8Array, enough: number): number {
  let n = 0;
  for (let i = quality.length - 1; i >= 0 && n < enough; i--) {
    const q = quality[i];
    if (q === A || q === V) n++;
  }
  return n;
}

function anyAtLeast(series: readonly IntervalSeries[], threshold: number): boolean {
  for (let j = series.length - 1; j >= 0; j--) {
    const s = series[j]!;
    const values = s.values;
    const quality = s.quality;
    for (let i = values.length - 1; i >= 0; i--) {
      if (values[i]! >= threshold) {
        const q = quality[i];
        if (q === A || q === V) return true;
      }
    }
  }
  return false;
}

/**
 * Earlier data of one channel, indexed by time. Only series on the window's interval length count.
 * Lookups answer NaN where nothing usable is stored.
 */
export class HistoryView {
  readonly slotsPerDay: number;
  private readonly series: readonly IntervalSeries[];
  /** Zone offset valid for every interval of the history, or NaN around a DST change. */
  private cachedOffset: number | undefined;
  private cachedPeaks: HistoryPeaks | undefined;
  private cachedMeans: HistoryMeans | undefined;

  constructor(series: readonly IntervalSeries[], readonly intervalS: number, readonly zone: string) {
    this.slotsPerDay = DAY_S / intervalS;
    let usable = true;
    let sorted = true;
    for (let k = 0; k < series.length; k++) {
      const s = series[k]!;
      if (s.intervalS !== intervalS || s.values.length === 0) usable = false;
      if (k > 0 && s.start < series[k - 1]!.start) sorted = false;
    }
    // The caller's array is used as it is unless it needs filtering or sorting (never modified).
    this.series = usable ? series : series.filter((s) => s.intervalS === intervalS && s.values.length > 0);
    if (!sorted) this.series = (this.series === series ? [...series] : this.series as IntervalSeries[]).sort((a, b) => a.start - b.start);
  }

  private lastT = Number.NaN;
  private lastOffset = 0;

  /**
   * The same local time `days` earlier. When the history has one offset throughout and t shares
   * it, that is plain arithmetic; otherwise the zone is asked (DST weeks).
   */
  sameLocalTimeBack(t: EpochSeconds, days: number): EpochSeconds {
    if (t !== this.lastT) {
      this.lastT = t;
      this.lastOffset = localOffsetS(t, this.zone);
    }
    if (this.offset === this.lastOffset) return t - days * DAY_S;
    return sameLocalTime(t, days, this.zone, this.intervalS);
  }

  private get offset(): number {
    if (this.cachedOffset === undefined) this.cachedOffset = this.viewOffset();
    return this.cachedOffset;
  }

  /**
   * Whether the history holds at least `days` days' worth of actual (A/V) intervals. Counts from the
   * most recent backwards and stops as soon as it has them: a store returns weeks of N for a new
   * meter, which must not count as history.
   */
  hasActualDays(days: number): boolean {
    const need = days * this.slotsPerDay;
    if (need <= 0) return true;
    let seen = 0;
    for (let j = this.series.length - 1; j >= 0; j--) {
      seen += countActual(this.series[j]!.quality, need - seen);
      if (seen >= need) return true;
    }
    return false;
  }

  /**
   * Whether any actual (A/V) value in the history reaches `threshold`. Scans from the most recent
   * day backwards and stops at the first: on a normal day some recent interval was higher than
   * anything today, so this reads a few days, not four weeks.
   */
  anyActualAtLeast(threshold: number): boolean {
    return anyAtLeast(this.series, threshold);
  }

  /**
   * The zone's offset (s) if it is the same over the whole history, else NaN. Looked up at both ends
   * only: two DST changes are more than 150 days apart everywhere, so equal offsets at the ends of a
   * shorter span mean no change in between. Per-series lookups cost more than the scan itself.
   */
  private viewOffset(): number {
    const ss = this.series;
    if (ss.length === 0) return 0;
    const first = ss[0]!.start;
    let last = first;
    for (const s of ss) last = Math.max(last, s.start + (s.values.length - 1) * this.intervalS);
    if (last - first > 150 * DAY_S) return Number.NaN;
    const a = localOffsetS(first, this.zone);
    return a === localOffsetS(last, this.zone) ? a : Number.NaN;
  }

  get empty(): boolean {
    return this.series.length === 0;
  }

  /** Local slot of the day of interval start t. */
  slotOf(t: EpochSeconds): number {
    const local = t + localOffsetS(t, this.zone);
    return Math.floor((((local % DAY_S) + DAY_S) % DAY_S) / this.intervalS) | 0;
  }

  private find(t: EpochSeconds): IntervalSeries | undefined {
    const ss = this.series;
    let lo = 0;
    let hi = ss.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = ss[mid]!;
      if (t < s.start) hi = mid - 1;
      else if (t >= s.start + s.values.length * this.intervalS) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** Actual (A or V) value of the interval starting at t, or NaN. */
  actualAt(t: EpochSeconds): number {
    const s = this.find(t);
    if (s === undefined) return Number.NaN;
    const i = (t - s.start) / this.intervalS;
    const q = s.quality[i];
    return q === A || q === V ? s.values[i]! : Number.NaN;
  }

  /** Intervals counted by the last sumStored call. */
  lastCount = 0;

  /** Sum of the stored (not missing) values of `count` intervals from t; their number goes to lastCount. */
  sumStored(t: EpochSeconds, count: number): number {
    let sum = 0;
    let found = 0;
    const end = t + count * this.intervalS;
    while (t < end) {
      const s = this.find(t);
      if (s === undefined) { t += this.intervalS; continue; }
      const i0 = (t - s.start) / this.intervalS;
      const i1 = Math.min(s.values.length, i0 + (end - t) / this.intervalS);
      for (let i = i0; i < i1; i++) {
        if (s.quality[i] !== N) { sum += s.values[i]!; found++; }
      }
      t += (i1 - i0) * this.intervalS;
    }
    this.lastCount = found;
    return sum;
  }

  /** Any stored value (actual or estimated) of the interval starting at t, or NaN if missing. */
  valueAt(t: EpochSeconds): number {
    const s = this.find(t);
    if (s === undefined) return Number.NaN;
    const i = (t - s.start) / this.intervalS;
    return s.quality[i] === N ? Number.NaN : s.values[i]!;
  }

  /**
   * Local slot of the day of every interval of a history series, into `out`. Offsets are looked up
   * once per series unless a DST change falls inside it.
   */
  private slotsOf(series: IntervalSeries, out: Int32Array): void {
    const n = series.values.length;
    const iS = this.intervalS;
    const offRaw = this.offset === this.offset ? this.offset : constantOffsetS(series.start, (n - 1) * iS, this.zone);
    const constant = offRaw === offRaw;
    let slot = constant ? Math.floor(((((series.start + (offRaw | 0)) % DAY_S) + DAY_S) % DAY_S) / iS) | 0 : 0;
    for (let i = 0; i < n; i++) {
      if (!constant) slot = this.slotOf(series.start + i * iS);
      out[i] = slot;
      if (++slot === this.slotsPerDay) slot = 0;
    }
  }

  /** Calls visit(slot, value) for every actual (A/V) interval of the history: the general, DST-proof path. */
  private eachActual(visit: (slot: number, value: number) => void): void {
    for (const s of this.series) {
      const slotOf = new Int32Array(s.values.length);
      this.slotsOf(s, slotOf);
      for (let i = 0; i < slotOf.length; i++) {
        const q = s.quality[i];
        if (q === A || q === V) visit(slotOf[i]!, s.values[i]!);
      }
    }
  }

  /**
   * Slot maxima of the actual values (the typical peak per time of day), computed once per view.
   * Hot path: no closures here, so that the loop's variables stay in registers.
   */
  peaks(): HistoryPeaks {
    if (this.cachedPeaks) return this.cachedPeaks;
    const slots = this.slotsPerDay | 0;
    const max = new Float64Array(slots);
    let total = 0;
    if (this.offset === this.offset) {
      total = slotMaxima(this.series, slots, this.offset | 0, this.intervalS | 0, max);
    } else {
      this.eachActual((k, v) => {
        if (v > max[k]!) max[k] = v;
        total++;
      });
    }
    let globalMax = 0;
    for (let k = 0; k < slots; k++) if (max[k]! > globalMax) globalMax = max[k]!;
    this.cachedPeaks = { max, globalMax, days: total / slots };
    return this.cachedPeaks;
  }

  /** Slot means of the actual values (the average daily load shaped by the time of day). */
  means(): HistoryMeans {
    if (this.cachedMeans) return this.cachedMeans;
    const slots = this.slotsPerDay;
    const sum = new Float64Array(slots);
    const count = new Uint32Array(slots);
    let total = 0;
    this.eachActual((k, v) => {
      sum[k] += v;
      count[k]++;
      total++;
    });
    const mean = new Float64Array(slots);
    for (let k = 0; k < slots; k++) mean[k] = count[k]! > 0 ? sum[k]! / count[k]! : 0;
    this.cachedMeans = { mean, count, days: total / slots };
    return this.cachedMeans;
  }
}
