import type { IntervalSeries, MeterEvent, RegisterReading } from '../../model/index.ts';

/**
 * Vendor payload mappers: how the JSON/CBOR bodies that MQTT and CoAP devices send become
 * canonical data. Every payload declares its vendor format and schema version; a mapper handles
 * exactly one (vendor, version) pair, so a new version is a new mapper and old devices keep working.
 */

export type PayloadEncoding = 'json' | 'cbor';

/** What the transport knows about a message besides its bytes. */
export interface PayloadContext {
  /** The device (meter id) the transport authenticated; a payload may only speak for it. */
  readonly deviceId: string;
  readonly encoding: PayloadEncoding;
  /** When the transport received it (epoch seconds), for payloads without their own time. */
  readonly receivedAt: number;
}

export interface MappedPayload {
  readonly series: readonly IntervalSeries[];
  readonly registers: readonly RegisterReading[];
  readonly events: readonly MeterEvent[];
}

export interface PayloadMapper {
  /** Vendor format name as payloads declare it, e.g. 'obis-flat'. */
  readonly format: string;
  /** Schema version as payloads declare it, e.g. 1. */
  readonly version: number;
  readonly description: string;
  /** Maps an already decoded body (JSON value or CBOR item); throws a typed MeterstackError. */
  map(body: unknown, ctx: PayloadContext): MappedPayload;
}
