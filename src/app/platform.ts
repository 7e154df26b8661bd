import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MeterstackError, type EpochSeconds } from '../model/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/store.port.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { createServices, VeeService, type Services } from '../services/index.ts';
import { VeeFlow } from './vee-flow.ts';
import { greenbuttonExport } from '../formats/greenbutton/greenbutton-format.ts';
import { parseOpenAdr } from '../formats/openadr/index.ts';
import type { Config } from './config.ts';

/**
 * The composition root: the only place that chooses concrete implementations (STYLE.md §13).
 * Everything else receives ports.
 */
export interface Platform {
  readonly config: Config;
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly services: Services;
  /** VEE after every commit and the day-close pass (docs/decisions/2026-11-26-vee-flow.md). */
  readonly vee: VeeFlow;
  close(): Promise<void>;
}

export async function openPlatform(config: Config, opts: { now?: () => EpochSeconds; log?: (msg: string) => void } = {}): Promise<Platform> {
  if (config.databaseUrl) {
    throw new MeterstackError('CONFIG_INVALID', 'DATABASE_URL is set, but this release has only the embedded SQLite store; unset DATABASE_URL to use SQLite in METERSTACK_DATA');
  }
  if (config.busUrl) {
    throw new MeterstackError('CONFIG_INVALID', 'BUS_URL is set, but this release has only the in-process bus; unset BUS_URL');
  }
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore({ path: join(config.dataDir, 'meterstack.db'), synchronous: config.synchronous });
  await store.migrate();
  const now = opts.now ?? ((): EpochSeconds => Math.floor(Date.now() / 1000));
  const pipeline = createPipeline({ store, now });
  const veeService = new VeeService(store, now);
  // Everything that ingests goes through the VEE flow's decorator, so every committed day is validated.
  const vee = new VeeFlow({ vee: veeService, ingest: pipeline, log: opts.log, now });
  const ingest = vee.ingestor;
  await vee.resume();
  const services = createServices({ store, ingest, now, vee: veeService, exporters: { greenbutton: greenbuttonExport }, settlement: config.settlement, openadr: parseOpenAdr });
  return {
    config, store, ingest, services, vee,
    async close() {
      await ingest.close();
      await store.close();
    },
  };
}
