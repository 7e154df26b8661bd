import { observeResource, type Observation } from '../protocols/coap/index.ts';
import type { CoapIngest, CoapOutcome } from './coap-ingest.ts';

/** A device the platform observes: its meter id and where its readings resource is. */
export interface ObservedDevice {
  readonly meterId: string;
  readonly host: string;
  readonly port: number;
  /** Default '/readings'. */
  readonly path?: string;
}

export interface DeviceObservation extends Observation {
  /** Resolves once every notification received so far went through the pipeline. */
  settled(): Promise<void>;
}

/**
 * Observe a device and ingest each notification, one at a time and in order. A notification is
 * authenticated and mapped exactly like a POST (coap-ingest.ts); `onOutcome` hears what became of
 * each, `onError` when the pipeline itself refused one (it is then lost: Observe has no replay).
 */
export async function observeDevice(ingest: CoapIngest, device: ObservedDevice, hooks: {
  onOutcome?(o: CoapOutcome): void;
  onError?(err: unknown): void;
  onEnd?(): void;
  timeoutMs?: number;
} = {}): Promise<DeviceObservation> {
  let chain: Promise<void> = Promise.resolve();
  const peer = `${device.host}:${device.port}`;
  const observation = await observeResource({
    host: device.host, port: device.port, path: device.path ?? '/readings',
    ...(hooks.timeoutMs === undefined ? {} : { timeoutMs: hooks.timeoutMs }),
    onNotification: (n) => {
      chain = chain.then(() => ingest.handleNotification(device.meterId, n, peer)).then(
        (o) => hooks.onOutcome?.(o),
        (err: unknown) => hooks.onError?.(err),
      );
    },
    ...(hooks.onEnd === undefined ? {} : { onEnd: hooks.onEnd }),
  });
  return {
    settled: () => chain,
    async cancel() {
      await observation.cancel();
      await chain;
    },
  };
}
