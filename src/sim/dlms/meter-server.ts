/**
 * A simulated DLMS fleet on the network: every meter a DLMS/COSEM server over TCP (IEC 62056-47
 * wrapper) serving `createMeterObjects`, so a head-end can read it as it would read real meters.
 *
 * - One `listenDlmsTcp` server per meter. By default each meter gets its own loopback address
 *   (`defaultMeterAddress`: 127.10.x.y, the meter index + 1 spread over the last two octets) on
 *   the same port (4059 unless `port` says otherwise; 0 picks an ephemeral port per meter). Linux
 *   routes all of 127/8 to the loopback device, so no setup is needed; other systems (macOS) need
 *   an alias per address. The documented equivalent there, or wherever many addresses cost too
 *   much: `addressOf: () => '127.0.0.1'` with `port: 0` — one shared address, a port per meter
 *   (see `endpoints`). Nothing else changes: the head-end only ever uses `endpoints`.
 * - Every connection gets a fresh `DlmsServerConnection` (a new association), with the meter's own
 *   keys and system title (`meterKeys`), the meter's send counter and the meter's replay guard.
 *   Counter and guard live as long as the meter, across connections and `stop`/`start`, so a frame
 *   replayed on a new connection is still refused (DLMS_SECURITY_REPLAY, reported through
 *   `onSecurityEvent`).
 * - Security events and association errors are reported, never thrown: a meter keeps serving.
 */
import { DLMS_PORT } from '../../protocols/dlms/framing/wrapper.ts';
import { DlmsServerConnection, type CosemHandler } from '../../protocols/dlms/connection-server.ts';
import type { DlmsError } from '../../protocols/dlms/errors.ts';
import type { AuthMechanism, SecurityPolicy } from '../../protocols/dlms/association/types.ts';
import { ReplayGuard, SendCounters, type ReplayGuardState, type SecurityEvent, type SendCountersState } from '../../protocols/dlms/security/invocation-counter.ts';
import { listenDlmsTcp, type DlmsTcpServer } from '../../protocols/dlms/transport-tcp.ts';
import type { EpochSeconds } from '../../model/index.ts';
import type { Fleet } from '../fleet.ts';
import type { FleetDataSource } from './data-source.ts';
import { meterKeys, type SimMeterKeys } from './keys.ts';
import { createMeterObjects, type MeterObjects, type MeterObjectsOptions } from './meter-objects.ts';
import type { SimActiveFirmware } from './image-transfer.ts';

const addressUnavailable = (err: unknown): boolean => {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === 'EADDRNOTAVAIL';
};

const SIM_MAX_PDU = 4096;

/** Thrown by a meter's handler to drop the connection unanswered: the meter restarts to run a new image. */
const REBOOT = new Error('the simulated meter restarts to run the activated image');

/** Concurrent connections one simulated meter accepts. */
const MAX_CONNECTIONS = 16;

/** 127.10.x.y with x.y = index + 1 (index 0 → 127.10.0.1, index 65534 → 127.10.255.255). */
export function defaultMeterAddress(index: number): string {
  const n = index + 1;
  if (!Number.isInteger(index) || index < 0 || n > 0xffff) throw new RangeError(`meter index ${index} does not fit 127.10.x.y`);
  return `127.10.${n >> 8}.${n & 0xff}`;
}

export interface DlmsMeterEndpoint {
  readonly meterId: string;
  readonly host: string;
  readonly port: number;
  /** The meter's 8-octet system title (what its AARE's responding-AP-title carries). */
  readonly systemTitle: Uint8Array;
}

