import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DAY_S, type Obis } from '../model/index.ts';
import { MeterstackError } from '../model/errors.ts';
import { QUALITY } from '../model/quality.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import type { IngestResult, Ingestor } from '../ingest/ingest.port.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/store.port.ts';
import { ReplayGuard, SendCounters, SoftwareKeyStore } from '../protocols/dlms/security/index.ts';
import { createFleet, FleetDataSource, FleetSimulator, fleetKeyStoreData, OBIS_EXPORT, OBIS_IMPORT } from '../sim/index.ts';
import { startDlmsMeters, type DlmsMeterFleet } from '../sim/dlms/meter-server.ts';
import { DlmsReader, initialCursor, type MeterTarget } from './dlms-reader.ts';
import { ReadScheduler, type ReadSchedulerOptions } from './scheduler.ts';

const DAY0 = Date.UTC(2026, 8, 14) / 1000;
const COMMISSIONED = DAY0 - DAY_S;
const fleet = createFleet({ seed: 'headend-scheduler', meters: 60 });
const source = new FleetDataSource(fleet, { start: COMMISSIONED });
const simOut = new FleetSimulator(fleet, { start: COMMISSIONED }).intervalsBetween(COMMISSIONED, DAY0 + DAY_S);
const served = fleet.meters.slice(0, 50).map((m) => m.id);
const hasExport = new Set(fleet.profiles.filter((p) => p.pv !== null).map((p) => p.meterId));
const sink = (): void => {};
let now = DAY0 + DAY_S;
let meters: DlmsMeterFleet;

function simValues(meterId: string, channel: string, from: number, n: number): number[] {
  const out = new Array<number>(n).fill(NaN);
  for (const s of simOut.series) {
    if (s.meterId !== meterId || s.channel !== channel) continue;
    s.values.forEach((v, j) => {
      const i = (s.start + j * s.intervalS - from) / s.intervalS;
      if (i >= 0 && i < n) out[i] = v;
    });
  }
  return out;
}

interface Rig {
  readonly store: Store;
  readonly ingestor: Ingestor;
  readonly reader: DlmsReader;
  close(): Promise<void>;
}

/** A head-end of its own (own system title and counters: the meters remember what each title sent). */
async function rig(headend: number): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-headend-'));
  const store = openSqliteStore({ path: join(dir, 'meterstack.db'), clock: () => now });
  await store.upsertMeters(fleet.meters);
  await store.upsertChannels(fleet.channels);
  const ingestor = createPipeline({ store, now: () => now });
  const reader = new DlmsReader({
    keyStore: SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet)),
    clientSystemTitle: Uint8Array.from(Buffer.from(`4D534800000000${headend.toString(16).padStart(2, '0')}`, 'hex')),
    sendCounters: new SendCounters({ sink }),
    replayGuard: new ReplayGuard({ sink }),
    now: () => now,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
  });
  return {
    store, ingestor, reader,
    async close() {
      await ingestor.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function targets(ids: readonly string[]): MeterTarget[] {
  return ids.map((meterId) => {
    const { host, port } = meters.endpoints.get(meterId)!;
    return { meterId, host, port };
  });
}

/** The store holds exactly the simulator's import (and export) values of the day, all actual. */
async function assertStoreHoldsDay(store: Store, ids: readonly string[]): Promise<void> {
  for (const meterId of ids) {
    const channels: Obis[] = hasExport.has(meterId) ? [OBIS_IMPORT, OBIS_EXPORT] : [OBIS_IMPORT];
    for (const ch of channels) {
      const s = await store.readSeries(meterId, ch, DAY0, DAY0 + DAY_S);
      assert.deepEqual([...s.values], simValues(meterId, ch, DAY0, 96), `${meterId} ${ch}`);
      assert.ok([...s.quality].every((q) => q === QUALITY.A), `${meterId} ${ch}: every interval actual`);
    }
  }
}

const expectedIntervals = (ids: readonly string[], perChannel: number): number =>
  ids.reduce((n, id) => n + perChannel * (hasExport.has(id) ? 2 : 1), 0);

before(async () => {
  meters = await startDlmsMeters({ fleet, source, meterIds: served, port: 0, clock: () => now });
});
after(async () => {
  await meters.close();
});

test('50 meters, concurrency 8, into a real pipeline: the store holds exactly the simulator\'s day', async () => {
  now = DAY0 + DAY_S;
  const r = await rig(1);
  try {
    let inFlight = 0;
    let maxInFlight = 0;
    const counting: ReadSchedulerOptions['reader'] = {
      read: async (t, c) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await r.reader.read(t, c);
        } finally {
          inFlight--;
        }
      },
    };
    const scheduler = new ReadScheduler({ reader: counting, ingestor: r.ingestor, initialCursor: () => initialCursor(DAY0), concurrency: 8, now: () => now });
    const report = await scheduler.run(targets(served));
    assert.equal(report.succeeded, 50, JSON.stringify(report.results.filter((x) => !x.ok).map((x) => x.error?.message)));
    assert.ok(maxInFlight <= 8 && maxInFlight > 1, `max in flight ${maxInFlight}`);
    const written = report.results.reduce((n, x) => n + (x.ingest?.written ?? 0), 0);
    assert.equal(written, expectedIntervals(served, 96));
    assert.ok(report.results.every((x) => x.ingest?.rejected.length === 0 && x.ingest.unchanged === 0));
    await assertStoreHoldsDay(r.store, served);
    for (const id of served) {
      const st = scheduler.stats(id);
      assert.equal(st.attempts, 1);
      assert.equal(st.successes, 1);
      assert.equal(st.failures, 0);
      assert.equal(st.lastSuccessAt, now);
      assert.ok(st.rtt.count === 6 && st.rtt.maxMs > 0, `${st.rtt.count} round trips`);
      assert.equal(scheduler.cursor(id).profileThrough, DAY0 + DAY_S);
    }
    // state is plain data: a scheduler resumed from its JSON has nothing new to read
    const resumed = new ReadScheduler({
      reader: r.reader, ingestor: r.ingestor, initialCursor: () => initialCursor(DAY0), now: () => now,
      state: JSON.parse(JSON.stringify(scheduler.state())),
    });
    const again = await resumed.run(targets(served.slice(0, 5)));
    assert.equal(again.succeeded, 5);
    assert.ok(again.results.every((x) => x.ingest?.written === 0 && x.ingest.unchanged === 0), 'no interval read twice');
  } finally {
    await r.close();
  }
});

