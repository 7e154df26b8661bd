import { join } from 'node:path';
import { DAY_S } from '../src/model/index.ts';
import { createPipeline } from '../src/ingest/pipeline.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { ReplayGuard, SendCounters, SoftwareKeyStore } from '../src/protocols/dlms/security/index.ts';
import { createFleet, FleetDataSource, FleetSimulator, fleetKeyStoreData } from '../src/sim/index.ts';
import { startDlmsMeters } from '../src/sim/dlms/meter-server.ts';
import { DlmsReader, initialCursor } from '../src/headend/dlms-reader.ts';
import { ReadScheduler } from '../src/headend/scheduler.ts';
import { type Bench, round, seconds } from './harness.ts';
import { tempDir } from './fixtures.ts';

const METERS = Number(process.env.BENCH_METERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const DAY0 = Date.UTC(2026, 8, 14) / 1000;

/**
 * The day's load profile of a simulated fleet, read over loopback TCP with suite 0 (HLS-GMAC,
 * authenticated encryption), each meter on its own 127.10.x.y address, into the ingest pipeline.
 * Baseline: the same day generated in-process and submitted straight to the pipeline.
 */
export const dlmsFleet: Bench = {
  name: 'dlms-fleet',
  async run() {
    const fleet = createFleet({ seed: 'dlms-fleet', meters: METERS });
    const source = new FleetDataSource(fleet, { start: DAY0 - DAY_S });
    const now = DAY0 + DAY_S;
    const meters = await startDlmsMeters({ fleet, source, clock: () => now, port: 4059 });
    const tmp = tempDir('dlms-fleet');
    const sink = (): void => {};
    try {
      const open = async (name: string) => {
        const store = openSqliteStore({ path: join(tmp.dir, `${name}.db`), clock: () => now });
        await store.upsertMeters(fleet.meters);
        await store.upsertChannels(fleet.channels);
        return { store, ingestor: createPipeline({ store, now: () => now }) };
      };
      const dlms = await open('dlms');
      const reader = new DlmsReader({
        keyStore: SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet)),
        clientSystemTitle: Uint8Array.from(Buffer.from('4D53480000000001', 'hex')),
        sendCounters: new SendCounters({ sink }), replayGuard: new ReplayGuard({ sink }), now: () => now,
        connectTimeoutMs: 10_000, requestTimeoutMs: 10_000,
      });
      const scheduler = new ReadScheduler({ reader, ingestor: dlms.ingestor, initialCursor: () => initialCursor(DAY0), concurrency: CONCURRENCY, now: () => now });
      const targets = fleet.meters.map((m) => meters.endpoints.get(m.id)!);
      const t0 = process.hrtime.bigint();
      const report = await scheduler.run(targets);
      const elapsed = seconds(t0);
      if (report.succeeded !== METERS) throw new Error(`${METERS - report.succeeded} meters failed: ${report.results.find((r) => !r.ok)?.error?.message}`);
      const written = report.results.reduce((n, r) => n + (r.ingest?.written ?? 0), 0);

      const direct = await open('direct');
      const b0 = process.hrtime.bigint();
      const out = new FleetSimulator(fleet, { start: DAY0 - DAY_S }).intervalsBetween(DAY0, DAY0 + DAY_S);
      await direct.ingestor.submitDecoded({ source: 'bench', series: out.series, registers: out.registers });
      const baseElapsed = seconds(b0);
      for (const x of [dlms, direct]) { await x.ingestor.close(); await x.store.close(); }
      return {
        name: 'dlms-fleet',
        figures: { seconds_10k_meters: round((elapsed * 10_000) / METERS, 1), meters_per_s: Math.round(METERS / elapsed), ratio_vs_direct: round(elapsed / baseElapsed, 1) },
        targets: { seconds_10k_meters: '<= 60' },
        baseline: { direct_seconds: round(baseElapsed, 2) },
        notes: `${METERS} meters (each its own loopback address, HLS-GMAC + authenticated encryption), concurrency ${CONCURRENCY}, meters and head-end in one process: ${written.toLocaleString('en')} intervals stored in ${round(elapsed, 1)} s. Baseline: the same day generated and submitted in-process.`,
      };
    } finally {
      await meters.close();
      tmp.cleanup();
    }
  },
};
