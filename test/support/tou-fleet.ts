// A simulated fleet for TOU verification: real household load from the fleet simulator, TOU
// registers from the simulated meter firmware (src/sim/tou-registers.ts), some meters
// misconfigured on purpose, everything written to a store as the head-end would.
import {
  DAY_S, localBuckets, localDateStart, QUALITY, utcDayStart,
  type Account, type IntervalSeries, type RegisterReading,
} from '../../src/model/index.ts';
import { createFleet, FleetSimulator, OBIS_IMPORT } from '../../src/sim/index.ts';
import { misconfigure, touRegisterReadings, type TouMisconfiguration, type TouProgram } from '../../src/sim/tou-registers.ts';
import type { Store } from '../../src/store/store.port.ts';

export const AMS = 'Europe/Amsterdam';

/** A seasonal tariff with TOU windows on every working day, so season and clock faults show all year. */
export const SEASONAL_DOC = {
  id: 'test-seasonal', name: 'Seasonal peak test tariff', currency: 'EUR', effectiveFrom: '2026-01-01', holidays: 'NL',
  seasons: [{ id: 'summer', from: '04-01', to: '09-30' }, { id: 'winter', from: '10-01', to: '03-31' }],
  periods: [{ id: 'peak', name: 'Peak' }, { id: 'offpeak', name: 'Off-peak' }],
  schedule: [
    { days: ['holiday', 'weekend'], period: 'offpeak' },
    { seasons: ['winter'], days: ['weekday'], from: '07:00', to: '11:00', period: 'peak' },
    { seasons: ['winter'], days: ['weekday'], from: '17:00', to: '21:00', period: 'peak' },
    { seasons: ['summer'], days: ['weekday'], from: '11:00', to: '17:00', period: 'peak' },
    { period: 'offpeak' },
  ],
  charges: [{ type: 'energy', name: 'Supply', rates: { peak: '0.30', offpeak: '0.20' } }],
};

// The meters' own programs, written from the tariff texts by hand. NL holidays of spring 2026:
// Easter 5–6 April, King's Day 27 April, Liberation Day 5 May, Ascension 14 May, Whitsun 24–25 May.
const NL_HOLIDAYS = Object.fromEntries(['2026-04-05', '2026-04-06', '2026-04-27', '2026-05-05', '2026-05-14', '2026-05-24', '2026-05-25'].map((d) => [d, 'off']));
const WORK5 = <T>(work: T, off: T): [T, T, T, T, T, T, T] => [work, work, work, work, work, off, off];

/** nl-dubbel as a DSMR meter holds it: register 1 = dal (low), register 2 = normaal. */
export const NL_PROGRAM: TouProgram = {
  zone: AMS, clock: 'local', clockOffsetS: 0, registers: 2,
  seasons: [{ name: 'all', start: '01-01', week: WORK5('work', 'off') }],
  dayProfiles: { work: [{ at: '00:00', register: 1 }, { at: '07:00', register: 2 }, { at: '23:00', register: 1 }], off: [{ at: '00:00', register: 1 }] },
  specialDays: NL_HOLIDAYS,
};

/** SEASONAL_DOC: register 1 = peak, 2 = off-peak. */
export const SEASONAL_PROGRAM: TouProgram = {
  zone: AMS, clock: 'local', clockOffsetS: 0, registers: 2,
  seasons: [{ name: 'summer', start: '04-01', week: WORK5('sw', 'off') }, { name: 'winter', start: '10-01', week: WORK5('ww', 'off') }],
  dayProfiles: {
    ww: [{ at: '00:00', register: 2 }, { at: '07:00', register: 1 }, { at: '11:00', register: 2 }, { at: '17:00', register: 1 }, { at: '21:00', register: 2 }],
    sw: [{ at: '00:00', register: 2 }, { at: '11:00', register: 1 }, { at: '17:00', register: 2 }],
    off: [{ at: '00:00', register: 2 }],
  },
  specialDays: NL_HOLIDAYS,
};

