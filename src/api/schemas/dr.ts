import { DR_KINDS, DR_STATUSES } from '../../services/index.ts';
import { time } from './common.ts';

/** JSON Schemas of the peak-event (demand response) routes. */

const ids = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 10_000 } as const;

export const drTargetsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Whom the event is for: every electricity meter, or any mix of grid areas (EAN), feeders, transformers and premises',
  properties: { all: { type: 'boolean' }, gridAreas: ids, feeders: ids, transformers: ids, premises: ids },
} as const;

export const drLevelSchema = {
  type: 'object',
  required: ['start', 'end', 'level'],
  additionalProperties: false,
  properties: {
    start: time, end: time,
    level: { type: 'integer', minimum: 0, maximum: 3, description: '0 normal, 1 moderate, 2 high, 3 critical (OpenADR SIMPLE levels)' },
    price: { type: 'number', description: 'Price per kWh in the tariff currency (price events)' },
  },
} as const;

export const drCreateBody = {
  type: 'object',
  required: ['name', 'kind', 'start', 'end', 'targets'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 120 },
    kind: { type: 'string', enum: DR_KINDS },
    start: time, end: time,
    noticeAt: { ...time, description: 'When customers are told (default now)' },
    level: { type: 'integer', minimum: 0, maximum: 3, description: 'The whole event at one level, when `levels` is not given (default 1)' },
    price: { type: 'number' },
    levels: { type: 'array', items: drLevelSchema, maxItems: 200 },
    targets: drTargetsSchema,
    message: { type: 'string', maxLength: 500, description: 'What customers are asked to do' },
  },
} as const;

const nullableNum = { type: ['number', 'null'] } as const;

export const drEventSchema = {
  type: 'object',
  required: ['id', 'name', 'kind', 'status', 'level', 'start', 'end', 'noticeAt', 'levels', 'targets', 'source', 'createdBy', 'createdAt'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string', enum: DR_KINDS }, status: { type: 'string', enum: DR_STATUSES },
    level: { type: 'integer' }, start: time, end: time, noticeAt: time,
    levels: { type: 'array', items: drLevelSchema }, targets: drTargetsSchema, message: { type: 'string' },
    source: { type: 'string', enum: ['console', 'openadr'] }, externalKey: { type: 'string' }, modification: { type: 'integer' },
    createdBy: { type: 'string' }, createdAt: time, updatedAt: time, cancelledAt: time, cancelledBy: { type: 'string' },
  },
} as const;

export const drPerformanceSchema = {
  type: 'object',
  required: ['premise', 'status', 'method', 'days', 'intervals', 'baselineWh', 'actualWh', 'reductionWh', 'reductionPct', 'estimatedIntervals'],
  properties: {
    premise: { type: 'string' },
    status: { type: 'string', enum: ['ok', 'insufficient-history', 'missing-data'], description: 'No figure unless ok' },
    method: { type: 'string' }, days: { type: 'array', items: { type: 'string' } }, intervals: { type: 'integer' },
    baselineWh: nullableNum, actualWh: nullableNum, reductionWh: nullableNum, reductionPct: nullableNum,
    estimatedIntervals: { type: 'integer', description: 'Estimated or substituted intervals used (event window and baseline days)' },
    missingIntervals: { type: 'integer' },
    optedOut: { type: 'boolean' },
  },
} as const;

export const drDetailSchema = {
  type: 'object',
  required: [...drEventSchema.required, 'targetMeters', 'targetPremises', 'responses', 'deliveries', 'performance', 'totals'],
  properties: {
    ...drEventSchema.properties,
    targetMeters: { type: 'integer' }, targetPremises: { type: 'integer' },
    targetList: { type: 'array', items: { type: 'object', properties: { meter: { type: 'string' }, premise: { type: ['string', 'null'] } } } },
    responses: { type: 'array', items: { type: 'object', properties: { premise: { type: 'string' }, acknowledgedAt: time, optedOutAt: time } } },
    deliveries: { type: 'array', items: { type: 'object', properties: { meter: { type: 'string' }, status: { type: 'string', enum: ['sent', 'answered', 'failed'] }, at: time, detail: { type: 'string' } } } },
    performance: { type: 'array', items: drPerformanceSchema },
    totals: { type: 'object', additionalProperties: true },
  },
} as const;

export const noticeSchema = {
  type: 'object',
  required: ['event', 'response', 'performance'],
  properties: {
    event: drEventSchema,
    response: { type: ['object', 'null'], properties: { acknowledgedAt: time, optedOutAt: time } },
    performance: { anyOf: [drPerformanceSchema, { type: 'null' }] },
  },
} as const;
