/**
 * The image transfer object (class 18, 0-0:44.0.0.255) of a simulated meter: blocks in memory, a
 * bit per received block, verification by the simulator image format (src/sim/firmware-image.ts),
 * activation that changes the version the meter reports.
 *
 * Choices, as a real meter would differ:
 * - image_transfer_initiate starts over (every block forgotten), as Gurux's server does; a client
 *   resumes by NOT initiating again when status and image_to_activate_info show its image.
 * - Blocks are taken only in status 1 (initiated); another block number than 0..n−1 or a block of
 *   the wrong length (all image_block_size, the last the remainder) is refused with other-reason.
 * - image_verify and image_activate run "in the background" when `pollsToComplete` > 0: they answer
 *   temporary-failure, status reads 2 (or 5) for that many reads of attribute 6, then the outcome.
 *   With 0 they answer success / other-reason at once.
 * - Verification fails when a block is missing, the image is not a simulator image, it is for
 *   another vendor or model, or the meter is one of the ~3 % whose flash "fails" (`simVerifyFails`).
 *   image_activate of an image not yet verified verifies it first.
 * - Partial transfers live in memory only: a restart of the simulated meter forgets them (status 0);
 *   the active firmware is what survives (the caller persists `active()`).
 */
import { createHash } from 'node:crypto';
import type { ActionResult, DataAccessResult } from '../../protocols/dlms/apdu/common.ts';
import { d, type DlmsData } from '../../protocols/dlms/axdr/index.ts';
import {
  blockCount, encodeBlocksStatus, encodeToActivateInfo, encodeTransferStatus, isVerifyActivateParam, parseBlockTransfer, parseInitiate,
  type ImageTransferStatus,
} from '../../protocols/dlms/cosem/image-transfer.ts';
import { isDlmsError } from '../../protocols/dlms/errors.ts';
import { parseSimImage, SIM_IMAGE_MAX_SIZE } from '../firmware-image.ts';

/** The firmware a simulated meter runs: the version it reports, and the image identifier it came from (null: as shipped). */
export interface SimActiveFirmware {
  readonly version: string;
  readonly identifier: string | null;
}

export interface SimImageTransferOptions {
  readonly vendor: string;
  readonly model: string;
  readonly active: SimActiveFirmware;
  /** image_block_size, default 192 octets. */
  readonly blockSize?: number;
  /** Reads of the status that show verification/activation still running (default 1; 0 = synchronous). */
  readonly pollsToComplete?: number;
  /** This meter fails every verification (default false; the meter objects pass `simVerifyFails(id)`). */
  readonly verifyFails?: boolean;
  /** image_transfer_enabled at start (default true; writable). */
  readonly enabled?: boolean;
  /**
   * The meter restarts to run the new image: image_activate activates at once and the meter drops
   * the association without answering (the server takes `takeReboot()`); default false.
   */
  readonly rebootOnActivate?: boolean;
}

export interface SimImageTransfer {
  get(attributeId: number): DlmsData | { readonly error: DataAccessResult } | undefined;
  set(attributeId: number, value: DlmsData): DataAccessResult;
  action(methodId: number, params: DlmsData | null): { readonly result: ActionResult } | undefined;
  /** The firmware running now. */
  active(): SimActiveFirmware;
  /** True once after an activation that restarts the meter (`rebootOnActivate`): drop the connection. */
  takeReboot(): boolean;
}

export const SIM_IMAGE_BLOCK_SIZE = 192;

/** The ~3 % of simulated meters whose flash fails every image verification (by a hash of the id, stable across runs). */
export function simVerifyFails(meterId: string): boolean {
  const h = createHash('sha256').update(`meterstack-sim-image-verify/v1\u0000${meterId}`).digest();
  return h.readUInt16BE(0) % 1000 < 30;
}

