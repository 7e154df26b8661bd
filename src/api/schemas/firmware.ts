import { CAMPAIGN_STATES, JOB_STATES } from '../../services/index.ts';
import { time } from './common.ts';

/** JSON Schemas of the firmware routes (docs/firmware.md). */

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;

export const keySchema = {
  type: 'object',
  properties: {
    id: str, vendor: str, algorithm: { type: 'string', enum: ['ed25519', 'ecdsa-p256'] }, publicKey: { type: 'string', description: 'DER SPKI, base64' },
    fingerprint: str, label: str, createdAt: time, createdBy: str,
  },
} as const;

export const newKeySchema = {
  type: 'object', required: ['vendor', 'publicKey'], additionalProperties: false,
  properties: {
    vendor: { type: 'string', minLength: 1, maxLength: 200 },
    publicKey: { type: 'string', minLength: 1, maxLength: 4096, description: 'PEM "PUBLIC KEY" or base64 DER SubjectPublicKeyInfo; never a private key' },
    label: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

export const imageSchema = {
  type: 'object',
  properties: {
    id: str, vendor: str, models: strings, version: str, identifier: str, size: int, sha256: str, keyId: str, signature: str, createdAt: time, createdBy: str,
  },
} as const;

const imageMeta = {
  vendor: { type: 'string', minLength: 1, maxLength: 200 },
  models: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 2000 }, maxItems: 50, description: 'Meter models the image fits (repeat, or comma-separated)' },
  version: { type: 'string', minLength: 1, maxLength: 64 },
  identifier: { type: 'string', minLength: 1, maxLength: 64, description: 'Image identifier the meter sees; default <vendor>-<version>' },
  signature: { type: 'string', maxLength: 1024, description: 'Base64 signature over the image bytes by a registered key of the vendor' },
} as const;

export const newImageQuery = { type: 'object', properties: imageMeta } as const;

export const newImageJsonSchema = {
  type: 'object', required: ['vendor', 'models', 'version', 'signature', 'data'], additionalProperties: false,
  properties: { ...imageMeta, data: { type: 'string', minLength: 1, description: 'The image bytes, base64' } },
} as const;

const target = {
  type: 'object', additionalProperties: false,
  properties: {
    vendor: str, models: strings, firmware: { ...strings, description: 'Current firmware versions to include' }, gridArea: str, feederId: str, transformerId: str,
    meterIds: { type: 'array', items: str, maxItems: 100_000 },
  },
} as const;
const window = {
  type: 'object', required: ['zone', 'from', 'to'], additionalProperties: false,
  properties: { zone: { type: 'string', description: 'IANA zone' }, from: { type: 'string', pattern: '^\\d{2}:\\d{2}$' }, to: { type: 'string', pattern: '^\\d{2}:\\d{2}$' } },
} as const;
const settings = {
  type: 'object',
  properties: { canary: int, batch: int, threshold: { type: 'number' }, concurrency: int, window },
} as const;

export const newCampaignSchema = {
  type: 'object', required: ['imageId'], additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 200 }, imageId: { type: 'string', minLength: 1, maxLength: 100 }, target,
    canary: { type: 'integer', minimum: 1, maximum: 10_000, description: 'Meters in the canary wave (default 5)' },
    batch: { type: 'integer', minimum: 1, maximum: 100_000, description: 'Meters per later wave (default 50)' },
    threshold: { type: 'number', minimum: 0, maximum: 1, description: 'Failed share of a wave above which the campaign halts itself (default 0.1)' },
    concurrency: { type: 'integer', minimum: 1, maximum: 1000, description: 'Upgrades at once (default 10)' },
    window: { ...window, description: 'Local time of day in which new upgrades may start; from > to spans midnight' },
  },
} as const;

const counts = { type: 'object', properties: Object.fromEntries(JOB_STATES.map((s) => [s, int])) } as const;

export const campaignSchema = {
  type: 'object',
  properties: {
    id: str, name: str, state: { type: 'string', enum: [...CAMPAIGN_STATES] },
    image: { type: 'object', properties: { id: str, vendor: str, models: strings, version: str, identifier: str, size: int } },
    target, settings, wave: int, waves: int,
    halt: { type: 'object', properties: { by: { type: 'string', enum: ['operator', 'threshold'] }, at: time, actor: str, wave: int, failedShare: { type: 'number' } } },
    createdAt: time, createdBy: str, updatedAt: time, startedAt: time, finishedAt: time,
    progress: {
      type: 'object',
      properties: {
        total: int, counts, skipped: { type: 'object', additionalProperties: int },
        blocks: { type: 'object', properties: { done: int, total: int } }, done: { type: 'number' },
        waves: {
          type: 'array',
          items: {
            type: 'object',
            properties: { wave: int, size: int, succeeded: int, failed: int, failedShare: { type: 'number' }, verdict: { type: 'string', enum: ['running', 'pending', 'passed', 'halted'] } },
          },
        },
        etaSeconds: { type: ['integer', 'null'] },
      },
    },
  },
} as const;

export const jobSchema = {
  type: 'object',
  properties: {
    campaignId: str, meterId: str, wave: int, seq: int, state: { type: 'string', enum: [...JOB_STATES] }, fromVersion: str, code: str, message: str, path: str,
    blocksDone: int, blocksTotal: int, attempts: int, startedAt: time, finishedAt: time,
  },
} as const;
