import { MeterstackError } from '../../model/index.ts';
import { type Body, describe, get, isBody } from './fields.ts';

/** The vendor format and schema version a payload declares about itself. */
export interface Declaration {
  readonly format: string;
  readonly version: number;
}

/**
 * Three ways to declare, one per family of shapes (docs/payload-formats.md):
 * - `"fmt": "<format>", "v": <integer>` — flat JSON objects;
 * - `"schema": "<format>/<integer>"` — nested documents;
 * - keys `0` (format) and `1` (version) — integer-keyed CBOR maps for constrained devices.
 * A payload that declares in two ways, or half a declaration, is malformed: we never guess.
 */
export function readDeclaration(body: unknown): Declaration {
  if (!isBody(body)) throw malformed(`the payload is ${describe(body)}, not an object declaring its format and version`);
  const found = [byFmt(body), bySchema(body), byIntegerKeys(body)].filter((d): d is Declaration => d !== undefined);
  if (found.length === 0) throw malformed('the payload declares no format and schema version ("fmt" and "v", "schema": "<format>/<version>", or keys 0 and 1)');
  if (found.length > 1) throw malformed(`the payload declares its format in ${found.length} ways (${found.map((d) => `${d.format}/${d.version}`).join(', ')}); use one`);
  return found[0]!;
}

function byFmt(body: Body): Declaration | undefined {
  const fmt = get(body, 'fmt');
  const v = get(body, 'v');
  if (fmt === undefined && v === undefined) return undefined;
  return declaration(fmt, v, '"fmt" and "v"');
}

function bySchema(body: Body): Declaration | undefined {
  const schema = get(body, 'schema');
  if (schema === undefined) return undefined;
  const m = typeof schema === 'string' ? /^([a-z][a-z0-9.-]{0,63})\/(\d{1,9})$/.exec(schema) : null;
  if (m === null) throw malformed(`"schema" is ${describe(schema)}; expected "<format>/<version>" such as "channels/2"`);
  return { format: m[1]!, version: Number(m[2]) };
}

function byIntegerKeys(body: Body): Declaration | undefined {
  // Only a CBOR map has integer keys; a JSON object spelling "0"/"1" is read the same way.
  const fmt = get(body, 0);
  const v = get(body, 1);
  if (fmt === undefined && v === undefined) return undefined;
  return declaration(fmt, v, 'keys 0 and 1');
}

function declaration(fmt: unknown, v: unknown, how: string): Declaration {
  if (typeof fmt !== 'string' || !/^[a-z][a-z0-9.-]{0,63}$/.test(fmt)) throw malformed(`the format declared by ${how} is ${describe(fmt)}; expected a lower-case name`);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 999_999_999) throw malformed(`the schema version declared by ${how} is ${describe(v)}; expected a positive integer`);
  return { format: fmt, version: v };
}

function malformed(message: string): MeterstackError {
  return new MeterstackError('PAYLOAD_MALFORMED', message);
}