export function createSimImageTransfer(o: SimImageTransferOptions): SimImageTransfer {
  const blockSize = o.blockSize ?? SIM_IMAGE_BLOCK_SIZE;
  const pollsToComplete = o.pollsToComplete ?? 1;
  let enabled = o.enabled ?? true;
  let active: SimActiveFirmware = o.active;
  let status: ImageTransferStatus = 'not-initiated';
  let identifier = new Uint8Array(0);
  let size = 0;
  let blocks: (Uint8Array | undefined)[] = [];
  /** A verification or activation running: the status it ends in, after `polls` more reads. */
  let pending: { polls: number; then: () => ImageTransferStatus } | null = null;
  let reboot = false;

  const complete = (): boolean => blocks.length > 0 && blocks.every((b) => b !== undefined);
  const firstMissing = (): number => {
    const i = blocks.findIndex((b) => b === undefined);
    return i < 0 ? blocks.length : i;
  };
  const verifies = (): { ok: true; version: string } | { ok: false } => {
    if (o.verifyFails === true || !complete()) return { ok: false };
    try {
      const img = parseSimImage(Uint8Array.from(Buffer.concat(blocks as Uint8Array[])));
      return img.vendor === o.vendor && img.model === o.model && img.size === size ? { ok: true, version: img.version } : { ok: false };
    } catch {
      return { ok: false };
    }
  };
  const activate = (): ImageTransferStatus => {
    const v = verifies();
    if (!v.ok) return 'activation-failed';
    active = { version: v.version, identifier: Buffer.from(identifier).toString('latin1') };
    blocks = blocks.map(() => new Uint8Array(0)); // flashed: the buffer is free again, the bits stay set
    return 'activation-successful';
  };
  /** Runs `outcome` now (pollsToComplete 0) or after `pollsToComplete` status reads. */
  const run = (running: ImageTransferStatus, outcome: () => ImageTransferStatus, good: ImageTransferStatus): { result: ActionResult } => {
    if (pollsToComplete === 0) {
      status = outcome();
      return { result: status === good ? 'success' : 'other-reason' };
    }
    status = running;
    pending = { polls: pollsToComplete, then: outcome };
    return { result: 'temporary-failure' };
  };

  const initiate = (p: DlmsData | null): { result: ActionResult } => {
    if (!enabled) return { result: 'read-write-denied' };
    let init;
    try {
      init = parseInitiate(p ?? d.null());
    } catch (err) {
      if (isDlmsError(err)) return { result: 'type-unmatched' };
      throw err;
    }
    if (init.size === 0 || init.size > SIM_IMAGE_MAX_SIZE) return { result: 'other-reason' };
    identifier = Uint8Array.from(init.identifier);
    size = init.size;
    blocks = new Array<Uint8Array | undefined>(blockCount(size, blockSize)).fill(undefined);
    pending = null;
    status = 'initiated';
    return { result: 'success' };
  };

  const blockTransfer = (p: DlmsData | null): { result: ActionResult } => {
    let b;
    try {
      b = parseBlockTransfer(p ?? d.null());
    } catch (err) {
      if (isDlmsError(err)) return { result: 'type-unmatched' };
      throw err;
    }
    if (!enabled || status !== 'initiated') return { result: 'read-write-denied' };
    const n = blocks.length;
    const expected = b.blockNumber === n - 1 ? size - (n - 1) * blockSize : blockSize;
    if (b.blockNumber >= n || b.value.length !== expected) return { result: 'other-reason' };
    blocks[b.blockNumber] = Uint8Array.from(b.value);
    return { result: 'success' };
  };

  const verify = (): { result: ActionResult } => {
    if (status === 'not-initiated') return { result: 'read-write-denied' };
    if (status === 'verification-successful' || status === 'activation-successful') return { result: 'success' };
    if (status === 'verification-initiated' || status === 'activation-initiated') return { result: 'temporary-failure' };
    return run('verification-initiated', () => (verifies().ok ? 'verification-successful' : 'verification-failed'), 'verification-successful');
  };

  const activateMethod = (): { result: ActionResult } => {
    if (status === 'not-initiated' || status === 'verification-failed') return { result: 'read-write-denied' };
    if (status === 'activation-successful') return { result: 'success' };
    if (status === 'verification-initiated' || status === 'activation-initiated') return { result: 'temporary-failure' };
    if (o.rebootOnActivate === true) {
      status = activate();
      reboot = status === 'activation-successful';
      return { result: reboot ? 'success' : 'other-reason' };
    }
    return run('activation-initiated', activate, 'activation-successful');
  };

  return {
    active: () => active,
    takeReboot: () => {
      const r = reboot;
      reboot = false;
      return r;
    },
    get(attributeId) {
      switch (attributeId) {
        case 2: return d.u32(blockSize);
        case 3: return encodeBlocksStatus(blocks.map((b) => b !== undefined));
        case 4: return d.u32(firstMissing());
        case 5: return d.boolean(enabled);
        case 6: {
          const now = encodeTransferStatus(status);
          if (pending !== null && --pending.polls <= 0) {
            status = pending.then();
            pending = null;
          }
          return now;
        }
        case 7: return status === 'not-initiated' ? d.array() : encodeToActivateInfo([{ size, identifier, signature: new Uint8Array(0) }]);
        default: return undefined;
      }
    },
    set(attributeId, value) {
      if (attributeId !== 5) return 'read-write-denied';
      if (value.type !== 'boolean') return 'type-unmatched';
      enabled = value.value;
      return 'success';
    },
    action(methodId, params) {
      switch (methodId) {
        case 1: return initiate(params);
        case 2: return blockTransfer(params);
        case 3: return isVerifyActivateParam(params) ? verify() : { result: 'type-unmatched' };
        case 4: return isVerifyActivateParam(params) ? activateMethod() : { result: 'type-unmatched' };
        default: return undefined;
      }
    },
  };
}
