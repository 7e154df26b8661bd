/**
 * The image transfer process (IEC 62056-6-2 class 18, Blue Book "Image transfer process") on one
 * associated DlmsSession: the client half of a firmware upgrade.
 *
 *  1. GET (one GET-with-list) image_transfer_enabled (5), image_block_size (2), image_transfer_status
 *     (6), image_to_activate_info (7). Disabled → DLMS_IMAGE_TRANSFER_DISABLED.
 *  2. Resume or start: when image_to_activate_info names this image (identifier and size) and the
 *     status is 1 (initiated), the blocks the meter lacks are read from
 *     image_transferred_blocks_status (3) and only those are sent; with status 2/3 the transfer is
 *     done and verification goes on; with 6 and the expected version running nothing is left to do.
 *     Otherwise image_transfer_initiate(identifier, size) starts over.
 *  3. image_block_transfer(n, block) for each missing block, in order; the AbortSignal is checked
 *     before every block (DLMS_IMAGE_ABORTED). A block answered temporary-failure is retried.
 *  4. Completeness: image_first_not_transferred_block_number (4) ≥ block count, else the bit-string
 *     is read again and the missing blocks re-sent (a few rounds, then DLMS_IMAGE_INCOMPLETE).
 *  5. image_verify(0): success, or temporary-failure and image_transfer_status polled while 2
 *     (verification initiated) → 3 goes on, 4 is DLMS_IMAGE_VERIFY_FAILED. image_to_activate_info
 *     must still name this image.
 *  6. image_activate(0): success, or temporary-failure and the status polled while 5 → 6 goes on,
 *     7 is DLMS_IMAGE_ACTIVATE_FAILED. Polls give up after `pollTimeoutMs` (DLMS_IMAGE_TIMEOUT).
 *  7. GET the active firmware identifier (class 1, 1-0:0.2.0.255 attr 2): the version the meter
 *     runs; another one than expected is DLMS_IMAGE_ACTIVATE_FAILED.
 */
import type { Obis } from '../model/obis.ts';
import type { UpgradeProgress } from '../model/firmware.ts';
import { dataOf } from '../protocols/dlms/apdu/index.ts';
import type { ActionResult } from '../protocols/dlms/apdu/common.ts';
import type { DlmsData } from '../protocols/dlms/axdr/index.ts';
import {
  ACTIVE_FIRMWARE_LN, blockCount, encodeBlockTransfer, encodeInitiate, IMAGE_ATTR, IMAGE_METHOD, IMAGE_TRANSFER_CLASS_ID, IMAGE_TRANSFER_LN,
  imageBlock, missingBlocks, parseBlockSize, parseBlocksStatus, parseFirmwareIdentifier, parseFirstNotTransferred, parseToActivateInfo,
  parseTransferEnabled, parseTransferStatus, VERIFY_ACTIVATE_PARAM, type ImageToActivate, type ImageTransferStatus,
} from '../protocols/dlms/cosem/image-transfer.ts';
import { DlmsError, type DlmsErrorCode } from '../protocols/dlms/errors.ts';
import { attributeOf, methodOf, type DlmsSession } from './dlms-session.ts';

export interface ImageToTransfer {
  /** image_identifier as the meter sees it. */
  readonly identifier: Uint8Array;
  readonly bytes: Uint8Array;
  /** The version the meter must report after activation (unchecked when absent). */
  readonly version?: string;
}

export interface ImageTransferOptions {
  readonly progress?: (p: UpgradeProgress) => void;
  /** Checked before every block and before verification. */
  readonly signal?: AbortSignal;
  /** After every block the meter took (e.g. to persist invocation counters now and then). */
  readonly onBlock?: (blocksSent: number) => void;
  /** Between status polls and block retries, default 200 ms. */
  readonly pollIntervalMs?: number;
  /** How long verification or activation may run, default 60 s. */
  readonly pollTimeoutMs?: number;
  /** Rounds of re-sending missing blocks before DLMS_IMAGE_INCOMPLETE, default 3. */
  readonly maxRounds?: number;
  /** Default 1-0:0.2.0.255. */
  readonly firmwareObis?: Obis;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ImageTransferReport {
  /** The version the meter reports after activation. */
  readonly version: string;
  readonly blocks: number;
  /** image_block_transfer requests the meter took in this run (fewer than `blocks` when resumed). */
  readonly blocksSent: number;
  /** The meter held part of (or all of) this image already. */
  readonly resumed: boolean;
}

const attr = (id: number) => attributeOf(IMAGE_TRANSFER_CLASS_ID, IMAGE_TRANSFER_LN, id);
const method = (id: number) => methodOf(IMAGE_TRANSFER_CLASS_ID, IMAGE_TRANSFER_LN, id);
const fail = (code: DlmsErrorCode, msg: string, details: Record<string, unknown> = {}): DlmsError => new DlmsError(code, msg, { details });
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const VERIFIED: readonly ImageTransferStatus[] = ['verification-successful', 'activation-initiated', 'activation-successful', 'activation-failed'];
const BLOCK_RETRIES = 3;

/** One image transfer on an associated session; see the file comment for the steps. */
export async function transferImage(s: DlmsSession, image: ImageToTransfer, o: ImageTransferOptions = {}): Promise<ImageTransferReport> {
  return new ImageTransferRun(s, image, o).run();
}

/** What the meter holds when the run begins. */
interface MeterSide {
  readonly blockSize: number;
  readonly total: number;
  readonly status: ImageTransferStatus;
  /** image_to_activate_info names this image. */
  readonly ours: boolean;
}

class ImageTransferRun {
  readonly #sleep: (ms: number) => Promise<void>;
  #sent = 0;

