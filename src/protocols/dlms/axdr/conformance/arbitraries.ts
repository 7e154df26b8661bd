/** fast-check arbitraries for DlmsData, shared by this folder's property and walker tests. */
import fc from 'fast-check';
import type { CosemDateTime } from '../datetime.ts';
import { BIGINT_TYPES, INT_TYPES, type DlmsData, type IntType, type TypeDescription } from '../types.ts';

const orNull = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null, freq: 4 });

export const dateTimeArb: fc.Arbitrary<CosemDateTime> = fc.record({
  year: orNull(fc.integer({ min: 0, max: 0xfffe })),
  month: fc.oneof(orNull(fc.integer({ min: 1, max: 12 })), fc.constantFrom('dst-end' as const, 'dst-begin' as const)),
  day: fc.oneof(orNull(fc.integer({ min: 1, max: 31 })), fc.constantFrom('last' as const, 'second-last' as const)),
  dayOfWeek: orNull(fc.integer({ min: 1, max: 7 })),
  hour: orNull(fc.integer({ min: 0, max: 23 })),
  minute: orNull(fc.integer({ min: 0, max: 59 })),
  second: orNull(fc.integer({ min: 0, max: 59 })),
  hundredths: orNull(fc.integer({ min: 0, max: 99 })),
  deviation: orNull(fc.integer({ min: -720, max: 720 })),
  clockStatus: orNull(fc.integer({ min: 0, max: 0xfe })),
}).map((r) => ({ ...r })); // fc.record builds null-prototype objects; the decoder builds plain ones

const intArb = (type: IntType): fc.Arbitrary<DlmsData> =>
  fc.integer({ min: INT_TYPES[type].min, max: INT_TYPES[type].max }).map((value) => ({ type, value }));

/** Every non-container type, with values across its whole range. */
export const simpleArb: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.constant<DlmsData>({ type: 'null-data' }),
  fc.constant<DlmsData>({ type: 'dont-care' }),
  fc.boolean().map((value): DlmsData => ({ type: 'boolean', value })),
  fc.array(fc.boolean(), { maxLength: 40 }).map((value): DlmsData => ({ type: 'bit-string', value })),
  ...(Object.keys(INT_TYPES) as IntType[]).map(intArb),
  fc.bigInt(BIGINT_TYPES.long64).map((value): DlmsData => ({ type: 'long64', value })),
  fc.bigInt(BIGINT_TYPES['long64-unsigned']).map((value): DlmsData => ({ type: 'long64-unsigned', value })),
  fc.float().map((value): DlmsData => ({ type: 'float32', value })),
  fc.double().map((value): DlmsData => ({ type: 'float64', value })),
  fc.uint8Array({ maxLength: 300 }).map((value): DlmsData => ({ type: 'octet-string', value })),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
    .map((value): DlmsData => ({ type: 'visible-string', value })),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value): DlmsData => ({ type: 'utf8-string', value })),
  dateTimeArb.map((value): DlmsData => ({ type: 'date-time', value })),
  dateTimeArb.map(({ year, month, day, dayOfWeek }): DlmsData => ({ type: 'date', value: { year, month, day, dayOfWeek } })),
  dateTimeArb.map(({ hour, minute, second, hundredths }): DlmsData => ({ type: 'time', value: { hour, minute, second, hundredths } })),
);

/** Element descriptions of non-zero size (a compact array of zero-size elements cannot be decoded). */
export const descriptionArb: fc.Arbitrary<TypeDescription> = fc.letrec<{ desc: TypeDescription }>((tie) => ({
  desc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<TypeDescription>(
      ...(['boolean', 'bit-string', 'octet-string', 'visible-string', 'utf8-string', 'long64', 'long64-unsigned', 'float32', 'float64', 'date-time', 'date', 'time'] as const)
        .map((type) => ({ type })),
      ...(Object.keys(INT_TYPES) as IntType[]).map((type) => ({ type })),
    ),
    fc.record({ type: fc.constant('array' as const), count: fc.integer({ min: 1, max: 3 }), element: tie('desc') }).map((r) => ({ ...r })),
    fc.record({ type: fc.constant('structure' as const), elements: fc.array(tie('desc'), { minLength: 1, maxLength: 4 }) }).map((r) => ({ ...r })),
  ),
})).desc;

const simpleOfType = (type: string): fc.Arbitrary<DlmsData> => simpleArb.filter((v) => v.type === type);

export function valueFor(desc: TypeDescription): fc.Arbitrary<DlmsData> {
  if (desc.type === 'array') return fc.array(valueFor(desc.element), { minLength: desc.count, maxLength: desc.count }).map((value): DlmsData => ({ type: 'array', value }));
  if (desc.type === 'structure') return fc.tuple(...desc.elements.map(valueFor)).map((value): DlmsData => ({ type: 'structure', value }));
  return simpleOfType(desc.type);
}

export const compactArb: fc.Arbitrary<DlmsData> = descriptionArb.chain((description) =>
  fc.array(valueFor(description), { maxLength: 4 }).map((value): DlmsData => ({ type: 'compact-array', description, value })),
);

export const dataArb: fc.Arbitrary<DlmsData> = fc.letrec<{ data: DlmsData }>((tie) => ({
  data: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    simpleArb,
    fc.array(tie('data'), { maxLength: 5 }).map((value): DlmsData => ({ type: 'array', value })),
    fc.array(tie('data'), { maxLength: 5 }).map((value): DlmsData => ({ type: 'structure', value })),
    compactArb,
  ),
})).data;
