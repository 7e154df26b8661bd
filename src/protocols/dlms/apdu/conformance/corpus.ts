/** Reads the shared dlms-cosem corpus at test time (never copied into the repo). */
import { readFileSync } from 'node:fs';

export const CORPUS_DIR = new URL('../../../../../../shared/corpus/dlms/', import.meta.url);

export interface UpstreamVector {
  readonly name: string;
  readonly hex: string;
}

export interface UpstreamCase {
  readonly id: string;
  readonly vectors: readonly UpstreamVector[];
  readonly expected_raises: readonly string[] | null;
  readonly decoded_objects_as_constructed_upstream: readonly string[] | null;
  readonly asserts: readonly string[] | null;
}

export function readCases(file: string): UpstreamCase[] {
  const json = JSON.parse(readFileSync(new URL(`${file}.vectors.json`, CORPUS_DIR), 'utf8')) as { cases: UpstreamCase[] };
  return json.cases;
}

export const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** The APDU vector of a case: the first named vector, else the first inline one. */
export function mainVector(c: UpstreamCase): Uint8Array {
  const v = c.vectors.find((x) => x.name !== '<inline in assert>') ?? c.vectors[0];
  if (v === undefined) throw new Error(`${c.id} has no vector`);
  return h(v.hex);
}

export function named(c: UpstreamCase, name: string, nth = 0): Uint8Array {
  const v = c.vectors.filter((x) => x.name === name)[nth];
  if (v === undefined) throw new Error(`${c.id}: no vector ${name}#${nth}`);
  return h(v.hex);
}

/** "tests/test_x.py::TestClass::test_name" → "TestClass::test_name"; module-level tests keep their name. */
export const shortId = (id: string): string => id.split('::').slice(1).join('::');
export const upstreamClass = (id: string): string => (id.split('::').length > 2 ? id.split('::')[1]! : '');
