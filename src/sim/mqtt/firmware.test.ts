import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { failsVerify, parseBlock, parseInitiate, SimFirmware } from './firmware.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const onlyError = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Error) || e instanceof TypeError || e instanceof RangeError) throw e;
  }
};

test('firmware command arguments from anything: parsed or refused with a plain error the platform sees', () => {
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('identifier', 'size', 'sha256', 'blockSize', 'version'), fc.anything()), (a) => onlyError(() => parseInitiate(a))));
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('n', 'data'), fc.anything()), fc.integer({ min: 1, max: 100 }), (a, blocks) => onlyError(() => parseBlock(a, blocks, 64, blocks * 64))));
});

test('a simulated meter takes an image in any block order, resumes after an interruption, verifies, activates, reports its version', async () => {
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 64, max: 512 }), fc.integer({ min: 0, max: 2 ** 31 }),
    async (bytes, blockSize, seed) => {
      const versions: Record<string, string> = {};
      const fw = new SimFirmware({ initial: () => '1.0', fails: () => false, onVersion: (m, v) => { versions[m] = v; } });
      const total = Math.ceil(bytes.length / blockSize);
      const init = { identifier: 'IMG', size: bytes.length, sha256: sha(bytes), blockSize, version: '2.0' };
      assert.deepEqual(await fw.handle('M1', 'firmware-initiate', init), { nextBlock: 0 });
      const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
      const first = order.slice(0, Math.floor(total / 2)).sort((a, b) => a - b);
      const block = (n: number) => ({ n, data: Buffer.from(bytes.subarray(n * blockSize, (n + 1) * blockSize)).toString('base64') });
      // The first blocks in order, then the transfer is interrupted: initiate again resumes at the first missing one.
      const prefix = first.filter((n, i) => n === i);
      for (const n of prefix) await fw.handle('M1', 'firmware-block', block(n));
      await assert.rejects(fw.handle('M1', 'firmware-verify', {}), /incomplete/);
      assert.deepEqual(await fw.handle('M1', 'firmware-initiate', init), { nextBlock: prefix.length === total ? total : prefix.length });
      for (const n of order) await fw.handle('M1', 'firmware-block', block(n));
      await assert.rejects(fw.handle('M1', 'firmware-activate', {}).then(() => { throw new Error('activated unverified'); }), /before a successful verify|activated unverified/);
      assert.deepEqual(await fw.handle('M1', 'firmware-verify', {}), { ok: true });
      assert.deepEqual(await fw.handle('M1', 'firmware-activate', {}), { version: '2.0' });
      return versions.M1 === '2.0' && fw.version('M1') === '2.0' && fw.version('M2') === '1.0';
    },
  ), { numRuns: 40 });
});

test('a wrong hash or a failing meter does not verify; a different image starts over', async () => {
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const fw = new SimFirmware({ initial: () => '1.0', fails: (m) => m === 'BAD' });
  for (const m of ['M1', 'BAD']) {
    await fw.handle(m, 'firmware-initiate', { identifier: 'I', size: 300, sha256: m === 'M1' ? 'a'.repeat(64) : sha(bytes), blockSize: 128 });
    for (let n = 0; n < 3; n++) await fw.handle(m, 'firmware-block', { n, data: Buffer.from(bytes.subarray(n * 128, (n + 1) * 128)).toString('base64') });
    await assert.rejects(fw.handle(m, 'firmware-verify', {}), /verification failed/);
  }
  assert.deepEqual(await fw.handle('M1', 'firmware-initiate', { identifier: 'J', size: 300, sha256: sha(bytes), blockSize: 128 }), { nextBlock: 0 });
  await assert.rejects(fw.handle('M1', 'firmware-block', { n: 3, data: 'AAAA' }), /block number/);
  await assert.rejects(fw.handle('M1', 'firmware-block', { n: 0, data: 'AAAA' }), /has 3 bytes, expected 128/);
  // About 5 % of meters fail by default, the same ones every time.
  const ids = Array.from({ length: 2000 }, (_, i) => `SIM${String(i).padStart(6, '0')}`);
  const share = ids.filter((id) => failsVerify(id, 0.05)).length / ids.length;
  assert.ok(share > 0.03 && share < 0.07, String(share));
  assert.deepEqual(ids.filter((id) => failsVerify(id, 0.05)), ids.filter((id) => failsVerify(id, 0.05)));
});