test('a meter stopped mid-run is retried with backoff and resumes without gaps or duplicates; a failed submit re-reads the same range', async () => {
  const r = await rig(2);
  const ids = served.slice(0, 12);
  const down = ids[3]!;
  const flaky = ids[7]!;
  try {
    const results: IngestResult[] = [];
    let failNext = false;
    const ingestor: ReadSchedulerOptions['ingestor'] = {
      submitDecoded: async (msg) => {
        if (failNext && msg.source === `dlms:${flaky}`) {
          failNext = false;
          throw new MeterstackError('INGEST_STORE_FAILED', 'injected: the store is away');
        }
        const res = await r.ingestor.submitDecoded(msg);
        results.push(res);
        return res;
      },
    };
    let restart: Promise<void> = Promise.resolve();
    const delays: number[] = [];
    const scheduler = new ReadScheduler({
      reader: r.reader, ingestor, initialCursor: () => initialCursor(DAY0), concurrency: 4, now: () => now,
      maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200, random: () => 0.5,
      onRetry: (meterId, attempt, _err, ms) => {
        if (ms !== null) delays.push(ms);
        if (meterId === down && attempt === 2) restart = meters.start(down);
      },
      sleep: async (ms) => {
        await restart;
        await delay(ms);
      },
    });

    now = DAY0 + 10 * 3600;
    const first = await scheduler.run(targets(ids));
    assert.equal(first.succeeded, ids.length);

    await meters.stop(down);
    assert.equal(meters.isRunning(down), false);
    failNext = true;
    now = DAY0 + DAY_S;
    const second = await scheduler.run(targets(ids));
    assert.equal(second.succeeded, ids.length);
    assert.ok(meters.isRunning(down));

    const d = second.results.find((x) => x.meterId === down)!;
    assert.equal(d.attempts, 3, 'two refused connections, then the read');
    const ds = scheduler.stats(down);
    assert.equal(ds.failures, 2);
    assert.equal(ds.successes, 2);
    assert.equal(ds.attempts, 4);
    assert.equal(ds.lastErrorCode, 'DLMS_TRANSPORT_REFUSED');
    assert.equal(ds.lastErrorStage, 'connect');

    const f = second.results.find((x) => x.meterId === flaky)!;
    assert.equal(f.attempts, 2);
    assert.equal(scheduler.stats(flaky).lastErrorCode, 'INGEST_STORE_FAILED');
    assert.equal(scheduler.stats(flaky).lastErrorStage, 'ingest');
    // backoff: 20·2^(n−1) ms, jittered to ¾ with random 0.5
    assert.deepEqual(delays.sort((a, b) => a - b), [15, 15, 30]);

    // every interval of the day written exactly once over both runs, nothing twice
    assert.equal(results.reduce((n, x) => n + x.written, 0), expectedIntervals(ids, 96));
    assert.equal(results.reduce((n, x) => n + x.unchanged + x.versioned, 0), 0);
    await assertStoreHoldsDay(r.store, ids);
  } finally {
    if (!meters.isRunning(down)) await meters.start(down);
    await r.close();
  }
});
