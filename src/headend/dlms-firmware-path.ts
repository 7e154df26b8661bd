/**
 * Firmware over DLMS/COSEM image transfer (class 18): the FirmwarePath campaigns use for meters
 * the head-end reads over DLMS. One association per upgrade, with the same keys, invocation
 * counters and replay guard as the reader, under the reader's per-meter lock (meter-locks.ts), so
 * reads and upgrades of one meter never interleave their counters.
 *
 * Errors: what the meter refused maps onto the campaign codes — FIRMWARE_TRANSFER_FAILED (image
 * transfer disabled, initiate or a block refused, blocks still missing), FIRMWARE_VERIFY_FAILED,
 * FIRMWARE_ACTIVATE_FAILED (also: another version afterwards), either of the two when that step timed out,
 * FIRMWARE_ABORTED — with the DLMS_IMAGE_ code in `details.dlmsCode` and the DlmsError as `cause`.
 * Wire and security failures keep their DLMS_ code (DLMS_TRANSPORT_TIMEOUT, DLMS_SECURITY_REPLAY …).
 */
import { MeterstackError, isMeterstackError, type ErrorCode } from '../model/errors.ts';
import type { FirmwareImageBytes, FirmwarePath, UpgradeProgress } from '../model/firmware.ts';
import type { Meter } from '../model/meter.ts';
import { openDlmsTcp, type DlmsTcpConnection } from '../protocols/dlms/transport-tcp.ts';
import { transferImage, type ImageTransferOptions, type ImageTransferReport } from './dlms-image-transfer.ts';
import type { MeterTarget } from './dlms-reader.ts';
import { DlmsSession, secureClient, type SecureClientOptions, type SessionTap } from './dlms-session.ts';
import { MeterLocks } from './meter-locks.ts';

/** The reader's security fields (the same key store, send counters and replay guard objects) and the path's own. */
export interface DlmsFirmwarePathOptions extends SecureClientOptions {
  /** Where a meter listens; undefined: not reachable over DLMS. */
  readonly endpoint: (meterId: string) => MeterTarget | undefined;
  /** The reader's per-meter locks (default a lock set of its own). */
  readonly locks?: MeterLocks;
  /**
   * Saves the head-end's security state: `urgent` every `persistEvery` blocks (the counters a crash
   * could lose must stay below what a restart skips), not urgent after every upgrade (may be coalesced).
   */
  readonly persist?: (urgent: boolean) => void;
  /** Default 1000 blocks (well below the counters reserved on a restart). */
  readonly persistEvery?: number;
  /** After a meter runs the new image (e.g. the reader forgets the meter's cached profile description). */
  readonly onActivated?: (meterId: string, version: string) => void;
  /** After a meter dropped the association on activation: wait this long before associating again (default 2 s) … */
  readonly rebootWaitMs?: number;
  /** … this many times (default 5). */
  readonly rebootTries?: number;
  /** Poll interval and timeout, rounds, firmware OBIS of the transfer. */
  readonly transfer?: Omit<ImageTransferOptions, 'progress' | 'signal' | 'onBlock'>;
  readonly clientWPort?: number;
  readonly serverWPort?: number;
  readonly connectTimeoutMs?: number;
  /** Per request, default 10 s. */
  readonly requestTimeoutMs?: number;
  readonly localAddress?: string;
  readonly tap?: SessionTap;
}

const TO_CAMPAIGN: Partial<Record<ErrorCode, ErrorCode>> = {
  DLMS_IMAGE_TRANSFER_DISABLED: 'FIRMWARE_TRANSFER_FAILED',
  DLMS_IMAGE_BLOCK_REFUSED: 'FIRMWARE_TRANSFER_FAILED',
  DLMS_IMAGE_INCOMPLETE: 'FIRMWARE_TRANSFER_FAILED',
  DLMS_IMAGE_VERIFY_FAILED: 'FIRMWARE_VERIFY_FAILED',
  DLMS_IMAGE_ACTIVATE_FAILED: 'FIRMWARE_ACTIVATE_FAILED',
  DLMS_IMAGE_TIMEOUT: 'FIRMWARE_ACTIVATE_FAILED',
  DLMS_IMAGE_ABORTED: 'FIRMWARE_ABORTED',
};

const CONNECTION_LOST: readonly ErrorCode[] = ['DLMS_TRANSPORT_CLOSED', 'DLMS_TRANSPORT_TIMEOUT', 'DLMS_TRANSPORT_REFUSED', 'DLMS_TRANSPORT_FAILED'];
const isConnectionLoss = (err: unknown): boolean => isMeterstackError(err) && CONNECTION_LOST.includes(err.code);

/** A DLMS_IMAGE_ failure as the campaign code; anything else as it is (typed errors keep their code). */
export function toCampaignError(err: unknown, meterId: string): unknown {
  if (!isMeterstackError(err)) return err;
  const verifying = err.code === 'DLMS_IMAGE_TIMEOUT' && err.details?.['status'] === 'verification-initiated';
  const code = verifying ? 'FIRMWARE_VERIFY_FAILED' : TO_CAMPAIGN[err.code];
  if (code === undefined) return err;
  return new MeterstackError(code, `${meterId}: ${err.message}`, { cause: err, details: { ...err.details, dlmsCode: err.code } });
}

