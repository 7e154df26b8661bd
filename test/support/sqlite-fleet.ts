import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  localDateStart, obis, QUALITY, type EpochSeconds, type IntervalSeries, type Meter, type Topology,
} from '../../src/model/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.port.ts';

/** A real SQLite store in a temp dir, for medium tests of services and the API. */
export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  close(): Promise<void>;
}

export function tempStore(clock?: () => EpochSeconds): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-medium-'));
  const store = openSqliteStore({ path: join(dir, 'meterstack.db'), ...(clock ? { clock } : {}) });
  return {
    store, dir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ZONE = 'Europe/Amsterdam';
export const IMPORT = obis('1-0:1.8.0');
/** Local days seeded by default: around the spring DST change (2026-03-29 has 92 quarter-hours). */
export const FIRST_DAY = '2026-03-28';
export const DAYS = 3;

export const TOPOLOGY: Topology = {
  feeders: [{ id: 'F1', name: 'North' }, { id: 'F2', name: 'South' }],
  transformers: [
    { id: 'T1', feederId: 'F1', ratingKva: 400 },
    { id: 'T2', feederId: 'F1', ratingKva: 250 },
    { id: 'T3', feederId: 'F2', ratingKva: 630 },
  ],
};

/** Meter i: transformer T(1 + i % 3), tags by parity, value per quarter-hour = i + 1 Wh. */
export function fleetMeters(n: number): Meter[] {
  return Array.from({ length: n }, (_, i) => {
    const t = TOPOLOGY.transformers[i % 3]!;
    return {
      id: `E${String(i + 1).padStart(4, '0')}`, kind: 'electricity', status: i % 5 === 4 ? 'inactive' : 'active',
      timeZone: ZONE, grid: { feederId: t.feederId, transformerId: t.id, phase: '3ph' },
      tags: i % 2 === 0 ? ['household'] : ['household', 'pv'],
    } satisfies Meter;
  });
}

/** The local date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Quarter-hours of every meter over the seeded local days (DST days included: 92 on 2026-03-29).
 * Meter 0's first interval is estimated and its second missing, so quality counts have something
 * to count.
 */
export function fleetSeries(meters: readonly Meter[], firstDay = FIRST_DAY, days = DAYS): IntervalSeries[] {
  const start = localDateStart(firstDay, ZONE);
  const n = (localDateStart(addDays(firstDay, days), ZONE) - start) / 900;
  return meters.map((m, i) => {
    const values = new Float64Array(n).fill(i + 1);
    const quality = new Uint8Array(n).fill(QUALITY.A);
    if (i === 0) {
      quality[0] = QUALITY.E;
      quality[1] = QUALITY.N;
      values[1] = 0;
    }
    return { meterId: m.id, channel: IMPORT, start, intervalS: 900, values, quality };
  });
}

export async function seedFleet(store: Store, n = 12): Promise<Meter[]> {
  const meters = fleetMeters(n);
  await store.upsertTopology(TOPOLOGY);
  await store.upsertMeters(meters);
  await store.writeSeries(fleetSeries(meters), { source: 'test', actor: 'test' });
  return meters;
}
