import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { createFleet, FleetSimulator, OBIS_IMPORT } from '../src/sim/index.ts';
import { DAY_S } from '../src/model/index.ts';
import { type Bench, median, round } from './harness.ts';
import { RowStore, simDays, tempDir } from './fixtures.ts';

const FLEET = 1000;
const YEAR_START = Date.UTC(2025, 0, 1) / 1000;
const MONTH_START = Date.UTC(2026, 0, 5) / 1000;
const MONTH_DAYS = 31;
const ZONE = 'Europe/Amsterdam';

function timeMs(runs: number, fn: () => unknown): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(xs);
}

async function timeMsAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(xs);
}

/** Read paths: one meter-year of quarter-hours, and daily totals of a fleet over a month. */
export const query: Bench = {
  name: 'query',
  async run() {
    const tmp = tempDir('query');
    try {
      const store = openSqliteStore({ path: join(tmp.dir, 'meterstack.db'), cacheIntervals: 0 });
      const rows = new RowStore(join(tmp.dir, 'rows.db'));
      // One meter, a year.
      const one = createFleet({ seed: 3, meters: 1 });
      const sim = new FleetSimulator(one);
      await store.upsertMeters(one.meters);
      for (let d = 0; d < 365; d++) {
        const out = sim.generateDay(YEAR_START + d * DAY_S).series.filter((s) => s.channel === OBIS_IMPORT);
        await store.writeSeries(out, { source: 'bench', actor: 'bench' });
        rows.writeSeries(out);
      }
      const meter = one.meters[0]!.id;
      const yearEnd = YEAR_START + 365 * DAY_S;
      const meterYear = await timeMsAsync(51, () => store.readSeries(meter, OBIS_IMPORT, YEAR_START, yearEnd));
      const meterId = rows.id(meter);
      const channelId = rows.id(OBIS_IMPORT);
      const rowYear = rows.db.prepare('SELECT t, value, quality FROM reading WHERE meter = ? AND channel = ? AND t > ? AND t <= ? ORDER BY t');
      const baseYear = timeMs(21, () => rowYear.all(meterId, channelId, YEAR_START, yearEnd));

      // A fleet, a month of local days.
      const { fleet, days } = simDays(FLEET, MONTH_DAYS, MONTH_START);
      await store.upsertMeters(fleet.meters);
      for (const day of days) {
        const imp = day.series.filter((s) => s.channel === OBIS_IMPORT);
        await store.writeSeries(imp, { source: 'bench', actor: 'bench' });
        rows.writeSeries(imp);
      }
      const ids = fleet.meters.map((m) => m.id);
      const from = MONTH_START + DAY_S - 3600;
      const to = from + (MONTH_DAYS - 2) * DAY_S;
      const monthly = await timeMsAsync(11, async () => {
        const totals = await store.localTotals({ meterIds: ids, channel: OBIS_IMPORT, from, to, zone: ZONE, period: 'day', groupBy: 'meter' });
        if (totals.length !== FLEET * (MONTH_DAYS - 2)) throw new Error(`expected ${FLEET * (MONTH_DAYS - 2)} daily totals, got ${totals.length}`);
      });
      // The row baseline gets a fixed +1 h offset instead of real zone rules: that flatters it.
      const rowMonth = rows.db.prepare('SELECT meter, (t - 1 + 3600) / 86400 AS day, SUM(value) AS total, COUNT(*) AS n FROM reading WHERE channel = ? AND t > ? AND t <= ? GROUP BY meter, day');
      const baseMonth = timeMs(5, () => rowMonth.all(channelId, from, to));
      rows.close();
      await store.close();
      return {
        name: 'query',
        figures: {
          meter_year_ms: round(meterYear, 2),
          fleet_month_daily_ms: round(monthly, 1),
          ratio_meter_year_vs_rows: round(baseYear / meterYear, 1),
          ratio_fleet_month_vs_rows: round(baseMonth / monthly, 1),
        },
        targets: { meter_year_ms: '<= 5 (median)', fleet_month_daily_ms: '<= 200' },
        baseline: { row_meter_year_ms: round(baseYear, 2), row_fleet_month_daily_ms: round(baseMonth, 1) },
        notes: `meter-year: 35,040 quarter-hours read back (block cache off); fleet month: ${FLEET} meters × ${MONTH_DAYS - 2} local days in ${ZONE}, per-meter daily totals with expected/estimated counts.`,
      };
    } finally {
      tmp.cleanup();
    }
  },
};
