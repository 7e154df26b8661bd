/** Shared wrappers so each APDU module only writes its `read`/`write`: whole-buffer decode/encode and tag checks. */
import { DlmsError } from '../errors.ts';
import { ApduReader, ApduWriter, bad, hex2 } from './cursor.ts';

export function expectTag(r: ApduReader, tag: number, what: string): void {
  const at = r.pos;
  const b = r.u8(`${what} tag`);
  if (b !== tag) throw new DlmsError('DLMS_BAD_TAG', `${hex2(b)} at offset ${at} is not the ${what} tag ${hex2(tag)}`, { offset: at });
}

/** Decode one APDU filling all of `bytes`. */
export function decodeWhole<T>(bytes: Uint8Array, what: string, read: (r: ApduReader) => T): T {
  const r = new ApduReader(bytes);
  const v = read(r);
  r.expectEnd(what);
  return v;
}

export function encodeWhole<T>(v: T, write: (w: ApduWriter, v: T) => void): Uint8Array {
  const w = new ApduWriter();
  write(w, v);
  return w.result();
}

/** Reads the CHOICE octet after an APDU tag and rejects the ones the APDU does not define. */
export function readChoice<K extends string>(r: ApduReader, what: string, table: Readonly<Record<K, number>>): K {
  const at = r.pos;
  const b = r.u8(`${what} choice`);
  for (const [k, v] of Object.entries(table) as [K, number][]) if (v === b) return k;
  throw bad(`${what} choice ${b} at offset ${at} is not defined`, at);
}
