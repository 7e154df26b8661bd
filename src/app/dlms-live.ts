import { type EpochSeconds } from '../model/index.ts';
import { ReplayGuard, SendCounters, SoftwareKeyStore, type SecurityEvent } from '../protocols/dlms/security/index.ts';
import { FleetDataSource, fleetKeyStoreData, type Fleet } from '../sim/index.ts';
import { startDlmsMeters, type DlmsMeterFleet } from '../sim/dlms/meter-server.ts';
import { DlmsReader, initialCursor } from '../headend/dlms-reader.ts';
import { ReadScheduler } from '../headend/scheduler.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';

/** The head-end's system title ('MSH' + 5 octets): the simulated meters know it from the first AARQ. */
const HEADEND_TITLE = Uint8Array.from(Buffer.from('4D53480000000001', 'hex'));

export interface DlmsLive {
  /** Reads every meter's profile, registers and events up to `now`; resolves with the intervals stored. */
  readAll(): Promise<{ intervals: number; failed: number; seconds: number }>;
  close(): Promise<void>;
}

/**
 * Live data the way a utility gets it: every simulated meter is a DLMS server on its own loopback
 * address (127.10.x.y:4059), and the head-end reads them with suite 0 (HLS-GMAC, authenticated
 * encryption) into the ingest pipeline. Meters and head-end start together, so both sides'
 * invocation counters start fresh together.
 */
export async function startDlmsLive(opts: {
  fleet: Fleet; start: EpochSeconds; from: EpochSeconds; now: () => EpochSeconds; ingest: Ingestor; port: number;
  log: (msg: string) => void;
  onSecurityEvent: (meterId: string, e: SecurityEvent) => void;
}): Promise<DlmsLive> {
  const { fleet, now } = opts;
  const sink = (): void => {};
  const meters: DlmsMeterFleet = await startDlmsMeters({
    fleet, source: new FleetDataSource(fleet, { start: opts.start }), clock: now, port: opts.port,
    onSecurityEvent: opts.onSecurityEvent,
  });
  const reader = new DlmsReader({
    keyStore: SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet)), clientSystemTitle: HEADEND_TITLE,
    sendCounters: new SendCounters({ sink }), replayGuard: new ReplayGuard({ sink }), now,
  });
  const scheduler = new ReadScheduler({ reader, ingestor: opts.ingest, initialCursor: () => initialCursor(opts.from), concurrency: 32, now });
  const targets = fleet.meters.map((m) => meters.endpoints.get(m.id)!);
  opts.log(`dlms: ${targets.length} simulated meters listening on 127.10.x.y:${opts.port}; the head-end reads them every 15 simulated minutes`);
  return {
    async readAll() {
      const report = await scheduler.run(targets);
      const intervals = report.results.reduce((n, r) => n + (r.ingest?.written ?? 0), 0);
      return { intervals, failed: report.failed, seconds: report.durationMs / 1000 };
    },
    close: () => meters.close(),
  };
}
