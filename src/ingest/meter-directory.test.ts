import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from '../model/meter.ts';
import type { Obis } from '../model/obis.ts';
import { MeterDirectory } from './meter-directory.ts';

/** An in-memory stand-in for the three Store methods the directory uses, counting calls. */
function source(ids: string[], channels: Record<string, [string, number][]> = {}) {
  const calls = { meterIds: 0, getMeter: 0, listChannels: 0 };
  return {
    calls, ids,
    async meterIds() { calls.meterIds++; return [...ids]; },
    async getMeter(id: string) {
      calls.getMeter++;
      return ids.includes(id) ? { id, kind: 'electricity' as const, timeZone: 'UTC', status: 'active' as const } : undefined;
    },
    async listChannels(id: string): Promise<Channel[]> {
      calls.listChannels++;
      return (channels[id] ?? []).map(([obis, intervalS]) => ({ meterId: id, obis: obis as Obis, unit: 'Wh', intervalS, readingType: '' }));
    },
  };
}

test('loads all ids once, then answers from memory', async () => {
  const s = source(['A', 'B']);
  const d = new MeterDirectory(s);
  await d.ensure(['A']);
  await d.ensure(['A', 'B']);
  assert.equal(d.has('A') && d.has('B'), true);
  assert.deepEqual([s.calls.meterIds, s.calls.getMeter], [1, 0]);
});

test('a miss looks up only the missing ids; many misses reload the list once', async () => {
  const s = source(['A']);
  let clock = 0;
  const d = new MeterDirectory(s, { maxLookups: 2, clock: () => clock });
  await d.ensure(['A']);
  s.ids.push('N1');
  await d.ensure(['A', 'N1']);
  assert.equal(d.has('N1'), true);
  assert.deepEqual([s.calls.meterIds, s.calls.getMeter], [1, 1]);
  s.ids.push('X1', 'X2', 'X3');
  await d.ensure(['X1', 'X2', 'X3']);
  assert.deepEqual([s.calls.meterIds, s.calls.getMeter], [2, 1]);
  assert.equal(d.has('X3'), true);
});

test('misses are remembered briefly and boundedly, so a flood of unknown ids costs no query per message', async () => {
  const s = source(['A']);
  let clock = 0;
  const d = new MeterDirectory(s, { negativeTtlMs: 1000, maxNegative: 3, clock: () => clock });
  await d.ensure(['A']);
  await d.ensure(['Z']);
  await d.ensure(['Z']);
  assert.equal(s.calls.getMeter, 1);
  clock = 1001;
  s.ids.push('Z');
  await d.ensure(['Z']);
  assert.equal(d.has('Z'), true);
  for (const id of ['U1', 'U2', 'U3', 'U4']) await d.ensure([id]);
  assert.equal((d as unknown as { missing: Map<string, number> }).missing.size <= 3, true);
});

test('interval lengths: the stored one binds, a new channel is claimed by the first length seen', async () => {
  const s = source(['A'], { A: [['1-0:1.8.0.255', 900], ['1-0:2.8.0.255', 0]] });
  const d = new MeterDirectory(s);
  await d.ensure(['A']);
  assert.equal(d.acceptsInterval('A', '1-0:1.8.0.255', 900), true);
  assert.equal(d.acceptsInterval('A', '1-0:1.8.0.255', 300), false);
  assert.equal(d.acceptsInterval('A', '1-0:2.8.0.255', 300), true, 'a register channel adopts intervals');
  assert.equal(d.acceptsInterval('A', '1-0:2.8.0.255', 900), false);
  assert.equal(d.acceptsInterval('A', '1-0:3.8.0.255', 60), true);
  assert.equal(d.acceptsInterval('A', '1-0:3.8.0.255', 900), false);
  await d.ensure(['A']);
  assert.equal(s.calls.listChannels, 1);
});
