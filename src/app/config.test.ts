import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/index.ts';
import { loadConfig } from './config.ts';

test('settlement settings come from the environment, defaulting to the fleet zone and 99 %', () => {
  assert.deepEqual(loadConfig({}, {}).settlement, { zone: 'Europe/Amsterdam', threshold: 0.99 });
  assert.deepEqual(loadConfig({}, { METERSTACK_ZONE: 'Europe/Brussels' }).settlement, { zone: 'Europe/Brussels', threshold: 0.99 });
  assert.deepEqual(
    loadConfig({}, { METERSTACK_SETTLEMENT_ZONE: 'Europe/London', METERSTACK_SETTLEMENT_THRESHOLD: '0.95' }).settlement,
    { zone: 'Europe/London', threshold: 0.95 },
  );
});

test('a bad zone or threshold is refused with CONFIG_INVALID naming the variable', () => {
  for (const env of [{ METERSTACK_SETTLEMENT_THRESHOLD: '1.5' }, { METERSTACK_SETTLEMENT_THRESHOLD: 'most' }, { METERSTACK_SETTLEMENT_ZONE: 'Mars/Olympus' }, { METERSTACK_ZONE: 'CET-ish' }]) {
    assert.throws(() => loadConfig({}, env), (e: unknown) => hasCode(e, 'CONFIG_INVALID') && (e as Error).message.includes(Object.keys(env)[0]!), JSON.stringify(env));
  }
});
