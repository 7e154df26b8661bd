import { type EpochSeconds, MeterstackError } from '../model/index.ts';
import { CoapIngest } from '../headend/coap-ingest.ts';
import { observeDevice, type DeviceObservation } from '../headend/coap-observe.ts';
import { SIGNATURE_OPTION, startCoapServer, type CoapServerHandle } from '../protocols/coap/index.ts';
import type { CoapObserveTarget } from './config.ts';
import { COAP_KEYS_FILE, CoapKeyFile } from './coap-keys.ts';
import type { Platform } from './platform.ts';

/**
 * CoAP in `meterstack start` (README "CoAP"): the UDP server for POSTed readings, and Observe
 * registrations with the devices listed in --coap-observe, re-registered when they end or fail.
 */
export interface CoapRuntime {
  readonly host: string;
  readonly port: number;
  readonly server: CoapServerHandle;
  close(): Promise<void>;
}

/** Tried in order when the default port is taken (README § Configuration). */
export const COAP_FALLBACK_PORTS: readonly number[] = [15683, 0];

const REOBSERVE_MS = 30_000;

export async function startCoap(p: Platform, now: () => EpochSeconds, log: (msg: string) => void): Promise<CoapRuntime> {
  const { config } = p;
  const keys = CoapKeyFile.open(config.dataDir, log);
  const ingest = new CoapIngest({ ingest: p.ingest, keys, now, audit: (e) => p.store.appendAudit(e) });
  const server = await listenWithFallback(config.coapHost, config.coapPort, config.coapPortExplicit, (r) => ingest.handleRequest(r), log);
  log(`coap: listening on udp://${server.host}:${server.port} — POST readings to /r/<meter id> as JSON (50) or CBOR (60), signed with HMAC-SHA-256 in option ${SIGNATURE_OPTION}; ${keys.size} device key(s) in ${config.dataDir}/${COAP_KEYS_FILE}`);
  const observers = config.coapObserve.map((t) => keepObserving(ingest, t, log));
  return {
    host: server.host, port: server.port, server,
    async close() {
      await Promise.all(observers.map((o) => o.stop()));
      await server.close();
      await ingest.flush();
    },
  };
}

async function listenWithFallback(host: string, port: number, explicit: boolean, handle: Parameters<typeof startCoapServer>[0]['handle'], log: (msg: string) => void): Promise<CoapServerHandle> {
  const taken = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
  const how = 'choose another port with --coap-port N or COAP_PORT=N, or turn CoAP off with --no-coap or METERSTACK_COAP=0';
  try {
    return await startCoapServer({ host, port, handle, onError: (err) => log(`coap: ${err.message}`) });
  } catch (err) {
    if (!taken(err)) throw err;
    if (explicit) throw new MeterstackError('PORT_IN_USE', `CoAP UDP port ${port} on ${host} is already taken by another program; ${how}`, { cause: err });
    for (const fallback of COAP_FALLBACK_PORTS) {
      try {
        const server = await startCoapServer({ host, port: fallback, handle, onError: (e) => log(`coap: ${e.message}`) });
        log(`coap: UDP port ${port} on ${host} is already taken by another program, so CoAP listens on ${server.port} instead; to pick the port, ${how}`);
        return server;
      } catch (e) {
        if (!taken(e)) throw e;
      }
    }
    throw new MeterstackError('PORT_IN_USE', `CoAP UDP port ${port} on ${host} is already taken by another program; ${how}`, { cause: err });
  }
}

/** One device observed for as long as the platform runs: re-registered after an end or a failure. */
function keepObserving(ingest: CoapIngest, t: CoapObserveTarget, log: (msg: string) => void): { stop(): Promise<void> } {
  let stopped = false;
  let current: DeviceObservation | undefined;
  let timer: NodeJS.Timeout | undefined;
  const where = `coap://${t.host}:${t.port}${t.path} (${t.meterId})`;
  const again = (): void => {
    current = undefined;
    if (!stopped) timer = setTimeout(register, REOBSERVE_MS);
  };
  const register = (): void => {
    observeDevice(ingest, t, {
      onOutcome: (o) => { if (o.kind !== 'stored') log(`coap: notification from ${where} ${o.kind}: ${'reason' in o ? o.reason : ''}`); },
      onError: (err) => log(`coap: notification from ${where} not stored: ${(err as Error).message}`),
      onEnd: again,
    }).then((obs) => {
      if (stopped) void obs.cancel();
      else { current = obs; log(`coap: observing ${where}`); }
    }, (err: unknown) => {
      log(`coap: ${(err as Error).message}; retrying in ${REOBSERVE_MS / 1000} s`);
      again();
    });
  };
  register();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current?.cancel();
    },
  };
}
