import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { obis, parseObisParts, formatObis, isObis, obisFromBytes, obisToBytes, shortObis } from './obis.ts';
import { hasCode } from './errors.ts';

test('parses the written form, with and without F', () => {
  assert.equal(obis('1-0:1.8.0'), '1-0:1.8.0.255');
  assert.equal(obis('1-0:1.8.1.255'), '1-0:1.8.1.255');
  assert.equal(obis(' 0-1:24.2.1 '), '0-1:24.2.1.255');
  assert.deepEqual(parseObisParts('1-0:99.1.0'), { a: 1, b: 0, c: 99, d: 1, e: 0, f: 255 });
});

test('parses the dotted logical-name form', () => {
  assert.equal(obis('1.0.1.8.0.255'), '1-0:1.8.0.255');
});

test('rejects bad input with OBIS_INVALID', () => {
  for (const bad of ['', '1-0:1.8', '1-0:256.8.0', 'x-0:1.8.0', '1-0:1.8.0.255.1', '1:0-1.8.0', '-1-0:1.8.0']) {
    assert.throws(() => obis(bad), (e: unknown) => hasCode(e, 'OBIS_INVALID'), bad);
    assert.equal(isObis(bad), false);
  }
  assert.throws(() => formatObis({ a: 1, b: 0, c: 1, d: 8, e: 0, f: 256 }), (e: unknown) => hasCode(e, 'OBIS_INVALID'));
  assert.throws(() => obisFromBytes(Uint8Array.of(1, 0, 1, 8, 0)), (e: unknown) => hasCode(e, 'OBIS_INVALID'));
});

test('short form drops F only when it is 255', () => {
  assert.equal(shortObis('1-0:1.8.0.255'), '1-0:1.8.0');
  assert.equal(shortObis('1-0:1.8.0.1'), '1-0:1.8.0.1');
});

test('property: every six-byte logical name round-trips through text and bytes', () => {
  const byte = fc.integer({ min: 0, max: 255 });
  fc.assert(fc.property(fc.tuple(byte, byte, byte, byte, byte, byte), (g) => {
    const code = obisFromBytes(Uint8Array.from(g));
    assert.deepEqual([...obisToBytes(code)], g);
    assert.equal(obis(code), code);
  }));
});

test('property: any group above 255 is rejected', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 256, max: 999 }), (i, v) => {
    const g = [1, 0, 1, 8, 0, 255];
    g[i] = v;
    assert.equal(isObis(`${g[0]}-${g[1]}:${g[2]}.${g[3]}.${g[4]}.${g[5]}`), false);
  }));
});
