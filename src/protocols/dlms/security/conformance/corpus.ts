import { readFileSync } from 'node:fs';

/** The shared corpus lives outside the repo (../shared/corpus/dlms from the repo root); it is read, never copied. */
export const CORPUS_DIR = new URL('../../../../../../shared/corpus/dlms/', import.meta.url);

export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, CORPUS_DIR), 'utf8')) as T;
}

export const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** A dlms-cosem test case as the corpus stores it. */
export interface UpstreamCase {
  readonly id: string;
  readonly vectors: readonly { readonly name: string; readonly hex: string; readonly line: number }[];
  readonly expected_raises: string | null;
  readonly asserts: readonly string[];
}

export interface UpstreamFile {
  readonly cases: readonly UpstreamCase[];
}

/** The hex of a named vector; `<inline in assert>` ones are picked by their position among the inline ones. */
export function vector(c: UpstreamCase, name: string, nth = 0): Uint8Array {
  const found = c.vectors.filter((v) => v.name === name)[nth];
  if (found === undefined) throw new Error(`${c.id}: no vector ${name}#${nth}`);
  return h(found.hex);
}
