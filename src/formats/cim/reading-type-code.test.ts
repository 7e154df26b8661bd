import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBIS_TABLE, isMeterstackError, parseObisParts, readingTypeCode } from '../../model/index.ts';
import { codeFor, INTERVALS, parseReadingTypeCode } from './reading-type-code.ts';

test('every code meterstack writes reads back to a channel with the same code, interval and scale', () => {
  let codes = 0;
  for (const def of OBIS_TABLE.values()) {
    for (const intervalS of [0, ...INTERVALS]) {
      const code = readingTypeCode(def, intervalS);
      const back = parseReadingTypeCode(code, 1, 'x');
      assert.equal(readingTypeCode(back.def, back.intervalS), code, `${def.obis} ${intervalS}`);
      assert.equal(back.intervalS, intervalS);
      assert.equal(back.pow10, 0);
      assert.equal(codeFor(def, intervalS).readsBackAs, back.def);
      // Primary rows come back as themselves; channel variants as their primary row.
      const p = parseObisParts(def.obis);
      if (p.a !== 0 && p.b === 0) assert.equal(back.def.obis, def.obis);
      codes++;
    }
  }
  assert.ok(codes > 300);
});

test('the worked decodes of DOMAIN.md §11, with kWh multipliers', () => {
  const a = parseReadingTypeCode('0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0', 7, 'x');
  assert.deepEqual([a.def.obis, a.intervalS, a.pow10], ['1-0:1.8.0.255', 900, 3]);
  const b = parseReadingTypeCode('0.0.0.1.19.1.12.0.0.0.0.0.0.0.0.3.72.0', 7, 'x');
  assert.deepEqual([b.def.obis, b.intervalS, b.pow10], ['1-0:2.8.0.255', 0, 3]);
  const v = parseReadingTypeCode('0.0.7.6.0.1.54.0.0.0.0.0.0.0.129.0.29.0', 7, 'x');
  assert.deepEqual([v.def.obis, v.intervalS, v.pow10], ['1-0:32.7.0.255', 3600, 3]);
  assert.equal(parseReadingTypeCode('0.0.2.4.1.1.12.0.0.0.0.2.0.0.0.0.72.0', 7, 'x').def.obis, '1-0:1.8.2.255');
  assert.equal(parseReadingTypeCode('0.0.2.4.1.7.58.0.0.0.0.0.0.0.0.0.42.0', 7, 'x').def.obis, '7-0:3.0.0.255');
});

test('codes without a canonical channel, and strings that are no code, are refused with the line', () => {
  for (const [code, err] of [
    ['11.0.0.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0', 'CIM_UNSUPPORTED_READING_TYPE'], // daily macro period
    ['0.0.2.4.4.1.12.0.0.0.0.0.0.0.0.3.72.0', 'CIM_UNSUPPORTED_READING_TYPE'], // net flow
    ['0.0.4.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0', 'CIM_UNSUPPORTED_READING_TYPE'], // 24-hour measuring period
    ['0.0.2.4.1.1.12', 'CIM_BAD_VALUE'],
    ['0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.x.72.0', 'CIM_BAD_VALUE'],
    ['0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.99.72.0', 'CIM_BAD_VALUE'],
  ] as const) {
    assert.throws(() => parseReadingTypeCode(code, 12, 'f.xml'), (e: unknown) => isMeterstackError(e) && e.code === err && e.line === 12 && e.source === 'f.xml', code);
  }
});
