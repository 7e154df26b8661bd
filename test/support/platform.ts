import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../src/api/index.ts';
import { greenbuttonExport } from '../../src/formats/greenbutton/greenbutton-format.ts';
import { createPipeline } from '../../src/ingest/index.ts';
import { isoToEpoch, type Meter } from '../../src/model/index.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import type { Store } from '../../src/store/store.port.ts';
import { seedFleet, tempStore } from './sqlite-fleet.ts';

/** The receiving clock of API tests: after every seeded interval, so nothing is "in the future". */
export const NOW = isoToEpoch('2026-04-01T12:00:00Z');

/** Real store, real pipeline, real services and the Fastify app, as the composition root wires them. */
export interface Platform {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly store: Store;
  readonly meters: Meter[];
  /** An admin key, as `ensureInitialAdminKey` creates on the first start. */
  readonly adminKey: string;
  readonly auth: { authorization: string };
  /** Everything the app logged, for checks that secrets stay out of logs. */
  readonly logs: () => string;
  close(): Promise<void>;
}

export async function platform(meterCount = 12): Promise<Platform> {
  const t = tempStore(() => NOW);
  const meters = await seedFleet(t.store, meterCount);
  const ingest = createPipeline({ store: t.store, now: () => NOW });
  const services = createServices({ store: t.store, ingest, now: () => NOW, exporters: { greenbutton: greenbuttonExport } });
  const { key } = await services.auth.ensureInitialAdminKey();
  let logged = '';
  const stream = new Writable({ write(chunk, _enc, cb) { logged += String(chunk); cb(); } });
  const app = buildApi({ services, logger: { stream, level: 'debug' } });
  await app.ready();
  return {
    app, services, store: t.store, meters, adminKey: key!, auth: { authorization: `Bearer ${key}` },
    logs: () => logged,
    close: async () => {
      await app.close();
      await ingest.close();
      await t.close();
    },
  };
}
