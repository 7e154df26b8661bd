import { MeterstackError } from '../../model/index.ts';
import { decodeBody } from './body.ts';
import { channelsV1 } from './channels-v1.ts';
import { channelsV2 } from './channels-v2.ts';
import { compactV1 } from './compact-v1.ts';
import { readDeclaration } from './declared.ts';
import { obisFlatV1 } from './obis-flat-v1.ts';
import type { MappedPayload, PayloadContext, PayloadMapper } from './payload.ts';

/**
 * Every vendor payload mapper, one per (format, version). Adding a version of a format is adding
 * a mapper here; the old one stays, so devices still sending it keep working.
 */
export const PAYLOAD_MAPPERS: readonly PayloadMapper[] = [obisFlatV1, channelsV1, channelsV2, compactV1];

const BY_FORMAT = new Map<string, Map<number, PayloadMapper>>();
for (const m of PAYLOAD_MAPPERS) {
  const versions = BY_FORMAT.get(m.format) ?? new Map<number, PayloadMapper>();
  if (versions.has(m.version)) throw new Error(`two payload mappers for ${m.format} v${m.version}`);
  BY_FORMAT.set(m.format, versions.set(m.version, m));
}

export interface PayloadFormatInfo {
  readonly format: string;
  readonly versions: readonly { readonly version: number; readonly description: string }[];
}

/** Formats and their versions, sorted, for docs and `GET`-style listings. */
export function listPayloadFormats(): PayloadFormatInfo[] {
  return [...BY_FORMAT.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([format, versions]) => ({
    format,
    versions: [...versions.values()].sort((a, b) => a.version - b.version).map((m) => ({ version: m.version, description: m.description })),
  }));
}

/** The mapper for exactly the declared (format, version); never a neighbouring version. */
export function mapperFor(format: string, version: number): PayloadMapper {
  const versions = BY_FORMAT.get(format);
  if (versions === undefined) {
    throw new MeterstackError('PAYLOAD_UNKNOWN_FORMAT', `payload format "${format}" is not known; known formats: ${[...BY_FORMAT.keys()].sort().join(', ')}`);
  }
  const mapper = versions.get(version);
  if (mapper === undefined) {
    const known = [...versions.keys()].sort((a, b) => a - b);
    throw new MeterstackError('PAYLOAD_UNKNOWN_VERSION', `payload format "${format}" has no schema version ${version}; known versions: ${known.join(', ')}`, { details: { format, version, known } });
  }
  return mapper;
}

/**
 * Bytes from a device → canonical series, registers and events. Throws MeterstackError
 * (PAYLOAD_MALFORMED, _UNKNOWN_FORMAT, _UNKNOWN_VERSION, _BAD_VALUE, _WRONG_DEVICE) and nothing else.
 */
export function mapPayload(bytes: Uint8Array, ctx: PayloadContext): MappedPayload {
  if (typeof ctx?.deviceId !== 'string' || ctx.deviceId.length === 0) throw new MeterstackError('PAYLOAD_WRONG_DEVICE', 'no authenticated device for this payload');
  const body = decodeBody(bytes, ctx.encoding);
  const { format, version } = readDeclaration(body);
  return mapperFor(format, version).map(body, ctx);
}
