/** Vendor payload mappers: JSON/CBOR bodies from MQTT and CoAP devices → canonical data. */
export type { MappedPayload, PayloadContext, PayloadEncoding, PayloadMapper } from './payload.ts';
export { PAYLOAD_MAPPERS, listPayloadFormats, mapPayload, mapperFor, type PayloadFormatInfo } from './registry.ts';
export { encodeBody } from './body.ts';
export { COMPACT_V1_CHANNELS } from './compact-v1.ts';
export { PAYLOAD_EXAMPLES, EXAMPLE_DEVICE, type PayloadExample } from './examples.ts';
