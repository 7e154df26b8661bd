import { MeterstackError } from './errors.ts';

/** An OBIS code (IEC 62056-61): six value groups A-B:C.D.E.F, each 0..255. */
export interface ObisParts {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
}

/** Canonical text form `A-B:C.D.E.F`, the only form stored and compared. */
export type Obis = string & { readonly __obis: unique symbol };

// Accepts the written form with or without F (F defaults to 255, "current / not used"),
// and the dotted six-group form used in DLMS logical names (1.0.1.8.0.255).
const WRITTEN = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?$/;
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseObisParts(text: string): ObisParts {
  const s = typeof text === 'string' ? text.trim() : '';
  const m = WRITTEN.exec(s) ?? DOTTED.exec(s);
  if (!m) {
    throw new MeterstackError('OBIS_INVALID', `"${String(text)}" is not an OBIS code; expected A-B:C.D.E.F such as 1-0:1.8.0.255`);
  }
  const groups = m.slice(1, 7).map((g) => (g === undefined ? 255 : Number(g)));
  groups.forEach((g, i) => {
    if (g > 255) {
      throw new MeterstackError('OBIS_INVALID', `OBIS group ${'ABCDEF'[i]} of "${s}" is ${g}; each group must be 0..255`);
    }
  });
  const [a, b, c, d, e, f] = groups as [number, number, number, number, number, number];
  return { a, b, c, d, e, f };
}

export function formatObis(p: ObisParts): Obis {
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isInteger(v) || v < 0 || v > 255) {
      throw new MeterstackError('OBIS_INVALID', `OBIS group ${k.toUpperCase()} is ${String(v)}; each group must be an integer 0..255`);
    }
  }
  return `${p.a}-${p.b}:${p.c}.${p.d}.${p.e}.${p.f}` as Obis;
}

/** Parse any accepted spelling and return the canonical six-group form. */
export function obis(text: string): Obis {
  return formatObis(parseObisParts(text));
}

export function isObis(text: string): boolean {
  try {
    parseObisParts(text);
    return true;
  } catch {
    return false;
  }
}

/** The six raw bytes of a DLMS logical name. */
export function obisFromBytes(bytes: Uint8Array): Obis {
  if (bytes.length !== 6) {
    throw new MeterstackError('OBIS_INVALID', `a logical name has 6 bytes, got ${bytes.length}`);
  }
  const [a, b, c, d, e, f] = bytes as unknown as [number, number, number, number, number, number];
  return formatObis({ a, b, c, d, e, f });
}

export function obisToBytes(code: Obis | string): Uint8Array {
  const p = parseObisParts(code);
  return Uint8Array.of(p.a, p.b, p.c, p.d, p.e, p.f);
}

/** Short display form without F when F=255 (`1-0:1.8.0`), as DSMR telegrams write it. */
export function shortObis(code: Obis | string): string {
  const p = parseObisParts(code);
  return p.f === 255 ? `${p.a}-${p.b}:${p.c}.${p.d}.${p.e}` : formatObis(p);
}
