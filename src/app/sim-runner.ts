import { seedMarket } from './sim-market.ts';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_S, utcDayStart, type EpochSeconds } from '../model/index.ts';
import { createFleet, FleetSimulator, type Fleet, type SimOutput } from '../sim/index.ts';
import type { Platform } from './platform.ts';
import { startDlmsLive, type DlmsLive } from './dlms-live.ts';
import { deferredFirmwarePath } from '../headend/dlms-firmware-path.ts';
import type { FirmwarePath } from '../model/firmware.ts';

const INTERVAL_S = 900;

/** What survives a restart: the fleet is recreated from its seed, the registers replayed to `cursor`. */
interface SimState {
  readonly seed: number;
  readonly meters: number;
  readonly zone: string;
  /** UTC day the history (and the registers) start at. */
  readonly start: EpochSeconds;
  /** End of the last interval handed to the pipeline and acknowledged. */
  cursor: EpochSeconds;
  /** Simulated and real time when the state was saved: simulated time keeps running while stopped. */
  clock?: ClockAnchor;
}

export interface ClockAnchor {
  readonly sim: EpochSeconds;
  readonly real: EpochSeconds;
}

export interface SimRunner {
  /** Resolves when the history is stored. */
  readonly ready: Promise<{ readings: number; seconds: number; fresh: boolean }>;
  /** The simulated fleet and the instant its registers start at (the MQTT meters are some of it). */
  readonly fleet: Fleet;
  readonly start: EpochSeconds;
  /** Firmware over DLMS image transfer to the simulated DLMS meters (waits for the DLMS head-end to run). */
  readonly dlmsFirmwarePath: FirmwarePath;
  stop(): Promise<void>;
}

export interface SimClock {
  now(): EpochSeconds;
}

/**
 * Simulated time runs `speed` times faster than real time. It starts at the real time, or where an
 * earlier run left it (`anchor`) as if it had kept running, so a restart never goes back in time.
 */
export function simClock(speed: number, realNow: () => number = Date.now, anchor?: ClockAnchor): SimClock {
  const real0 = anchor?.real ?? realNow() / 1000;
  const sim0 = anchor?.sim ?? real0;
  return { now: () => Math.floor(Math.max(realNow() / 1000, sim0 + (realNow() / 1000 - real0) * speed)) };
}

/** Where the simulated clock of the data directory's last run stood. */
export function savedClock(dataDir: string): ClockAnchor | undefined {
  return readState(join(dataDir, 'sim.json'))?.clock;
}

function readState(file: string): SimState | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SimState) : undefined;
}

