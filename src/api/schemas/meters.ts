import { ref, time } from './common.ts';

const str = { type: 'string' } as const;

export const meterSchema = {
  $id: 'Meter',
  type: 'object',
  required: ['id', 'kind', 'status', 'timeZone', 'tags'],
  properties: {
    id: { type: 'string', description: 'Serial number or DLMS logical device name' },
    kind: { type: 'string', enum: ['electricity', 'gas', 'water', 'heat'] },
    status: { type: 'string', enum: ['active', 'inactive', 'installed', 'removed'] },
    vendor: str, model: str, firmware: str, protocol: str, servicePoint: str, premise: str,
    location: { type: 'object', required: ['lat', 'lon'], properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
    grid: {
      type: 'object',
      properties: { feederId: str, transformerId: str, phase: { type: 'string', enum: ['L1', 'L2', 'L3', '3ph'] } },
    },
    timeZone: { type: 'string', description: 'IANA time zone of the site' },
    tags: { type: 'array', items: str },
    installedAt: time,
    removedAt: time,
  },
} as const;

export const channelSchema = {
  $id: 'Channel',
  type: 'object',
  required: ['obis', 'unit', 'intervalS', 'readingType'],
  properties: {
    obis: { type: 'string', description: 'OBIS code, canonical six-group form A-B:C.D.E.F' },
    name: str,
    unit: { type: 'string', description: 'Stored unit of the integer values (Wh, varh, mV, mA, L …)' },
    intervalS: { type: 'integer', description: 'Interval length in seconds; 0 for a register' },
    readingType: { type: 'string', description: 'IEC 61968-9 CIM ReadingType code' },
  },
} as const;

export const meterDetailSchema = {
  $id: 'MeterDetail',
  type: 'object',
  required: ['meter', 'channels'],
  properties: { meter: ref('Meter'), channels: { type: 'array', items: ref('Channel') } },
} as const;

export const topologySchema = {
  $id: 'Topology',
  type: 'object',
  required: ['feeders', 'transformers'],
  properties: {
    feeders: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name'], properties: { id: str, name: str, substation: str } },
    },
    transformers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'feederId', 'ratingKva'],
        properties: { id: str, feederId: str, ratingKva: { type: 'number' }, lat: { type: 'number' }, lon: { type: 'number' } },
      },
    },
  },
} as const;
