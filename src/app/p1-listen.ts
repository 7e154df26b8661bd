import type { Config } from './config.ts';
import { openPlatform } from './platform.ts';
import { listenP1, type P1ListenOptions, type P1Stats, type P1TelegramResult } from '../headend/dsmr-p1.ts';
import type { P1Status } from '../protocols/dsmr/transport-tcp.ts';

export type { P1Stats, P1Status, P1TelegramResult };

export type P1ListenRequest = Omit<P1ListenOptions, 'ingest' | 'registerNew'>;

/**
 * `meterstack p1 listen`: the platform on its data directory, the P1 head-end reading a gateway
 * into its ingest pipeline until the signal aborts, then a clean close (queued telegrams committed).
 */
export async function runP1Listen(config: Config, req: P1ListenRequest): Promise<P1Stats> {
  const platform = await openPlatform(config);
  try {
    return await listenP1({
      ...req,
      ingest: platform.services.ingest,
      registerNew: (meters, channels) => platform.services.meters.registerNew(meters, channels, 'p1', Math.floor(Date.now() / 1000)),
    });
  } finally {
    await platform.close();
  }
}
