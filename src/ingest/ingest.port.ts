import type { EpochSeconds, IntervalSeries, MeterEvent, RegisterReading } from '../model/index.ts';

/**
 * What faces, the head-end and the simulator hand to the ingest pipeline, and what they get back.
 * `submit` resolves only once everything the message produced is durable (committed), so a
 * resolved promise is an acknowledgement a client can rely on.
 */

/** A message as received: the raw bytes are hashed into the integrity chain before anything else. */
export interface RawMessage {
  /** Where it came from: 'api', 'mqtt:<client>', 'file:<name>', 'sim' … */
  readonly source: string;
  readonly bytes: Uint8Array;
  /** The parsed canonical JSON batch (see docs/ingest-format.md). Parsed from bytes if absent. */
  readonly body?: unknown;
  readonly receivedAt?: EpochSeconds;
  /** Who submitted it (API key id, device id), for audit entries. */
  readonly actor?: string;
}

/** Already-decoded data (a codec or the simulator produced series directly). */
export interface DecodedMessage {
  readonly source: string;
  /** The bytes as received, for the integrity chain; omit only for locally generated data. */
  readonly bytes?: Uint8Array;
  readonly series: readonly IntervalSeries[];
  readonly registers?: readonly RegisterReading[];
  readonly events?: readonly MeterEvent[];
  readonly receivedAt?: EpochSeconds;
  readonly actor?: string;
  /**
   * Set when the message as a whole could not be decoded (a payload mapper refused it): the
   * pipeline records its receipt (the bytes join the integrity chain like any message) and one
   * reject row at index -1 with this code and reason, and stores none of its data.
   */
  readonly rejected?: MessageRejection;
}

export interface MessageRejection {
  /** A stable error code (docs/errors.md), e.g. PAYLOAD_UNKNOWN_VERSION. */
  readonly code: string;
  readonly reason: string;
  /** The meter the message came from, when the transport knows it (kept with the reject row). */
  readonly meterId?: string;
}

export interface ItemRejection {
  /** Index of the item in the batch (0-based); -1 when the message as a whole is not a batch. */
  readonly index: number;
  readonly code: string;
  readonly reason: string;
}

export interface IngestResult {
  readonly receiptSeq: number;
  readonly sha256: string;
  /** Items accepted (a series item counts once). */
  readonly accepted: number;
  readonly rejected: readonly ItemRejection[];
  /** Interval counts from the store: newly written, idempotent no-ops, new versions. */
  readonly written: number;
  readonly unchanged: number;
  readonly versioned: number;
}

export interface IngestStats {
  readonly queued: number;
  readonly messages: number;
  readonly readings: number;
  readonly rejected: number;
}

export interface Ingestor {
  submit(msg: RawMessage): Promise<IngestResult>;
  submitDecoded(msg: DecodedMessage): Promise<IngestResult>;
  stats(): IngestStats;
  /** Stop taking messages, finish the queued ones, then resolve. */
  close(): Promise<void>;
}
