import type { Meter } from './meter.ts';

/** A firmware image as a path to the meter needs it: the bytes and what the meter checks them against. */
export interface FirmwareImageBytes {
  readonly id: string;
  /** The version the meter reports once it runs this image. */
  readonly version: string;
  /** The image identifier the meter sees (DLMS image_identifier); ASCII, at most 64 bytes. */
  readonly identifier: string;
  readonly bytes: Uint8Array;
  /** SHA-256 of `bytes`, lower-case hex. */
  readonly sha256: string;
}

export type UpgradeStep = 'transfer' | 'verify' | 'activate';

export interface UpgradeProgress {
  readonly step: UpgradeStep;
  /** Blocks (transfer) or 0/1 (verify, activate) done so far, of `total`. */
  readonly done: number;
  readonly total: number;
}

/**
 * One way of bringing an image onto meters (DLMS image transfer, MQTT commands, …). Campaigns pick
 * the first path that reaches a meter. `upgrade` transfers, verifies and activates, resumes a
 * transfer the meter already holds part of, stops at the next block when `signal` aborts, and
 * fails with a MeterstackError whose code says what went wrong (FIRMWARE_VERIFY_FAILED, …).
 */
export interface FirmwarePath {
  readonly name: string;
  reaches(meter: Meter): boolean;
  upgrade(meter: Meter, image: FirmwareImageBytes, progress: (p: UpgradeProgress) => void, signal: AbortSignal): Promise<{ readonly version: string }>;
}
