import { MeterstackError } from '../model/index.ts';
import { buildApi } from '../api/index.ts';
import type { Config } from './config.ts';
import { openPlatform } from './platform.ts';
import { savedClock, simClock, startSim, type SimRunner } from './sim-runner.ts';

export interface Running {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** `meterstack start`: store, pipeline, services, API + web, and the simulated fleet, in one process. */
export async function startAll(config: Config, log: (msg: string) => void = (m) => process.stdout.write(`${m}\n`)): Promise<Running> {
  const clock = simClock(config.sim ? config.speed : 1, Date.now, config.sim ? savedClock(config.dataDir) : undefined);
  const platform = await openPlatform(config, { now: clock.now });
  const app = buildApi({ services: platform.services, logger: process.env.METERSTACK_LOG === 'json' });
  let port: number;
  try {
    await app.listen({ port: config.port, host: config.host });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : config.port;
  } catch (e) {
    await app.close().catch(() => undefined);
    await platform.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new MeterstackError('PORT_IN_USE',
        `port ${config.port} on ${config.host} is already taken by another program; start on another port with --port ${config.port + 1} or PORT=${config.port + 1}`);
    }
    throw e;
  }
  const url = `http://${config.host}:${port}`;
  const key = await platform.services.auth.ensureInitialAdminKey(config.apiKey);
  log(`meterstack listening on ${url}  (data in ${config.dataDir}, API docs at ${url}/docs)`);
  if (key.key) {
    log(`first start: created an admin API key, shown only this once — keep it:\n  ${key.key}\nopen the console at ${url}/#key=${key.key}`);
  } else {
    log(`open the console at ${url}/ and enter your API key${key.source === 'env' ? ' (METERSTACK_API_KEY)' : ' (the one printed at the first start)'}`);
  }
  let sim: SimRunner | undefined;
  if (config.sim && config.meters > 0) {
    sim = startSim(platform, clock, log);
    void sim.ready.then(
      (r) => log(`${r.fresh ? 'history ready' : 'caught up since the last run'}: ${r.readings.toLocaleString('en')} readings stored in ${r.seconds.toFixed(1)} s; live data every 15 simulated minutes${config.speed > 1 ? ` (speed ×${config.speed})` : ''}`),
      () => undefined,
    );
  }
  return {
    url, port,
    async stop() {
      await sim?.stop();
      await app.close();
      await platform.close();
    },
  };
}