export interface StartDlmsMetersOptions {
  readonly fleet: Fleet;
  readonly source: FleetDataSource;
  /** Which meters to serve (default every meter of the fleet). */
  readonly meterIds?: readonly string[];
  /** Loopback address of the meter at fleet index `index` (default `defaultMeterAddress`). */
  readonly addressOf?: (index: number) => string;
  /** Default 4059 (the DLMS port); 0 gives every meter an ephemeral port. */
  readonly port?: number;
  /** Default 'authenticated-encrypted'. */
  readonly securityPolicy?: SecurityPolicy;
  /** Default 'hls-gmac'. */
  readonly mechanism?: AuthMechanism;
  /** The simulated true now, epoch seconds. */
  readonly clock: () => EpochSeconds;
  /** Passed on to each meter's object server (profile capacity, drift, …). */
  readonly objects?: Partial<Omit<MeterObjectsOptions, 'source' | 'meterId' | 'clock'>>;
  /** Largest APDU a meter sends or accepts (default 4096: a day of quarter-hours in one answer). */
  readonly maxPduSize?: number;
  /** Closes a connection silent this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Replay rejections and exhausted counters, per meter. */
  readonly onSecurityEvent?: (meterId: string, event: SecurityEvent) => void;
  /** Association errors (rejected AARQ, failed HLS, undecipherable frames) and connection failures. */
  readonly onError?: (meterId: string, error: DlmsError | unknown) => void;
  /** The meters' non-volatile security state from an earlier run (`exportState`). */
  readonly state?: DlmsMeterFleetState;
}

/**
 * What a real meter keeps across power cycles: its send counter, the last counter it accepted and,
 * once an image was activated, the firmware it runs (absent: the fleet's version as shipped).
 */
export interface DlmsMeterFleetState {
  readonly version: 1;
  readonly meters: Readonly<Record<string, {
    readonly sendCounters: SendCountersState;
    readonly replayGuard: ReplayGuardState;
    readonly firmware?: SimActiveFirmware;
  }>>;
}

export interface DlmsMeterFleet {
  readonly endpoints: ReadonlyMap<string, DlmsMeterEndpoint>;
  /** Stops one meter's server (open connections are cut); its counters and replay guard stay. */
  stop(meterId: string): Promise<void>;
  /** Starts a stopped meter again on the same address and port. */
  start(meterId: string): Promise<void>;
  /** Whether the meter is listening. */
  isRunning(meterId: string): boolean;
  /** Associations accepted so far, per meter. */
  associations(meterId: string): number;
  /** Every meter's counters and replay guard, to pass as `state` to a later start. */
  exportState(): DlmsMeterFleetState;
  close(): Promise<void>;
}

interface SimMeter {
  readonly meterId: string;
  readonly keys: SimMeterKeys;
  readonly objects: MeterObjects;
  readonly handler: CosemHandler;
  readonly sendCounters: SendCounters;
  readonly replayGuard: ReplayGuard;
  host: string;
  port: number;
  server: DlmsTcpServer | undefined;
  associations: number;
}

/** The connection server's handler shape over the meter's object server (decoded parameters both ways). */
function cosemHandler(objects: MeterObjects): CosemHandler {
  return {
    get: (attribute, access) => objects.get(attribute, access),
    set: (attribute, _access, value) => objects.set(attribute, value),
    action: (method, parameters) => {
      const out = objects.action(method, parameters);
      return out.returnParameters === null ? { result: out.result } : { result: out.result, returnData: out.returnParameters };
    },
  };
}

