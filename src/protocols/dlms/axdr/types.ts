/**
 * The decoded A-XDR value model (IEC 62056-6-2 "Blue Book", Data ::= CHOICE): one discriminated
 * union `DlmsData` keyed by the type name, the tag table, and small builders. Pure data, no I/O.
 */
import { hexToBytes } from './bytes.ts';
import type { CosemDate, CosemDateTime, CosemTime } from './datetime.ts';

/** A-XDR data type tags (DOMAIN.md §2.3). Tags 7, 8, 11, 14 and 28+ are not data types here. */
export const TAG = {
  'null-data': 0,
  array: 1,
  structure: 2,
  boolean: 3,
  'bit-string': 4,
  'double-long': 5,
  'double-long-unsigned': 6,
  'octet-string': 9,
  'visible-string': 10,
  'utf8-string': 12,
  bcd: 13,
  integer: 15,
  long: 16,
  unsigned: 17,
  'long-unsigned': 18,
  'compact-array': 19,
  long64: 20,
  'long64-unsigned': 21,
  enum: 22,
  float32: 23,
  float64: 24,
  'date-time': 25,
  date: 26,
  time: 27,
  'dont-care': 255,
} as const;

export type DlmsType = keyof typeof TAG;

/** Tag number → type name, for the decoder. */
export const TYPE_BY_TAG: ReadonlyMap<number, DlmsType> = new Map(
  (Object.entries(TAG) as [DlmsType, number][]).map(([name, tag]) => [tag, name]),
);

/** Integer types that decode to a JS number, with their byte width and inclusive range. */
export const INT_TYPES = {
  integer: { size: 1, signed: true, min: -128, max: 127 },
  long: { size: 2, signed: true, min: -32768, max: 32767 },
  'double-long': { size: 4, signed: true, min: -2147483648, max: 2147483647 },
  unsigned: { size: 1, signed: false, min: 0, max: 255 },
  'long-unsigned': { size: 2, signed: false, min: 0, max: 65535 },
  'double-long-unsigned': { size: 4, signed: false, min: 0, max: 4294967295 },
  enum: { size: 1, signed: false, min: 0, max: 255 },
  /** One octet holding two BCD digits (Blue Book `bcd [13] Integer8`); kept as the raw octet. */
  bcd: { size: 1, signed: false, min: 0, max: 255 },
} as const;
export type IntType = keyof typeof INT_TYPES;

export const BIGINT_TYPES = {
  long64: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  'long64-unsigned': { min: 0n, max: 2n ** 64n - 1n },
} as const;
export type BigIntType = keyof typeof BIGINT_TYPES;

export type FloatType = 'float32' | 'float64';

/** Fixed content size in octets of the types that have one (no length prefix). */
export const FIXED_SIZE: Partial<Record<DlmsType, number>> = {
  'null-data': 0,
  'dont-care': 0,
  boolean: 1,
  integer: 1,
  long: 2,
  'double-long': 4,
  unsigned: 1,
  'long-unsigned': 2,
  'double-long-unsigned': 4,
  enum: 1,
  bcd: 1,
  long64: 8,
  'long64-unsigned': 8,
  float32: 4,
  float64: 8,
  'date-time': 12,
  date: 5,
  time: 4,
};

/**
 * The type description of a compact-array element (Blue Book TypeDescription): a simple type, an
 * array with a fixed element count, or a structure of element descriptions.
 */
export type TypeDescription =
  | { readonly type: Exclude<DlmsType, 'array' | 'structure' | 'compact-array'> }
  | { readonly type: 'array'; readonly count: number; readonly element: TypeDescription }
  | { readonly type: 'structure'; readonly elements: readonly TypeDescription[] };

export type DlmsData =
  | { readonly type: 'null-data' }
  | { readonly type: 'dont-care' }
  | { readonly type: 'array'; readonly value: readonly DlmsData[] }
  | { readonly type: 'structure'; readonly value: readonly DlmsData[] }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** Bits in transmission order: value[0] is the most significant bit of the first octet. */
  | { readonly type: 'bit-string'; readonly value: readonly boolean[] }
  | { readonly type: IntType; readonly value: number }
  | { readonly type: BigIntType; readonly value: bigint }
  | { readonly type: FloatType; readonly value: number }
  | { readonly type: 'octet-string'; readonly value: Uint8Array }
  /** ASCII (visible characters); decoded as latin1 so that no octet is lost. */
  | { readonly type: 'visible-string'; readonly value: string }
  | { readonly type: 'utf8-string'; readonly value: string }
  | { readonly type: 'date-time'; readonly value: CosemDateTime }
  | { readonly type: 'date'; readonly value: CosemDate }
  | { readonly type: 'time'; readonly value: CosemTime }
  | { readonly type: 'compact-array'; readonly description: TypeDescription; readonly value: readonly DlmsData[] };

export type DlmsDataOf<T extends DlmsType> = Extract<DlmsData, { type: T }>;

/** Builders, for readable tests and for the encode side of simulators. */
export const d = {
  null: (): DlmsData => ({ type: 'null-data' }),
  array: (...value: DlmsData[]): DlmsData => ({ type: 'array', value }),
  structure: (...value: DlmsData[]): DlmsData => ({ type: 'structure', value }),
  boolean: (value: boolean): DlmsData => ({ type: 'boolean', value }),
  bits: (text: string): DlmsData => ({ type: 'bit-string', value: [...text].map((c) => c === '1') }),
  int: (type: IntType, value: number): DlmsData => ({ type, value }),
  u8: (value: number): DlmsData => ({ type: 'unsigned', value }),
  u16: (value: number): DlmsData => ({ type: 'long-unsigned', value }),
  u32: (value: number): DlmsData => ({ type: 'double-long-unsigned', value }),
  i8: (value: number): DlmsData => ({ type: 'integer', value }),
  i16: (value: number): DlmsData => ({ type: 'long', value }),
  i32: (value: number): DlmsData => ({ type: 'double-long', value }),
  enum: (value: number): DlmsData => ({ type: 'enum', value }),
  i64: (value: bigint): DlmsData => ({ type: 'long64', value }),
  u64: (value: bigint): DlmsData => ({ type: 'long64-unsigned', value }),
  f32: (value: number): DlmsData => ({ type: 'float32', value }),
  f64: (value: number): DlmsData => ({ type: 'float64', value }),
  octets: (value: Uint8Array | string): DlmsData => ({
    type: 'octet-string',
    value: typeof value === 'string' ? hexToBytes(value) : value,
  }),
  visible: (value: string): DlmsData => ({ type: 'visible-string', value }),
  utf8: (value: string): DlmsData => ({ type: 'utf8-string', value }),
  dateTime: (value: CosemDateTime): DlmsData => ({ type: 'date-time', value }),
  date: (value: CosemDate): DlmsData => ({ type: 'date', value }),
  time: (value: CosemTime): DlmsData => ({ type: 'time', value }),
  compact: (description: TypeDescription, ...value: DlmsData[]): DlmsData => ({ type: 'compact-array', description, value }),
};
