import { test } from 'node:test';
import assert from 'node:assert/strict';
import { d, type DlmsData } from '../../protocols/dlms/axdr/index.ts';
import { encodeBlockTransfer, encodeInitiate, imageBlock, parseBlocksStatus, parseToActivateInfo, parseTransferStatus, VERIFY_ACTIVATE_PARAM } from '../../protocols/dlms/cosem/image-transfer.ts';
import { buildSimImage } from '../firmware-image.ts';
import { createSimImageTransfer, type SimImageTransferOptions } from './image-transfer.ts';

const meter = { vendor: 'Kamstrup', model: 'OMNIPOWER 1-phase', active: { version: '5.02', identifier: null } };
const image = buildSimImage({ vendor: meter.vendor, model: meter.model, version: '6.01', size: 100 * 2 + 30 });
const ID = Buffer.from('MSFW 6.01');

function setup(o: Partial<SimImageTransferOptions> = {}) {
  const it = createSimImageTransfer({ ...meter, blockSize: 100, ...o });
  const act = (m: number, p: DlmsData | null = VERIFY_ACTIVATE_PARAM): string => it.action(m, p)!.result;
  const status = (): string => parseTransferStatus(it.get(6) as DlmsData);
  const send = (n: number, bytes = image): string => act(2, encodeBlockTransfer({ blockNumber: n, value: imageBlock(bytes, n, 100) }));
  return { it, act, status, send };
}

test('sim image transfer: initiate, blocks with their bits, synchronous verify and activate change the version', () => {
  const { it, act, status, send } = setup({ pollsToComplete: 0 });
  assert.deepEqual(it.get(2), d.u32(100));
  assert.equal(send(0), 'read-write-denied', 'no blocks before initiate');
  assert.equal(act(3), 'read-write-denied', 'nothing to verify');
  assert.equal(act(1, encodeInitiate({ identifier: ID, size: image.length })), 'success');
  assert.equal(status(), 'initiated');
  assert.equal(send(2), 'success');
  assert.deepEqual(parseBlocksStatus(it.get(3) as DlmsData), [false, false, true]);
  assert.deepEqual(it.get(4), d.u32(0));
  assert.equal(act(2, encodeBlockTransfer({ blockNumber: 3, value: new Uint8Array(100) })), 'other-reason', 'no block 3');
  assert.equal(act(2, encodeBlockTransfer({ blockNumber: 0, value: new Uint8Array(99) })), 'other-reason', 'short block');
  assert.equal(act(2, d.u32(1)), 'type-unmatched');
  assert.equal(act(3), 'other-reason', 'verification of an incomplete image fails');
  assert.equal(status(), 'verification-failed');
  // start over
  assert.equal(act(1, encodeInitiate({ identifier: ID, size: image.length })), 'success');
  for (const n of [0, 1, 2]) assert.equal(send(n), 'success');
  assert.deepEqual(it.get(4), d.u32(3));
  assert.equal(act(3), 'success');
  assert.equal(status(), 'verification-successful');
  const [info] = parseToActivateInfo(it.get(7) as DlmsData);
  assert.deepEqual([info!.size, Buffer.from(info!.identifier).toString()], [image.length, 'MSFW 6.01']);
  assert.equal(it.active().version, '5.02');
  assert.equal(act(4), 'success');
  assert.equal(status(), 'activation-successful');
  assert.deepEqual(it.active(), { version: '6.01', identifier: 'MSFW 6.01' });
});

test('sim image transfer: verify and activate answer temporary-failure and finish after the status was polled', () => {
  const { act, status, send } = setup({ pollsToComplete: 2 });
  act(1, encodeInitiate({ identifier: ID, size: image.length }));
  for (const n of [0, 1, 2]) send(n);
  assert.equal(act(3), 'temporary-failure');
  assert.equal(status(), 'verification-initiated');
  assert.equal(act(4), 'temporary-failure', 'activation waits for the verification');
  assert.equal(status(), 'verification-initiated');
  assert.equal(status(), 'verification-successful');
  assert.equal(act(4), 'temporary-failure');
  assert.deepEqual([status(), status(), status()], ['activation-initiated', 'activation-initiated', 'activation-successful']);
});

test('sim image transfer: wrong model, a failing meter, a disabled transfer', () => {
  const other = buildSimImage({ vendor: meter.vendor, model: 'OMNIPOWER 3-phase', version: '6.01', size: 230 });
  const a = setup({ pollsToComplete: 0 });
  a.act(1, encodeInitiate({ identifier: ID, size: other.length }));
  for (const n of [0, 1, 2]) a.send(n, other);
  assert.equal(a.act(3), 'other-reason');
  assert.equal(a.act(4), 'read-write-denied', 'a failed image is not activated');
  assert.equal(a.it.active().version, '5.02');

  const b = setup({ pollsToComplete: 0, verifyFails: true });
  b.act(1, encodeInitiate({ identifier: ID, size: image.length }));
  for (const n of [0, 1, 2]) b.send(n);
  assert.equal(b.act(4), 'other-reason', 'activation verifies first, and fails');
  assert.equal(b.status(), 'activation-failed');

  const c = setup({ enabled: false });
  assert.deepEqual(c.it.get(5), d.boolean(false));
  assert.equal(c.act(1, encodeInitiate({ identifier: ID, size: image.length })), 'read-write-denied');
  assert.equal(c.it.set(5, d.boolean(true)), 'success');
  assert.equal(c.act(1, encodeInitiate({ identifier: ID, size: image.length })), 'success');
  assert.equal(c.it.set(5, d.u8(1)), 'type-unmatched');
});

test('sim image transfer: a meter that restarts on activation activates at once and asks to drop the connection, once', () => {
  const { it, act, status, send } = setup({ rebootOnActivate: true });
  act(1, encodeInitiate({ identifier: ID, size: image.length }));
  for (const n of [0, 1, 2]) send(n);
  assert.equal(it.takeReboot(), false);
  assert.equal(act(4), 'success');
  assert.equal(it.takeReboot(), true);
  assert.equal(it.takeReboot(), false);
  assert.equal(status(), 'activation-successful');
  assert.equal(it.active().version, '6.01');
});