function writeState(file: string, s: SimState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Simulated DLMS meters a start serves: each holds a listening socket (and the open-files limit here is 20,000). */
const DLMS_MAX_METERS = 10_000;

const readingsOf = (o: SimOutput): number => o.series.reduce((n, s) => n + s.values.length, 0);

/**
 * Feeds the simulated fleet through the same ingest pipeline as real meters: on the first start
 * the history, then every 15 simulated minutes the readings each meter would send. On a later start
 * the fleet is rebuilt from the saved seed and the registers are replayed, so values continue
 * exactly and re-sent intervals are idempotent no-ops.
 */
export function startSim(p: Platform, clock: SimClock, log: (msg: string) => void): SimRunner {
  const { config } = p;
  const file = join(config.dataDir, 'sim.json');
  let state = readState(file);
  const fresh = state === undefined;
  const today = utcDayStart(clock.now());
  state ??= { seed: config.seed, meters: config.meters, zone: config.zone, start: today - config.historyDays * DAY_S, cursor: today - config.historyDays * DAY_S };
  const fleet = createFleet({ seed: state.seed, meters: state.meters, zone: state.zone });
  const sim = new FleetSimulator(fleet, { start: state.start });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> = Promise.resolve();
  const save = (): void => {
    state!.clock = { sim: clock.now(), real: Date.now() / 1000 };
    writeState(file, state!);
  };

  const submit = async (out: SimOutput, to: EpochSeconds): Promise<number> => {
    if (out.series.length + out.registers.length + out.events.length > 0) {
      await p.ingest.submitDecoded({ source: 'sim', actor: 'simulator', series: out.series, registers: out.registers, events: out.events });
    }
    state!.cursor = to;
    save();
    return readingsOf(out);
  };

  const catchUp = async (): Promise<number> => {
    const target = Math.floor(clock.now() / INTERVAL_S) * INTERVAL_S;
    if (target <= state!.cursor) return 0;
    return submit(sim.intervalsBetween(state!.cursor, target), target);
  };

  // Over DLMS (the default), live data after the history comes from reading the meters over TCP:
  // each simulated meter listens on its own socket, so a larger fleet hands its data over directly.
  const overDlms = config.dlms && fleet.meters.length <= DLMS_MAX_METERS;
  if (config.dlms && !overDlms) {
    log(`dlms: ${fleet.meters.length.toLocaleString('en')} meters are more than the simulated DLMS meters serve (at most ${DLMS_MAX_METERS.toLocaleString('en')}, one listening socket each); live data goes straight into the pipeline, as with --no-dlms`);
  }
  let dlms: DlmsLive | undefined;
  let dlmsFirmware: FirmwarePath | undefined;
  const fleetIds = new Set(fleet.meters.map((m) => m.id));
  const dlmsFirmwarePath = deferredFirmwarePath(
    () => (dlms === undefined || stopped ? undefined : (dlmsFirmware ??= dlms.firmwarePath())),
    { reaches: (m) => overDlms && m.protocol === 'dlms' && fleetIds.has(m.id) },
  );
  const readOverDlms = async (): Promise<number> => {
    // Started before the first quarter-hour is due: the meters also serve firmware campaigns meanwhile.
    dlms ??= await startDlmsLive({
      fleet, start: state!.start, from: state!.cursor, now: clock.now, ingest: p.ingest, port: config.dlmsPort, dataDir: config.dataDir, log,
      onSecurityEvent: (meterId, e) => void p.store.appendAudit([{ at: clock.now(), actor: 'dlms', action: e.type, object: `meter/${meterId}`, details: { ...e } }]),
    });
    const target = Math.floor(clock.now() / INTERVAL_S) * INTERVAL_S;
    if (target <= state!.cursor) return 0;
    const r = await dlms.readAll();
    if (r.failed > 0) log(`dlms: ${r.failed} meter(s) not read this round; they are retried with the next`);
    state!.cursor = target;
    save();
    return r.intervals;
  };
  const live = overDlms ? readOverDlms : catchUp;

  const ready = (async () => {
    const t0 = Date.now();
    if (fresh) {
      await p.store.upsertTopology(fleet.topology);
      await p.store.upsertMeters(fleet.meters);
      await p.store.upsertChannels(fleet.channels);
      const market = await seedMarket(p, fleet, state!.start, clock.now());
      log(`simulated market: ${market.accounts} accounts on ${market.tariffs} example tariffs, ${market.prices} day-ahead prices`);
      log(`simulated fleet: ${fleet.meters.length} meters on ${fleet.topology.transformers.length} transformer(s), loading ${config.historyDays} day(s) of history`);
    }
    let readings = 0;
    // Over DLMS, what happened while the platform was down is read from the meters' own profiles.
    if (!fresh && overDlms) return { readings, seconds: (Date.now() - t0) / 1000, fresh };
    // Whole days before the cursor were stored by an earlier run: replay them for the registers only.
    for (let day = state!.start; day + DAY_S <= state!.cursor; day += DAY_S) sim.generateDay(day);
    for (let day = utcDayStart(state!.cursor); day + DAY_S <= utcDayStart(clock.now()) && !stopped; day += DAY_S) {
      const out = day < state!.cursor ? sim.intervalsBetween(state!.cursor, day + DAY_S) : sim.generateDay(day);
      readings += await submit(out, day + DAY_S);
    }
    if (!stopped) readings += await catchUp();
    return { readings, seconds: (Date.now() - t0) / 1000, fresh };
  })();

  const tick = (): void => {
    if (stopped) return;
    busy = busy.then(live).then(
      (n) => { if (n > 0) log(`sim: ${n} readings up to ${new Date(state!.cursor * 1000).toISOString()}`); },
      (e: unknown) => log(`sim: live readings not stored, will retry: ${(e as Error).message}`),
    ).finally(() => { if (!stopped) timer = setTimeout(tick, 1000); });
  };
  void ready.then(tick, (e: unknown) => log(`sim: history load failed: ${(e as Error).message}`));

  return {
    ready, fleet, start: state.start, dlmsFirmwarePath,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ready.catch(() => undefined);
      await busy;
      await dlms?.close();
      save();
    },
  };
}
