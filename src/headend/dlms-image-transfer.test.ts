import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpgradeProgress } from '../model/firmware.ts';
import type { ActionResult, AttributeDescriptor, MethodDescriptor } from '../protocols/dlms/apdu/common.ts';
import { d, encodeData, type DlmsData } from '../protocols/dlms/axdr/index.ts';
import { parseBlockTransfer } from '../protocols/dlms/cosem/image-transfer.ts';
import { createSimImageTransfer, type SimImageTransfer } from '../sim/dlms/image-transfer.ts';
import { buildSimImage } from '../sim/firmware-image.ts';
import { transferImage, type ImageToTransfer } from './dlms-image-transfer.ts';
import type { DlmsSession } from './dlms-session.ts';

const meter = { vendor: 'Sagemcom', model: 'XS210 ESMR5', active: { version: '4.4.0', identifier: null } };
const bytes = buildSimImage({ vendor: meter.vendor, model: meter.model, version: '4.4.1', size: 64 * 5 + 10 }); // 6 blocks of 64
const image: ImageToTransfer = { identifier: Buffer.from('MSFW 4.4.1'), bytes, version: '4.4.1' };

type BlockHook = (n: number, call: number) => ActionResult | 'lose' | undefined;

/** A session straight onto a simulated meter's image transfer object; `onBlock` can answer for a block or lose it. */
function sessionOn(it: SimImageTransfer, o: { onBlock?: BlockHook; firmware?: () => string } = {}) {
  const calls = new Map<number, number>();
  const get = async (a: AttributeDescriptor): Promise<Uint8Array> =>
    encodeData(a.classId === 1 ? d.octets(Buffer.from(o.firmware?.() ?? it.active().version)) : (it.get(a.attributeId) as DlmsData));
  const session = {
    get,
    getList: async (items: readonly { attribute: AttributeDescriptor }[]) => Promise.all(items.map((x) => get(x.attribute))),
    action: async (m: MethodDescriptor, p: DlmsData | null) => {
      if (m.methodId === 2 && p !== null && o.onBlock) {
        const n = parseBlockTransfer(p).blockNumber;
        calls.set(n, (calls.get(n) ?? 0) + 1);
        const answer = o.onBlock(n, calls.get(n)!);
        if (answer === 'lose') return { result: 'success' as const, data: null };
        if (answer !== undefined) return { result: answer, data: null };
      }
      return { result: it.action(m.methodId, p)!.result, data: null };
    },
  };
  return { session: session as unknown as DlmsSession, calls };
}

const fast = { pollIntervalMs: 0, sleep: async () => {} };

test('image transfer client: blocks answered temporary-failure are retried', async () => {
  const it = createSimImageTransfer({ ...meter, blockSize: 64, pollsToComplete: 0 });
  const { session, calls } = sessionOn(it, { onBlock: (n, call) => (n === 2 && call <= 2 ? 'temporary-failure' : undefined) });
  const r = await transferImage(session, image, fast);
  assert.deepEqual(r, { version: '4.4.1', blocks: 6, blocksSent: 6, resumed: false });
  assert.equal(calls.get(2), 3);
});

test('image transfer client: a block the meter lost is found in the bit-string and sent again', async () => {
  const it = createSimImageTransfer({ ...meter, blockSize: 64, pollsToComplete: 0 });
  const { session, calls } = sessionOn(it, { onBlock: (n, call) => (n === 3 && call === 1 ? 'lose' : undefined) });
  const seen: UpgradeProgress[] = [];
  const r = await transferImage(session, image, { ...fast, progress: (p) => seen.push(p) });
  assert.equal(r.blocksSent, 7);
  assert.equal(calls.get(3), 2);
  const transfer = seen.filter((p) => p.step === 'transfer').map((p) => p.done);
  assert.deepEqual(transfer, [0, 1, 2, 3, 4, 5, 6, 6], 'the second round starts from what the meter holds');
});

test('image transfer client: blocks that never arrive, a refused block, another version after activation', async () => {
  const lost = sessionOn(createSimImageTransfer({ ...meter, blockSize: 64 }), { onBlock: (n) => (n === 3 ? 'lose' : undefined) });
  await assert.rejects(transferImage(lost.session, image, fast), { code: 'DLMS_IMAGE_INCOMPLETE' });
  assert.equal(lost.calls.get(3), 3, 'three rounds');

  const refused = sessionOn(createSimImageTransfer({ ...meter, blockSize: 64 }), { onBlock: (n) => (n === 1 ? 'hardware-fault' : undefined) });
  await assert.rejects(transferImage(refused.session, image, fast), (e: Error & { code?: string; details?: Record<string, unknown> }) =>
    e.code === 'DLMS_IMAGE_BLOCK_REFUSED' && e.details?.['block'] === 1 && e.details['result'] === 'hardware-fault');

  const stuck = sessionOn(createSimImageTransfer({ ...meter, blockSize: 64 }), { firmware: () => '4.4.0' });
  await assert.rejects(transferImage(stuck.session, image, fast), { code: 'DLMS_IMAGE_ACTIVATE_FAILED' });
});

test('image transfer client: a verified image is not sent again; a running activation is only polled', async () => {
  const it = createSimImageTransfer({ ...meter, blockSize: 64, pollsToComplete: 0 });
  const { session, calls } = sessionOn(it, { onBlock: () => undefined });
  // as if an earlier run stopped after verification
  it.action(1, d.structure(d.octets(image.identifier), d.u32(bytes.length)));
  for (let n = 0; n < 6; n++) it.action(2, d.structure(d.u32(n), d.octets(bytes.subarray(n * 64, Math.min(bytes.length, n * 64 + 64)))));
  assert.equal(it.action(3, d.i8(0))!.result, 'success');
  const r = await transferImage(session, image, fast);
  assert.deepEqual(r, { version: '4.4.1', blocks: 6, blocksSent: 0, resumed: true });
  assert.equal(calls.size, 0);

  const slow = createSimImageTransfer({ ...meter, blockSize: 64, pollsToComplete: 2 });
  slow.action(1, d.structure(d.octets(image.identifier), d.u32(bytes.length)));
  for (let n = 0; n < 6; n++) slow.action(2, d.structure(d.u32(n), d.octets(bytes.subarray(n * 64, Math.min(bytes.length, n * 64 + 64)))));
  assert.equal(slow.action(4, d.i8(0))!.result, 'temporary-failure', 'activation (with verification) running');
  const seen: UpgradeProgress[] = [];
  const r2 = await transferImage(sessionOn(slow).session, image, { ...fast, progress: (p) => seen.push(p) });
  assert.equal(r2.version, '4.4.1');
  assert.deepEqual(seen.map((p) => p.step), ['activate', 'activate'], 'no transfer, no verify: the activation is polled');
});
