const flag = { type: 'string', enum: ['A', 'S', 'E', 'F', 'N', 'V'] } as const;
const itemTime = {
  type: ['string', 'number'],
  description: 'RFC 3339 with offset (2026-11-26T10:15:00Z) or UTC epoch seconds; on the interval grid',
} as const;
const common = {
  meter: { type: 'string', minLength: 1, description: 'Meter id' },
  channel: { type: 'string', description: 'OBIS code such as 1-0:1.8.0' },
  intervalS: { type: 'number', description: 'Interval length in seconds (60..3600, dividing a day)' },
} as const;

/**
 * The canonical JSON batch (docs/ingest-format.md). The schema checks structure only; what makes an
 * item unusable in substance (unknown meter, off-grid time, negative import, future) is answered per
 * item by the pipeline, so one bad reading never costs the others.
 */
export const ingestBatchSchema = {
  $id: 'IngestBatch',
  type: 'object',
  required: ['readings'],
  additionalProperties: false,
  properties: {
    readings: {
      type: 'array',
      items: {
        oneOf: [
          {
            title: 'One interval',
            type: 'object',
            required: ['meter', 'channel', 'end', 'intervalS', 'value'],
            additionalProperties: false,
            properties: {
              ...common,
              end: { ...itemTime, description: `Interval end. ${itemTime.description}` },
              value: { type: 'number', description: 'Integer in the channel\'s stored unit (Wh, mV, mA, L …)' },
              quality: flag,
            },
          },
          {
            title: 'A series of intervals',
            type: 'object',
            required: ['meter', 'channel', 'start', 'intervalS', 'values'],
            additionalProperties: false,
            properties: {
              ...common,
              start: { ...itemTime, description: `Start of the first interval. ${itemTime.description}` },
              values: { type: 'array', minItems: 1, items: { type: 'number' } },
              quality: { oneOf: [flag, { type: 'array', items: flag }], description: 'One flag for all values, or one per value' },
            },
          },
        ],
      },
    },
  },
} as const;

export const ingestResultSchema = {
  $id: 'IngestResult',
  type: 'object',
  required: ['receipt', 'accepted', 'rejected', 'written', 'unchanged', 'versioned'],
  properties: {
    receipt: {
      type: 'object',
      required: ['seq', 'sha256'],
      properties: { seq: { type: 'integer' }, sha256: { type: 'string', description: 'SHA-256 of the body as received' } },
    },
    accepted: { type: 'integer', description: 'Items accepted (a series counts once)' },
    rejected: {
      type: 'array',
      description: 'Items not accepted, each with the reason; they are also listed under /rejects',
      items: {
        type: 'object',
        required: ['index', 'code', 'reason'],
        properties: { index: { type: 'integer' }, code: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    written: { type: 'integer', description: 'Intervals stored for the first time' },
    unchanged: { type: 'integer', description: 'Intervals already stored with the same value (idempotent repeats)' },
    versioned: { type: 'integer', description: 'Intervals whose value changed: stored as a new version' },
  },
} as const;
