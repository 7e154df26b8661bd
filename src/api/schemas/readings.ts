import { time } from './common.ts';

const quality = { type: 'string', enum: ['A', 'S', 'E', 'F', 'N', 'V'], description: 'A actual, S substituted, E estimated, F final substitute, N missing, V variable' } as const;

export const readingSchema = {
  $id: 'Reading',
  type: 'object',
  required: ['end', 'value', 'quality'],
  properties: {
    start: { ...time, description: 'Start of the interval (absent for a register reading)' },
    end: { ...time, description: 'End of the interval, or the time of a register reading' },
    value: { type: 'number', description: 'Integer in the channel\'s stored unit; 0 when missing (N)' },
    quality,
    reason: { type: 'integer', description: 'NEM12 reason code' },
  },
} as const;

export const bucketSchema = {
  $id: 'Bucket',
  type: 'object',
  required: ['label', 'start', 'end', 'value', 'intervals', 'expected', 'estimated', 'missing'],
  properties: {
    label: { type: 'string', description: 'Local date (YYYY-MM-DD), month (YYYY-MM) or hour start (ISO with offset)' },
    start: time,
    end: time,
    value: { type: 'number', description: 'Sum of the intervals with a value' },
    intervals: { type: 'integer', description: 'Intervals with a value' },
    expected: { type: 'integer', description: 'Intervals the bucket has (92/96/100 quarter-hours on a DST/normal day)' },
    estimated: { type: 'integer', description: 'Of those with a value, substituted or estimated' },
    missing: { type: 'integer', description: 'expected - intervals' },
  },
} as const;

export const loadPointSchema = {
  $id: 'LoadPoint',
  type: 'object',
  required: ['start', 'end', 'value', 'contributors', 'quality'],
  properties: {
    start: time,
    end: time,
    value: { type: 'number', description: 'Sum over the meters, in the channel\'s stored unit' },
    averageW: { type: 'number', description: 'Average power over the interval in W (energy channels only)' },
    contributors: { type: 'integer', description: 'Meters with a value for this interval' },
    quality: { ...quality, description: 'Worst quality among the contributing intervals' },
  },
} as const;