export async function startDlmsMeters(opts: StartDlmsMetersOptions): Promise<DlmsMeterFleet> {
  const policy = opts.securityPolicy ?? 'authenticated-encrypted';
  const mechanism = opts.mechanism ?? 'hls-gmac';
  const addressOf = opts.addressOf ?? defaultMeterAddress;
  const wantedPort = opts.port ?? DLMS_PORT;
  const ids = opts.meterIds ?? opts.fleet.meters.map((m) => m.id);
  const meters = new Map<string, SimMeter>();
  const report = (meterId: string, err: unknown): void => {
    if (err === REBOOT) return;
    try {
      opts.onError?.(meterId, err);
    } catch {
      // a throwing observer must not take a meter down
    }
  };

  for (const meterId of ids) {
    const index = opts.source.meterIndex(meterId);
    const keys = meterKeys(opts.fleet.seed, meterId);
    const sink = (event: SecurityEvent): void => {
      try {
        opts.onSecurityEvent?.(meterId, event);
      } catch {
        // as report()
      }
    };
    const saved = opts.state?.meters[meterId];
    const sendCounters = new SendCounters({ sink, ...(saved ? { state: saved.sendCounters } : {}) });
    const objects = createMeterObjects({
      ...opts.objects, source: opts.source, meterId, clock: opts.clock, systemTitle: keys.systemTitle,
      ...(saved?.firmware ? { activeFirmware: saved.firmware } : {}),
      invocationCounter: () => {
        const used = sendCounters.export().lastUsed[keys.ek.id];
        return used === undefined ? 1 : used + 1;
      },
    });
    meters.set(meterId, {
      meterId, keys, objects, handler: cosemHandler(objects), sendCounters,
      replayGuard: new ReplayGuard({ sink, ...(saved ? { state: saved.replayGuard } : {}) }),
      host: addressOf(index), port: wantedPort, server: undefined, associations: 0,
    });
  }

  const listen = async (m: SimMeter): Promise<void> => {
    const server = await listenDlmsTcp({
      host: m.host,
      port: m.port,
      idleTimeoutMs: opts.idleTimeoutMs ?? 30_000,
      maxConnections: MAX_CONNECTIONS,
      onError: (err) => report(m.meterId, err),
      handler: (() => {
        // One association per connection id. The transport tells no one when a connection closes, so
        // a connection that ends without RLRQ leaves its entry until MAX_CONNECTIONS newer ones evict it.
        const sessions = new Map<number, DlmsServerConnection>();
        return (apdu, ctx) => {
          let conn = sessions.get(ctx.connectionId);
          if (conn === undefined) {
            if (sessions.size >= MAX_CONNECTIONS) sessions.delete(sessions.keys().next().value!);
            conn = new DlmsServerConnection({
              systemTitle: m.keys.systemTitle, mechanism, securityPolicy: policy, keys: { ek: m.keys.ek, ak: m.keys.ak },
              sendCounters: m.sendCounters, replayGuard: m.replayGuard, handler: m.handler,
              maxPduSize: opts.maxPduSize ?? SIM_MAX_PDU,
            });
            sessions.set(ctx.connectionId, conn);
          }
          const out = conn.receive(apdu);
          for (let ev = conn.nextEvent(); ev !== undefined; ev = conn.nextEvent()) {
            if (ev.type === 'associated') m.associations++;
            else if (ev.type === 'error') report(m.meterId, ev.error);
            else if (ev.type === 'released') sessions.delete(ctx.connectionId);
          }
          if (m.objects.takeReboot()) {
            sessions.delete(ctx.connectionId);
            throw REBOOT;
          }
          return out;
        };
      })(),
    });
    m.server = server;
    m.port = server.port;
  };

  try {
    const all = [...meters.values()];
    // Where 127/8 beyond 127.0.0.1 is not routed (macOS without aliases), fall back to the documented
    // equivalent: one shared address, an ephemeral port per meter.
    if (opts.addressOf === undefined && all.length > 0) {
      try {
        await listen(all[0]!);
      } catch (err) {
        if (!addressUnavailable(err)) throw err;
        for (const m of all) { m.host = '127.0.0.1'; m.port = 0; }
        await listen(all[0]!);
      }
    }
    // Bounded parallelism: binding thousands of listeners at once gains nothing.
    const queue = all.filter((m) => m.server === undefined);
    await Promise.all(Array.from({ length: Math.min(64, queue.length) }, async () => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) await listen(m);
    }));
  } catch (err) {
    await Promise.all([...meters.values()].map((m) => m.server?.close()));
    throw err;
  }

  const meter = (meterId: string): SimMeter => {
    const m = meters.get(meterId);
    if (m === undefined) throw new RangeError(`meter ${meterId} is not served here`);
    return m;
  };
  const endpoints = new Map<string, DlmsMeterEndpoint>();
  for (const m of meters.values()) endpoints.set(m.meterId, { meterId: m.meterId, host: m.host, port: m.port, systemTitle: m.keys.systemTitle });

  return {
    endpoints,
    async stop(meterId) {
      const m = meter(meterId);
      const s = m.server;
      m.server = undefined;
      await s?.close();
    },
    async start(meterId) {
      const m = meter(meterId);
      if (m.server === undefined) await listen(m);
    },
    isRunning: (meterId) => meter(meterId).server !== undefined,
    associations: (meterId) => meter(meterId).associations,
    exportState: () => ({
      version: 1,
      meters: Object.fromEntries([...meters.values()].map((m) => {
        const firmware = m.objects.activeFirmware();
        return [m.meterId, { sendCounters: m.sendCounters.export(), replayGuard: m.replayGuard.export(), ...(firmware.identifier === null ? {} : { firmware }) }];
      })),
    }),
    async close() {
      await Promise.all([...meters.values()].map(async (m) => {
        const s = m.server;
        m.server = undefined;
        await s?.close();
      }));
    },
  };
}