  constructor(private readonly s: DlmsSession, private readonly image: ImageToTransfer, private readonly o: ImageTransferOptions) {
    this.#sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  }

  async run(): Promise<ImageTransferReport> {
    const m = await this.#inspect();
    const { ours, status, total } = m;
    if (ours && status === 'activation-successful') {
      const version = await this.#activeVersion();
      if (this.image.version === undefined || version === this.image.version) {
        this.o.progress?.({ step: 'activate', done: 1, total: 1 });
        return { version, blocks: total, blocksSent: 0, resumed: true };
      }
    }
    const resume = ours && status === 'initiated';
    const transferred = ours && (status === 'verification-initiated' || status === 'verification-successful' || status === 'activation-initiated');
    if (!transferred) await this.#transfer(m, resume);
    // A meter that went on to activation on its own has verified.
    if (status !== 'activation-initiated' || !ours) await this.#verify();
    const version = await this.#activate(ours && status === 'activation-initiated');
    return { version, blocks: total, blocksSent: this.#sent, resumed: resume || transferred };
  }

  /** Step 1: one GET-with-list of attributes 5, 2, 6 and 7. */
  async #inspect(): Promise<MeterSide> {
    const [enabled, blockSize, status, info] = (await this.s.getList([IMAGE_ATTR.enabled, IMAGE_ATTR.blockSize, IMAGE_ATTR.status, IMAGE_ATTR.toActivateInfo]
      .map((id) => ({ attribute: attr(id) })))).map((raw) => dataOf(raw));
    if (!parseTransferEnabled(enabled!)) throw fail('DLMS_IMAGE_TRANSFER_DISABLED', 'image_transfer_enabled is false');
    const size = parseBlockSize(blockSize!);
    return { blockSize: size, total: blockCount(this.image.bytes.length, size), status: parseTransferStatus(status!), ours: this.#isOurs(parseToActivateInfo(info!)) };
  }

  /** Steps 2–4: initiate (unless resuming), the missing blocks, then re-send what is still missing. */
  async #transfer({ blockSize, total }: MeterSide, resume: boolean): Promise<void> {
    let missing: number[];
    if (resume) {
      missing = await this.#missing(total);
    } else {
      this.#checkAbort('before image_transfer_initiate');
      const r = await this.s.action(method(IMAGE_METHOD.initiate), encodeInitiate({ identifier: this.image.identifier, size: this.image.bytes.length }));
      if (r.result !== 'success') throw fail('DLMS_IMAGE_BLOCK_REFUSED', `image_transfer_initiate answered ${r.result}`, { result: r.result });
      missing = Array.from({ length: total }, (_, i) => i);
    }
    this.o.progress?.({ step: 'transfer', done: total - missing.length, total });
    for (let round = 1; ; round++) {
      let done = total - missing.length;
      for (const n of missing) {
        this.#checkAbort(`before block ${n} of ${total}`);
        await this.#sendBlock(n, blockSize);
        this.#sent++;
        done++;
        this.o.onBlock?.(this.#sent);
        this.o.progress?.({ step: 'transfer', done, total });
      }
      if (parseFirstNotTransferred(await this.#get(IMAGE_ATTR.firstNotTransferred)) >= total) return;
      missing = await this.#missing(total);
      if (missing.length === 0) return;
      if (round >= (this.o.maxRounds ?? 3)) {
        throw fail('DLMS_IMAGE_INCOMPLETE', `${missing.length} of ${total} blocks still missing after ${round} rounds`, { missing: missing.slice(0, 20), total });
      }
    }
  }

  async #sendBlock(n: number, blockSize: number): Promise<void> {
    const params = encodeBlockTransfer({ blockNumber: n, value: imageBlock(this.image.bytes, n, blockSize) });
    let result: ActionResult = 'temporary-failure';
    for (let attempt = 0; attempt <= BLOCK_RETRIES && result === 'temporary-failure'; attempt++) {
      if (attempt > 0) await this.#sleep(this.o.pollIntervalMs ?? 200);
      result = (await this.s.action(method(IMAGE_METHOD.blockTransfer), params)).result;
    }
    if (result !== 'success') throw fail('DLMS_IMAGE_BLOCK_REFUSED', `image_block_transfer of block ${n} answered ${result}`, { block: n, result });
  }

  /** Step 5: image_verify, polled while verification runs; image_to_activate_info must name this image. */
  async #verify(): Promise<void> {
    this.#checkAbort('before image_verify');
    this.o.progress?.({ step: 'verify', done: 0, total: 1 });
    const r = await this.s.action(method(IMAGE_METHOD.verify), VERIFY_ACTIVATE_PARAM);
    const after = r.result === 'success' ? 'verification-successful' : r.result === 'temporary-failure' ? await this.#poll('verification-initiated') : await this.#status();
    if (!VERIFIED.includes(after)) throw fail('DLMS_IMAGE_VERIFY_FAILED', `the meter did not verify the image (image_verify ${r.result}, status ${after})`, { result: r.result, status: after });
    if (!this.#isOurs(parseToActivateInfo(await this.#get(IMAGE_ATTR.toActivateInfo)))) {
      throw fail('DLMS_IMAGE_VERIFY_FAILED', 'image_to_activate_info does not name the transferred image');
    }
    this.o.progress?.({ step: 'verify', done: 1, total: 1 });
  }

  /** Steps 6–7: image_activate (or only the polling of one running), then the version the meter runs. */
  async #activate(running: boolean): Promise<string> {
    this.o.progress?.({ step: 'activate', done: 0, total: 1 });
    let after: ImageTransferStatus;
    if (running) {
      after = await this.#poll('activation-initiated');
    } else {
      const r = await this.s.action(method(IMAGE_METHOD.activate), VERIFY_ACTIVATE_PARAM);
      after = r.result === 'success' ? 'activation-successful' : r.result === 'temporary-failure' ? await this.#poll('activation-initiated') : await this.#status();
    }
    if (after !== 'activation-successful') throw fail('DLMS_IMAGE_ACTIVATE_FAILED', `the meter did not activate the image (status ${after})`, { status: after });
    const version = await this.#activeVersion();
    if (this.image.version !== undefined && version !== this.image.version) {
      throw fail('DLMS_IMAGE_ACTIVATE_FAILED', `the meter reports firmware ${version} after activation, not ${this.image.version}`, { reported: version, expected: this.image.version });
    }
    this.o.progress?.({ step: 'activate', done: 1, total: 1 });
    return version;
  }

  /** Reads the status while it is `running`; the first other value, or DLMS_IMAGE_TIMEOUT. */
  async #poll(running: ImageTransferStatus): Promise<ImageTransferStatus> {
    const timeout = this.o.pollTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const now = await this.#status();
      if (now !== running) return now;
      if (Date.now() >= deadline) throw fail('DLMS_IMAGE_TIMEOUT', `image_transfer_status still ${running} after ${timeout} ms`, { status: running });
      await this.#sleep(this.o.pollIntervalMs ?? 200);
    }
  }

  async #get(id: number): Promise<DlmsData> {
    return dataOf(await this.s.get(attr(id)));
  }

  async #status(): Promise<ImageTransferStatus> {
    return parseTransferStatus(await this.#get(IMAGE_ATTR.status));
  }

  async #missing(total: number): Promise<number[]> {
    return missingBlocks(parseBlocksStatus(await this.#get(IMAGE_ATTR.blocksStatus)), total);
  }

  async #activeVersion(): Promise<string> {
    return parseFirmwareIdentifier(dataOf(await this.s.get(attributeOf(1, this.o.firmwareObis ?? ACTIVE_FIRMWARE_LN, 2))));
  }

  #isOurs(info: readonly ImageToActivate[]): boolean {
    return info.some((i) => i.size === this.image.bytes.length && sameBytes(i.identifier, this.image.identifier));
  }

  #checkAbort(where: string): void {
    if (this.o.signal?.aborted) throw fail('DLMS_IMAGE_ABORTED', `stopped ${where}`);
  }
}
