import { problemSchema } from './common.ts';
import { ingestBatchSchema, ingestResultSchema } from './ingest.ts';
import { channelSchema, meterDetailSchema, meterSchema, topologySchema } from './meters.ts';
import { bucketSchema, loadPointSchema, readingSchema } from './readings.ts';
import { auditEntrySchema, receiptSchema, rejectSchema } from './records.ts';

export const SHARED_SCHEMAS = [
  problemSchema, meterSchema, channelSchema, meterDetailSchema, topologySchema,
  readingSchema, bucketSchema, loadPointSchema, rejectSchema, receiptSchema, auditEntrySchema,
  ingestBatchSchema, ingestResultSchema,
] as const;
