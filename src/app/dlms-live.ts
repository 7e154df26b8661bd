import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EpochSeconds } from '../model/index.ts';
import {
  ReplayGuard, SendCounters, SoftwareKeyStore, type ReplayGuardState, type SecurityEvent, type SendCountersState,
} from '../protocols/dlms/security/index.ts';
import { FleetDataSource, fleetKeyStoreData, type Fleet } from '../sim/index.ts';
import { startDlmsMeters, type DlmsMeterFleet, type DlmsMeterFleetState } from '../sim/dlms/meter-server.ts';
import { DlmsReader, initialCursor } from '../headend/dlms-reader.ts';
import { ReadScheduler, type SchedulerState } from '../headend/scheduler.ts';
import { DlmsFirmwarePath, type DlmsFirmwarePathOptions } from '../headend/dlms-firmware-path.ts';
import { MeterLocks } from '../headend/meter-locks.ts';
import type { FirmwarePath } from '../model/firmware.ts';
import type { Ingestor } from '../ingest/ingest.port.ts';

/** The head-end's system title ('MSH' + 5 octets): the simulated meters know it from the first AARQ. */
const HEADEND_TITLE = Uint8Array.from(Buffer.from('4D53480000000001', 'hex'));

/**
 * Counters skipped on every start. The state is saved after each round, but a crash mid-round
 * loses the counters that round used; a meter would refuse them as replays, and reusing one
 * would reuse a GCM nonce. A round uses a few dozen per meter.
 */
export const COUNTER_RESERVE = 10_000;

/** What the head-end keeps across restarts (data/dlms-headend.json). */
interface HeadendState {
  readonly version: 1;
  readonly scheduler: SchedulerState;
  readonly sendCounters: SendCountersState;
  readonly replayGuard: ReplayGuardState;
}

export interface DlmsLive {
  /** Reads every meter's profile, registers and events up to `now`; resolves with the intervals stored. */
  readAll(): Promise<{ intervals: number; failed: number; seconds: number }>;
  /**
   * Firmware upgrades over DLMS image transfer to the same meters, with the reader's keys, counters
   * and replay guard, one association per meter at a time (reads wait for an upgrade and back).
   */
  firmwarePath(opts?: Pick<DlmsFirmwarePathOptions, 'transfer' | 'persistEvery' | 'requestTimeoutMs'>): FirmwarePath;
  close(): Promise<void>;
}

function load<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function save(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
}

function reserved(s: SendCountersState): SendCountersState {
  return { version: 1, lastUsed: Object.fromEntries(Object.entries(s.lastUsed).map(([k, ic]) => [k, Math.min(ic + COUNTER_RESERVE, 0xffffffff)])) };
}

/**
 * Live data the way a utility gets it: every simulated meter is a DLMS server on its own loopback
 * address (127.10.x.y:4059), and the head-end reads them with suite 0 (HLS-GMAC, authenticated
 * encryption) into the ingest pipeline. Both sides keep their security state in `dataDir` like
 * real devices keep it in non-volatile memory, and the head-end keeps each meter's cursor, so a
 * restart resumes where the last acknowledged read ended.
 */
export async function startDlmsLive(opts: {
  fleet: Fleet; start: EpochSeconds; from: EpochSeconds; now: () => EpochSeconds; ingest: Ingestor; port: number;
  dataDir: string;
  log: (msg: string) => void;
  onSecurityEvent: (meterId: string, e: SecurityEvent) => void;
}): Promise<DlmsLive> {
  const { fleet, now } = opts;
  const metersFile = join(opts.dataDir, 'sim-dlms-meters.json');
  const headendFile = join(opts.dataDir, 'dlms-headend.json');
  const saved = load<HeadendState>(headendFile);
  const meterState = load<DlmsMeterFleetState>(metersFile);
  const meters: DlmsMeterFleet = await startDlmsMeters({
    fleet, source: new FleetDataSource(fleet, { start: opts.start }), clock: now, port: opts.port,
    onSecurityEvent: opts.onSecurityEvent, ...(meterState ? { state: meterState } : {}),
  });
  const sink = (e: SecurityEvent): void => opts.onSecurityEvent('headend', e);
  const sendCounters = new SendCounters({ sink, ...(saved ? { state: reserved(saved.sendCounters) } : {}) });
  const replayGuard = new ReplayGuard({ sink, ...(saved ? { state: saved.replayGuard } : {}) });
  const keyStore = SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet));
  const reader = new DlmsReader({ keyStore, clientSystemTitle: HEADEND_TITLE, sendCounters, replayGuard, now });
  const locks = new MeterLocks();
  const scheduler = new ReadScheduler({
    reader: { read: (target, cursor) => locks.run(target.meterId, () => reader.read(target, cursor)) }, ingestor: opts.ingest, initialCursor: () => initialCursor(opts.from), concurrency: 32, now,
    ...(saved ? { state: saved.scheduler } : {}),
  });
  // Counters are reserved before the first frame goes out, not after the first round.
  const persist = (): void => {
    save(headendFile, { version: 1, scheduler: scheduler.state(), sendCounters: sendCounters.export(), replayGuard: replayGuard.export() } satisfies HeadendState);
    save(metersFile, meters.exportState());
  };
  if (saved) persist();
  // After a firmware upgrade: the meters' new firmware is saved within a second, not once per upgrade.
  let persistTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const persistSoon = (): void => {
    if (closed) return;
    persistTimer ??= setTimeout(() => {
      persistTimer = undefined;
      persist();
    }, 1000);
    persistTimer.unref();
  };
  const targets = fleet.meters.map((m) => meters.endpoints.get(m.id)!);
  const first = targets[0];
  opts.log(`dlms: ${targets.length} simulated meters listening on ${first?.host === '127.0.0.1' ? `127.0.0.1 (a port each)` : `127.10.x.y:${opts.port}`}; the head-end reads them every 15 simulated minutes`);
  return {
    async readAll() {
      try {
        const report = await scheduler.run(targets);
        const intervals = report.results.reduce((n, r) => n + (r.ingest?.written ?? 0), 0);
        return { intervals, failed: report.failed, seconds: report.durationMs / 1000 };
      } finally {
        persist();
      }
    },
    firmwarePath(o = {}) {
      return new DlmsFirmwarePath({
        ...o, keyStore, clientSystemTitle: HEADEND_TITLE, sendCounters, replayGuard, locks,
        persist: (urgent) => (urgent ? persist() : persistSoon()),
        endpoint: (meterId) => meters.endpoints.get(meterId),
        onActivated: (meterId) => reader.forget(meterId),
      });
    },
    async close() {
      closed = true;
      clearTimeout(persistTimer);
      persist();
      await meters.close();
    },
  };
}
