import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzDecoder, reencodeProperty, roundTripProperty, fromHex } from '../../_harness/index.ts';
import { compactArb, dataArb, simpleArb } from './conformance/arbitraries.ts';
import { decodeAll } from './decode.ts';
import { encodeData } from './encode.ts';
import { INT_TYPES, type IntType } from './types.ts';

const codec = { decode: (b: Uint8Array) => decodeAll(b), encode: encodeData };

roundTripProperty('axdr simple types', simpleArb, codec, { numRuns: 1000 });
roundTripProperty('axdr compact arrays', compactArb, codec, { numRuns: 300 });
roundTripProperty('axdr nested arrays and structures', dataArb, codec, { numRuns: 300 });
reencodeProperty('axdr canonical bytes are stable', dataArb, codec, { numRuns: 200 });

test('property: every integer type rejects values one past its range', () => {
  for (const type of Object.keys(INT_TYPES) as IntType[]) {
    const { min, max } = INT_TYPES[type];
    for (const value of [min - 1, max + 1]) assert.throws(() => encodeData({ type, value }), { code: 'DLMS_BAD_VALUE' });
  }
});

const SEEDS = [
  '0001180203090C07E2020C0500000000800000110006000186A0',
  '02051202D0120CA81112111E0FC0',
  '13 02 02 09 06 0E 02 0102 00000005 02 0304 00000006',
  '01 02 02 05 19 07E2020C01000000 00 FFC4 00 06 00000001 06 00000002 06 00000003 06 00000004 02 05 00 06 00000001 06 00000002 06 00000003 06 00000004',
  '04 0A B540', '0A 03 414243', '0C 03 E282AC', '1A FFFF FE FE FF', '13 01 0002 11 04 0102 0304',
].map(fromHex);

fuzzDecoder('axdr decodeAll', { decode: (b) => decodeAll(b), prefix: 'DLMS_', seeds: SEEDS, numRuns: 5000 });

test('fuzz › axdr › encodings of random values, mutated', () => {
  fc.assert(
    fc.property(dataArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, pos, byte) => {
      const b = encodeData(v);
      if (b.length > 0) b[pos % b.length] = byte;
      try {
        decodeAll(b);
      } catch (err) {
        assert.ok(err instanceof Error && 'code' in err && String(err.code).startsWith('DLMS_'), String(err));
      }
    }),
    { numRuns: 1000 },
  );
});
