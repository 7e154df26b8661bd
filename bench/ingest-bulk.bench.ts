import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { createPipeline } from '../src/ingest/pipeline.ts';
import { type Bench, round, seconds } from './harness.ts';
import { dbBytes, readingsIn, RowStore, simDays, tempDir } from './fixtures.ts';

const METERS = Number(process.env.BENCH_METERS ?? 5000);
const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const SERIES_PER_MESSAGE = 2000;

/** Day blocks of 15-minute data for many meters through the whole pipeline into SQLite. */
export const ingestBulk: Bench = {
  name: 'ingest-bulk',
  async run() {
    const { fleet, days } = simDays(METERS, DAYS);
    const total = days.reduce((n, d) => n + readingsIn(d.series), 0);
    const tmp = tempDir('bulk');
    try {
      const path = join(tmp.dir, 'meterstack.db');
      const store = openSqliteStore({ path });
      await store.upsertTopology(fleet.topology);
      await store.upsertMeters(fleet.meters);
      await store.upsertChannels(fleet.channels);
      const pipeline = createPipeline({ store, now: () => Date.UTC(2027, 0, 1) / 1000 });

      const t0 = process.hrtime.bigint();
      const acks: Promise<unknown>[] = [];
      for (const day of days) {
        for (let i = 0; i < day.series.length; i += SERIES_PER_MESSAGE) {
          acks.push(pipeline.submitDecoded({ source: 'bench', series: day.series.slice(i, i + SERIES_PER_MESSAGE) }));
        }
      }
      const results = await Promise.all(acks) as { written: number }[];
      const elapsed = seconds(t0);
      const written = results.reduce((n, r) => n + r.written, 0);
      if (written !== total) throw new Error(`stored ${written} of ${total} readings`);
      await pipeline.close();
      await store.close();
      const bytes = dbBytes(path);

      // Baselines: the same readings, in the same order and transaction sizes, as one row each.
      const baseline = (keys: 'text' | 'int') => {
        const file = join(tmp.dir, `rows-${keys}.db`);
        const rows = new RowStore(file, keys);
        const b0 = process.hrtime.bigint();
        for (const day of days) {
          for (let i = 0; i < day.series.length; i += SERIES_PER_MESSAGE) rows.writeSeries(day.series.slice(i, i + SERIES_PER_MESSAGE));
        }
        const rate = total / seconds(b0);
        rows.close();
        return { rate, bytes: dbBytes(file) / total };
      };
      const text = baseline('text');
      const int = baseline('int');
      const rate = total / elapsed;
      return {
        name: 'ingest-bulk',
        figures: {
          readings_per_s: Math.round(rate), bytes_per_reading: round(bytes / total),
          ratio_vs_row_insert: round(rate / text.rate, 1), ratio_vs_row_insert_int_keys: round(rate / int.rate, 1),
        },
        targets: { readings_per_s: '>= 2000000', bytes_per_reading: '<= 2', ratio_vs_row_insert: '>= 10' },
        baseline: {
          row_insert_readings_per_s: Math.round(text.rate), row_insert_bytes_per_reading: round(text.bytes, 1),
          row_insert_int_keys_readings_per_s: Math.round(int.rate), row_insert_int_keys_bytes_per_reading: round(int.bytes, 1),
        },
        notes: `${METERS} simulated meters × ${DAYS} days (${total.toLocaleString('en')} readings: import, PV export, voltages) through submitDecoded → normalize → integrity → dedupe → SQLite blocks, the baseline loads the same readings.`,
      };
    } finally {
      tmp.cleanup();
    }
  },
};
