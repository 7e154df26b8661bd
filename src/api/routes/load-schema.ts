import { collection, rangeQuery, ref, time } from '../schemas/common.ts';

export interface LoadQuery {
  from: string;
  to: string;
  channel?: string;
  zone?: string;
}

export const loadQuery = {
  type: 'object',
  required: ['from', 'to'],
  properties: {
    ...rangeQuery,
    channel: { type: 'string', default: '1-0:1.8.0', description: 'OBIS code of the summed channel' },
    zone: { type: 'string', default: 'UTC', description: 'IANA zone in which times are written' },
  },
} as const;

export const loadResponse = collection(ref('LoadPoint'), {
  channel: { type: 'string' },
  unit: { type: 'string' },
  intervalS: { type: 'integer' },
  from: time,
  to: time,
  meters: { type: 'integer', description: 'Meters in the set' },
  latest: { type: ['string', 'null'], format: 'date-time', description: 'End of the newest interval any meter reported' },
}, ['channel', 'intervalS', 'from', 'to', 'meters', 'latest']);
