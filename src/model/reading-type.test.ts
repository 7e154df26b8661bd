import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OBIS_TABLE, obisDefinition, readingTypeCode, UNITS } from './reading-type.ts';
import { obis } from './obis.ts';

test('worked decodes from IEC 61968-9 (DOMAIN.md §11), in our stored units', () => {
  const imp = obisDefinition('1-0:1.8.0')!;
  // 15-min deltaData, forward, electricity, energy, Wh (multiplier 0: we store Wh, not kWh)
  assert.equal(readingTypeCode(imp, 900), '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.0.72.0');
  assert.equal(readingTypeCode(imp, 0), '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.72.0');
  assert.equal(readingTypeCode(obisDefinition('1-0:2.8.0')!, 0), '0.0.0.1.19.1.12.0.0.0.0.0.0.0.0.0.72.0');
  assert.equal(readingTypeCode(obisDefinition('1-0:1.8.1')!, 0).split('.')[11], '1');
  assert.equal(readingTypeCode(obisDefinition('1-0:32.7.0')!, 900), '0.0.2.6.0.1.54.0.0.0.0.0.0.0.129.-3.29.0');
});

test('the table covers what the foundation issue names', () => {
  const required = [
    '1-0:1.8.0', '1-0:1.8.1', '1-0:1.8.2', '1-0:1.8.3', '1-0:1.8.4', '1-0:2.8.0', '1-0:2.8.1', '1-0:2.8.2', '1-0:2.8.3', '1-0:2.8.4',
    '1-0:3.8.0', '1-0:4.8.0', '1-0:1.7.0', '1-0:2.7.0', '1-0:32.7.0', '1-0:52.7.0', '1-0:72.7.0', '1-0:31.7.0', '1-0:51.7.0', '1-0:71.7.0',
    '7-0:3.0.0', '8-0:1.0.0',
  ];
  for (const code of required) assert.ok(OBIS_TABLE.has(obis(code)), code);
});

test('schema: every row is self-consistent', () => {
  for (const [code, d] of OBIS_TABLE) {
    assert.equal(d.obis, code);
    assert.ok(d.unit in UNITS, `${code} unit`);
    assert.equal(readingTypeCode(d, 900).split('.').length, 18);
    if (d.cumulative) assert.notEqual(d.direction, 'none', `${code}: a register has a direction`);
    if (d.quantity === 'energy') assert.equal(d.unit, 'Wh', code);
    assert.ok(d.tou >= 0 && d.tou <= 4);
  }
});

test('a measurement channel B = 1..127 of an electricity code reads as its channel-0 row', () => {
  const e2 = obisDefinition('1-2:1.8.0')!;
  assert.equal(e2.obis, obis('1-2:1.8.0'));
  assert.deepEqual({ ...e2, obis: undefined, name: undefined }, { ...obisDefinition('1-0:1.8.0')!, obis: undefined, name: undefined });
  assert.equal(readingTypeCode(obisDefinition('1-41:2.8.0')!, 0), readingTypeCode(obisDefinition('1-0:2.8.0')!, 0));
  assert.equal(obisDefinition('1-128:1.8.0'), undefined);
  assert.equal(obisDefinition('7-1:3.0.0'), undefined, 'only electricity');
  assert.equal(obisDefinition('1-1:99.8.0'), undefined, 'only codes the table has');
});
