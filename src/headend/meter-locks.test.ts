import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterLocks } from './meter-locks.ts';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('meter locks: one run per meter at a time, other meters in parallel, failures release the lock', async () => {
  const locks = new MeterLocks();
  const log: string[] = [];
  const job = (id: string, tag: string, ms: number, fail = false) => locks.run(id, async () => {
    log.push(`${tag}+`);
    await tick(ms);
    log.push(`${tag}-`);
    if (fail) throw new Error(tag);
    return tag;
  });
  const a1 = job('A', 'a1', 20, true);
  const a2 = job('A', 'a2', 5);
  const b1 = job('B', 'b1', 5);
  assert.ok(locks.busy('A'));
  await assert.rejects(a1, /a1/);
  assert.equal(await a2, 'a2');
  assert.equal(await b1, 'b1');
  assert.deepEqual(log.filter((x) => x.startsWith('a')), ['a1+', 'a1-', 'a2+', 'a2-']);
  assert.ok(log.indexOf('b1-') < log.indexOf('a1-'), 'B did not wait for A');
  await tick(0);
  assert.equal(locks.busy('A'), false);
});
