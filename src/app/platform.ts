import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MeterstackError, type EpochSeconds } from '../model/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { Store } from '../store/store.port.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';
import { createServices, type Services } from '../services/index.ts';
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
  close(): Promise<void>;
}

export async function openPlatform(config: Config, opts: { now?: () => EpochSeconds } = {}): Promise<Platform> {
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
  const ingest = createPipeline({ store, now });
  const services = createServices({ store, ingest, now });
  return {
    config, store, ingest, services,
    async close() {
      await ingest.close();
      await store.close();
    },
  };
}
