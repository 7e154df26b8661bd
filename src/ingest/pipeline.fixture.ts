import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Meter } from '../model/meter.ts';
import type { Store } from '../store/store.port.ts';

/** 2026-11-26T12:00:00Z: the pipeline tests' receiving clock. */
export const NOW = 1_795_694_400;
export const now = (): number => NOW;

export const meter = (id: string): Meter => ({ id, kind: 'electricity', timeZone: 'Europe/Amsterdam', status: 'active' });

export interface TestStore {
  readonly store: Store;
  close(): Promise<void>;
}

export type OpenStore = (opts: { path: string; clock: () => number }) => Store;

/**
 * A real store in a temporary folder, with meters registered. The test passes the opener
 * (openSqliteStore): only tests may name a concrete store.
 */
export async function openTestStore(open: OpenStore, meterIds: readonly string[] = ['SIM000001', 'SIM000002', 'SIM000003']): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-ingest-'));
  const store = open({ path: join(dir, 'meterstack.db'), clock: now });
  await store.upsertMeters(meterIds.map(meter));
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const json = (body: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(body));

/** A gate a test opens to let a stalled store call go on. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => { open = r; });
  return { promise, open };
}

/** The real store with ingest() wrapped, for failure injection and call counting. */
export function wrapIngest(store: Store, wrap: (units: Parameters<Store['ingest']>[0], real: () => ReturnType<Store['ingest']>) => ReturnType<Store['ingest']>): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'ingest') return (units: Parameters<Store['ingest']>[0], ctx: Parameters<Store['ingest']>[1]) => wrap(units, () => target.ingest(units, ctx));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