export class DlmsFirmwarePath implements FirmwarePath {
  readonly name = 'dlms';
  readonly #o: DlmsFirmwarePathOptions;
  readonly #locks: MeterLocks;

  constructor(o: DlmsFirmwarePathOptions) {
    this.#o = o;
    this.#locks = o.locks ?? new MeterLocks();
  }

  reaches(meter: Meter): boolean {
    return meter.protocol === 'dlms' && meter.status !== 'removed' && this.#o.endpoint(meter.id) !== undefined;
  }

  async upgrade(meter: Meter, image: FirmwareImageBytes, progress: (p: UpgradeProgress) => void, signal: AbortSignal): Promise<{ readonly version: string }> {
    const target = this.#o.endpoint(meter.id);
    if (target === undefined) throw new MeterstackError('METER_NOT_FOUND', `${meter.id} has no DLMS endpoint`);
    if (signal.aborted) throw new MeterstackError('FIRMWARE_ABORTED', `${meter.id}: stopped before the transfer began`);
    try {
      const report = await this.#locks.run(meter.id, () => this.#upgrade(target, image, progress, signal));
      this.#o.onActivated?.(meter.id, report.version);
      return { version: report.version };
    } catch (err) {
      throw toCampaignError(err, meter.id);
    } finally {
      this.#o.persist?.(false);
    }
  }

  /**
   * One association running the transfer. A meter that restarts to run the new image drops the
   * association during activation: then the head-end associates again (a few tries, `rebootWaitMs`
   * apart) and asks once more, which finds status 6 (or 5) with this image and reads the version.
   */
  async #upgrade(target: MeterTarget, image: FirmwareImageBytes, progress: (p: UpgradeProgress) => void, signal: AbortSignal): Promise<ImageTransferReport> {
    const o = this.#o;
    const every = o.persistEvery ?? 1000;
    const img = { identifier: Uint8Array.from(Buffer.from(image.identifier, 'latin1')), bytes: image.bytes, version: image.version };
    let step: UpgradeProgress['step'] | undefined;
    const opts: ImageTransferOptions = {
      ...o.transfer, signal,
      progress: (p) => { step = p.step; progress(p); },
      onBlock: (n) => { if (n % every === 0) o.persist?.(true); },
    };
    const once = async (): Promise<ImageTransferReport> => {
      let tcp: DlmsTcpConnection | undefined;
      try {
        const s = await this.#associate(target, (c) => { tcp = c; });
        const report = await transferImage(s, img, opts);
        await s.release();
        return report;
      } finally {
        await tcp?.close();
      }
    };
    try {
      return await once();
    } catch (err) {
      if (step !== 'activate' || !isConnectionLoss(err)) throw err;
    }
    const tries = o.rebootTries ?? 5;
    for (let i = 1; ; i++) {
      await new Promise((r) => setTimeout(r, o.rebootWaitMs ?? 2000));
      try {
        return await once();
      } catch (err) {
        if (i >= tries || !isConnectionLoss(err)) throw err;
      }
    }
  }

  async #associate(target: MeterTarget, opened: (tcp: DlmsTcpConnection) => void): Promise<DlmsSession> {
    const o = this.#o;
    const client = await secureClient(o, target.meterId);
    const tcp = await openDlmsTcp({
      host: target.host, port: target.port, clientWPort: o.clientWPort ?? 1, serverWPort: o.serverWPort ?? 1,
      connectTimeoutMs: o.connectTimeoutMs ?? 5000, ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
    });
    opened(tcp);
    const s = new DlmsSession(target.meterId, tcp, client, o.requestTimeoutMs ?? 10_000, o.tap);
    await s.associate();
    return s;
  }
}

/**
 * A FirmwarePath for a DLMS head-end that starts later (`meterstack start` opens it with the first
 * live read): before `get()` returns the path, `reaches` answers by `opts.reaches` (default none)
 * and `upgrade` waits for it (up to `waitMs`, default 60 s, then DLMS_TRANSPORT_REFUSED; an abort
 * ends the wait with FIRMWARE_ABORTED); afterwards both delegate.
 */
export function deferredFirmwarePath(
  get: () => FirmwarePath | undefined,
  opts: { readonly name?: string; readonly reaches?: (meter: Meter) => boolean; readonly waitMs?: number; readonly pollMs?: number } = {},
): FirmwarePath {
  return {
    name: opts.name ?? 'dlms',
    reaches: (meter) => {
      const p = get();
      return p === undefined ? (opts.reaches?.(meter) ?? false) : p.reaches(meter);
    },
    upgrade: async (meter, image, progress, signal) => {
      const deadline = Date.now() + (opts.waitMs ?? 60_000);
      for (let p = get(); ; p = get()) {
        if (p !== undefined) return p.upgrade(meter, image, progress, signal);
        if (signal.aborted) throw new MeterstackError('FIRMWARE_ABORTED', `${meter.id}: stopped while waiting for the DLMS head-end`);
        if (Date.now() >= deadline) throw new MeterstackError('DLMS_TRANSPORT_REFUSED', `${meter.id}: the DLMS head-end is not running`);
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
      }
    },
  };
}
