import { Decoder, Encoder } from 'cbor-x';
import { MeterstackError } from '../../model/index.ts';
import type { PayloadEncoding } from './payload.ts';

/**
 * Bytes → a decoded body (JSON value or CBOR data item). CBOR maps are decoded as Maps so that
 * integer keys (the compact format's 0, 1, 2 …) stay distinct from text keys; a map whose keys are
 * all text becomes a plain object, so text-keyed formats read the same from JSON and CBOR.
 */

// No records/structures: every payload is decoded on its own, without state shared between them.
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });

// Plain CBOR maps (no tag 259), as any device library would write them.
// (useTag259ForMaps is an Encoder option that cbor-x's typings do not list.)
const cborOut = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, ...{ useTag259ForMaps: false } });

/** A body → bytes, for simulated devices and tests: JSON text, or CBOR keeping Map integer keys. */
export function encodeBody(body: unknown, encoding: PayloadEncoding): Uint8Array {
  if (encoding === 'json') return new TextEncoder().encode(JSON.stringify(body));
  return new Uint8Array(cborOut.encode(body));
}

/** Deeper than any vendor format nests; also bounds the recursion of `plain` below. */
const MAX_DEPTH = 32;

export function decodeBody(bytes: Uint8Array, encoding: PayloadEncoding): unknown {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw malformed(`the ${encoding.toUpperCase()} payload is empty`);
  let raw: unknown;
  try {
    raw = encoding === 'json'
      ? JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
      : cbor.decode(bytes);
  } catch (err) {
    throw malformed(`the payload is not ${encoding === 'json' ? 'JSON' : 'CBOR'}: ${(err as Error)?.message ?? String(err)}`, err);
  }
  return plain(raw, 0);
}

function plain(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw malformed(`the payload nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => [k, plain(x, depth + 1)] as const);
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : new Map(entries);
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && !ArrayBuffer.isView(v) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) plain(x, depth + 1);
  }
  return v;
}

function malformed(message: string, cause?: unknown): MeterstackError {
  return new MeterstackError('PAYLOAD_MALFORMED', message, cause === undefined ? {} : { cause });
}