/** The cause TOU verification should name for each injected misconfiguration. */
export const EXPECTED_CAUSE: Record<TouMisconfiguration['kind'], string> = {
  'registers-swapped': 'registers-swapped', 'no-dst': 'dst-not-applied', 'dst-applied': 'dst-applied',
  'clock-offset': 'clock-offset', 'season-single': 'wrong-season', 'season-shift': 'wrong-season',
};

export type DataIssue = 'gap-day' | 'estimated' | 'no-data' | 'no-registers';

export interface TouFleetTruth {
  readonly meterIds: readonly string[];
  /** Injected misconfiguration per faulty meter. */
  readonly faults: ReadonlyMap<string, TouMisconfiguration>;
  /** Data problems of correctly configured meters (never a reason to flag one). */
  readonly issues: ReadonlyMap<string, DataIssue>;
  readonly from: number;
  readonly to: number;
}

export interface TouFleetOptions {
  readonly meters: number;
  readonly seed?: number;
  /** Local dates [fromDate, toDate) in Europe/Amsterdam. Default 2026-03-20 … 2026-04-19 (30 days over DST and a season start). */
  readonly fromDate?: string;
  readonly toDate?: string;
  /** Share of meters per misconfiguration kind (default 0.05 each). */
  readonly faultShare?: number;
  /** Share of correct meters with each data issue (default 0.02 each). */
  readonly issueShare?: number;
  readonly tariffId?: string;
  readonly program?: TouProgram;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seed `store` with a fleet on the seasonal test tariff (added as version 1 unless there), one
 * account per meter, 15-minute import for the range and daily TOU register reads at local midnight.
 */
export async function seedTouFleet(store: Store, opts: TouFleetOptions): Promise<TouFleetTruth> {
  const seed = opts.seed ?? 2026;
  const fromDate = opts.fromDate ?? '2026-03-20';
  const toDate = opts.toDate ?? '2026-04-19';
  const tariffId = opts.tariffId ?? SEASONAL_DOC.id;
  const program = opts.program ?? SEASONAL_PROGRAM;
  const from = localDateStart(fromDate, AMS);
  const to = localDateStart(toDate, AMS);
  const n = (to - from) / 900;
  const fleet = createFleet({ seed, meters: opts.meters, zone: AMS });
  const ids = fleet.meters.map((m) => m.id);
  await store.upsertMeters(fleet.meters);
  await store.upsertChannels(fleet.channels.filter((c) => c.obis === OBIS_IMPORT));
  if ((await store.listTariffVersions(tariffId)).length === 0) {
    await store.putTariffVersion({ id: tariffId, version: 1, effectiveFrom: '2026-01-01', doc: JSON.stringify({ ...SEASONAL_DOC, id: tariffId }), createdAt: from, createdBy: 'test' });
  }
  const accounts: Account[] = ids.map((id) => ({
    id: `ACC-${id}`, name: `Customer ${id}`, timeZone: AMS, tariffId, cycleDay: 1, market: { supplier: 'SUP1', brp: 'BRP1', gridArea: 'GA1' }, createdAt: from,
  }));
  await store.upsertAccounts(accounts);
  await store.putAssignments(ids.map((id) => ({ accountId: `ACC-${id}`, meterId: id, from: from - 365 * DAY_S })));

  // Who is misconfigured how, and which correct meters have data problems.
  const rand = rng(seed ^ 0x70b);
  const order = ids.map((id) => ({ id, k: rand() })).sort((a, b) => a.k - b.k).map((x) => x.id);
  const per = Math.max(1, Math.round(opts.meters * (opts.faultShare ?? 0.05)));
  const perIssue = opts.issueShare === 0 ? 0 : Math.max(1, Math.round(opts.meters * (opts.issueShare ?? 0.02)));
  const faults = new Map<string, TouMisconfiguration>();
  const issues = new Map<string, DataIssue>();
  let next = 0;
  const kinds: TouMisconfiguration['kind'][] = ['registers-swapped', 'no-dst', 'clock-offset', 'season-single', 'season-shift'];
  for (const kind of kinds) {
    for (let j = 0; j < per && next < order.length; j++) {
      const q = 1 + Math.floor(rand() * 8);
      const days = (3 + Math.floor(rand() * 15)) * (rand() < 0.5 ? -1 : 1);
      const f: TouMisconfiguration = kind === 'registers-swapped' ? { kind, a: 1, b: 2 }
        : kind === 'clock-offset' ? { kind, seconds: q * 900 * (rand() < 0.5 ? -1 : 1) }
          : kind === 'season-single' ? { kind, season: rand() < 0.5 ? 'winter' : 'summer' }
            : kind === 'season-shift' ? { kind, days } : { kind: 'no-dst' };
      faults.set(order[next++]!, f);
    }
  }
  for (const issue of ['gap-day', 'estimated', 'no-data', 'no-registers'] as const) {
    for (let j = 0; j < perIssue && next < order.length; j++) issues.set(order[next++]!, issue);
  }

  // Import per meter over the range, from whole UTC days of the simulator.
  const truth = new Map(ids.map((id) => [id, new Float64Array(n)]));
  const sim = new FleetSimulator(fleet);
  const firstDay = utcDayStart(from);
  for (let day = firstDay; day < to; day += DAY_S) {
    const out = sim.generateDay(day);
    const batch: IntervalSeries[] = [];
    for (const s of out.series) {
      if (s.channel !== OBIS_IMPORT) continue;
      const arr = truth.get(s.meterId)!;
      for (let j = 0; j < s.values.length; j++) {
        const i = (s.start - from) / 900 + j;
        if (i >= 0 && i < n) arr[i] = s.values[j]!;
      }
    }
    for (const id of ids) {
      const lo = Math.max(day, from), hi = Math.min(day + DAY_S, to);
      const values = truth.get(id)!.slice((lo - from) / 900, (hi - from) / 900);
      const quality = new Uint8Array(values.length).fill(QUALITY.A);
      const issue = issues.get(id);
      if (issue === 'no-data') continue;
      // One local day missing, mid-range; or a morning estimated flat (keeping its total, as VEE's register-bounded estimate does).
      const mid = from + 10 * DAY_S;
      if (issue === 'gap-day' && lo <= mid && mid < hi) for (let j = 0; j < values.length; j++) if (lo + j * 900 >= mid && lo + j * 900 < mid + DAY_S) { values[j] = 0; quality[j] = QUALITY.N; }
      if (issue === 'estimated' && lo <= mid && mid < hi) {
        const a = (mid + 6 * 3600 - lo) / 900, b = a + 24;
        let sum = 0;
        for (let j = a; j < b; j++) sum += values[j]!;
        for (let j = a; j < b; j++) { values[j] = Math.floor(sum / 24) + (j - a < sum % 24 ? 1 : 0); quality[j] = QUALITY.E; }
      }
      batch.push({ meterId: id, channel: OBIS_IMPORT, start: lo, intervalS: 900, values, quality });
    }
    await store.writeSeries(batch, { source: 'test', actor: 'test' });
  }

  // The meters' TOU registers, read by the head-end at every local midnight.
  const readTimes = [...localBuckets(from, to, AMS, 'day').map((d) => d.start), to];
  const regs: RegisterReading[] = [];
  const start = rng(seed ^ 0x5eed);
  for (const id of ids) {
    if (issues.get(id) === 'no-registers') continue;
    const f = faults.get(id);
    const p = f ? misconfigure(program, f) : program;
    const series: IntervalSeries = { meterId: id, channel: OBIS_IMPORT, start: from, intervalS: 900, values: truth.get(id)!, quality: new Uint8Array(n) };
    regs.push(...touRegisterReadings(series, p, { readTimes, initial: [Math.floor(start() * 5e6), Math.floor(start() * 5e6)] }));
    if (regs.length > 50_000) await store.writeRegisters(regs.splice(0));
  }
  await store.writeRegisters(regs);
  return { meterIds: ids, faults, issues, from, to };
}
