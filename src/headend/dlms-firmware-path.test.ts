import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_S, type Meter } from '../model/index.ts';
import type { FirmwareImageBytes, UpgradeProgress } from '../model/firmware.ts';
import { hasCode } from '../model/errors.ts';
import { dataOf } from '../protocols/dlms/apdu/index.ts';
import { DlmsClientConnection } from '../protocols/dlms/connection.ts';
import { ACTIVE_FIRMWARE_LN, parseFirmwareIdentifier } from '../protocols/dlms/cosem/image-transfer.ts';
import { ReplayGuard, SendCounters, SoftwareKeyStore } from '../protocols/dlms/security/index.ts';
import { openDlmsTcp } from '../protocols/dlms/transport-tcp.ts';
import { createFleet } from '../sim/fleet.ts';
import { FleetDataSource } from '../sim/dlms/data-source.ts';
import { simVerifyFails } from '../sim/dlms/image-transfer.ts';
import { fleetKeyStoreData } from '../sim/dlms/keys.ts';
import { startDlmsMeters, type DlmsMeterFleet, type DlmsMeterFleetState, type StartDlmsMetersOptions } from '../sim/dlms/meter-server.ts';
import { simFirmwareImage } from '../sim/firmware-image.ts';
import { DlmsError } from '../protocols/dlms/errors.ts';
import { deferredFirmwarePath, DlmsFirmwarePath, toCampaignError, type DlmsFirmwarePathOptions } from './dlms-firmware-path.ts';
import { DlmsReader, initialCursor } from './dlms-reader.ts';
import { attributeOf, DlmsSession } from './dlms-session.ts';
import { MeterLocks } from './meter-locks.ts';

const DAY0 = Date.UTC(2026, 3, 1) / 1000;
const FAILING = 'SIM000041'; // simVerifyFails('SIM000041') — checked below
const fleet = createFleet({ seed: 'fw-path', meters: 41 });
const source = new FleetDataSource(fleet, { start: DAY0 - DAY_S });
const served = [fleet.meters[0]!.id, fleet.meters[1]!.id, fleet.meters[2]!.id, fleet.meters[3]!.id, FAILING];
const TITLE = Uint8Array.from(Buffer.from('4D53480000000009', 'hex'));
const sink = (): void => {};
const keyStore = SoftwareKeyStore.fromJSON(fleetKeyStoreData(fleet));

interface Security {
  readonly sendCounters: SendCounters;
  readonly replayGuard: ReplayGuard;
}
const freshSecurity = (): Security => ({ sendCounters: new SendCounters({ sink }), replayGuard: new ReplayGuard({ sink }) });

/** A head-end: one set of counters, guard and locks shared by the firmware path and the reader. */
function headend(meters: DlmsMeterFleet, { sendCounters, replayGuard }: Security = freshSecurity(), pollTimeoutMs = 2000, extra: Partial<DlmsFirmwarePathOptions> = {}) {
  const locks = new MeterLocks();
  const path = new DlmsFirmwarePath({
    keyStore, clientSystemTitle: TITLE, sendCounters, replayGuard, locks, endpoint: (id) => meters.endpoints.get(id),
    transfer: { pollIntervalMs: 2, pollTimeoutMs }, requestTimeoutMs: 3000, ...extra,
  });
  const reader = new DlmsReader({ keyStore, clientSystemTitle: TITLE, sendCounters, replayGuard, now: () => DAY0 });
  /** The firmware the meter reports over DLMS (class 1, 1-0:0.2.0.255). */
  const firmwareOf = async (meterId: string): Promise<string> => {
    const ep = meters.endpoints.get(meterId)!;
    const ids = await keyStore.keysFor({ meterId });
    const client = new DlmsClientConnection({
      clientSystemTitle: TITLE, serverSystemTitle: ep.systemTitle, mechanism: 'hls-gmac', securityPolicy: 'authenticated-encrypted',
      keys: { ek: await keyStore.exportKey(ids.ek), ak: await keyStore.exportKey(ids.ak) }, sendCounters, replayGuard,
    });
    return locks.run(meterId, async () => {
      const tcp = await openDlmsTcp({ host: ep.host, port: ep.port, clientWPort: 1, serverWPort: 1, connectTimeoutMs: 2000 });
      try {
        const s = new DlmsSession(meterId, tcp, client, 2000);
        await s.associate();
        const v = parseFirmwareIdentifier(dataOf(await s.get(attributeOf(1, ACTIVE_FIRMWARE_LN, 2))));
        await s.release();
        return v;
      } finally {
        await tcp.close();
      }
    });
  };
  return { path, reader, locks, firmwareOf };
}

async function fleetUp(state?: DlmsMeterFleetState, objects?: StartDlmsMetersOptions['objects']): Promise<DlmsMeterFleet> {
  return startDlmsMeters({
    fleet, source, meterIds: served, addressOf: () => '127.0.0.1', port: 0, clock: () => DAY0,
    ...(state ? { state } : {}), ...(objects ? { objects } : {}),
  });
}

const meterOf = (id: string): Meter => ({ ...fleet.meters.find((m) => m.id === id)!, protocol: 'dlms' });
/** 10 full blocks of 192 and a short one: 11 blocks. */
const imageFor = (m: Meter, version: string, model = m.model!): FirmwareImageBytes =>
  simFirmwareImage({ vendor: m.vendor!, model, version, size: 192 * 10 + 50 });
const never = new AbortController().signal;

test('the failing test meter is one of the ~3 % whose flash fails verification; the others are not', () => {
  assert.equal(simVerifyFails(FAILING), true);
  for (const id of served.slice(0, 4)) assert.equal(simVerifyFails(id), false, id);
});

test('DLMS firmware path: full upgrade, per-block progress, the new version survives a restart of the simulated meter', async () => {
  let meters = await fleetUp();
  const security = freshSecurity();
  let he = headend(meters, security);
  const m = meterOf(served[0]!);
  try {
    assert.equal(he.path.reaches(m), true);
    assert.equal(he.path.reaches({ ...m, protocol: 'mqtt' }), false);
    assert.equal(he.path.reaches({ ...m, id: 'SIM000040' }), false, 'not served here');
    const before = await he.firmwareOf(m.id);
    assert.equal(before, m.firmware);
    const seen: UpgradeProgress[] = [];
    const r = await he.path.upgrade(m, imageFor(m, '9.9.1'), (p) => seen.push(p), never);
    assert.deepEqual(r, { version: '9.9.1' });
    const transfer = seen.filter((p) => p.step === 'transfer');
    assert.deepEqual(transfer.map((p) => p.done), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.ok(transfer.every((p) => p.total === 11));
    assert.deepEqual(seen.filter((p) => p.step !== 'transfer').map((p) => `${p.step} ${p.done}/${p.total}`), ['verify 0/1', 'verify 1/1', 'activate 0/1', 'activate 1/1']);
    assert.equal(await he.firmwareOf(m.id), '9.9.1');
    // Asked again (a job retried after the meter dropped the association on activation): status 6 with
    // this image and the version running, so nothing is sent.
    const retry: UpgradeProgress[] = [];
    assert.deepEqual(await he.path.upgrade(m, imageFor(m, '9.9.1'), (p) => retry.push(p), never), { version: '9.9.1' });
    assert.deepEqual(retry, [{ step: 'activate', done: 1, total: 1 }]);

    // Power cycle of the simulated fleet with its saved state: the meter runs the new image.
    const state = meters.exportState();
    assert.equal(state.meters[m.id]?.firmware?.version, '9.9.1');
    assert.equal(state.meters[served[1]!]?.firmware, undefined, 'untouched meters save no firmware');
    await meters.close();
    meters = await fleetUp(JSON.parse(JSON.stringify(state)) as DlmsMeterFleetState);
    he = headend(meters, security);
    assert.equal(await he.firmwareOf(m.id), '9.9.1');
    assert.equal(await he.firmwareOf(served[1]!), fleet.meters[1]!.firmware);
    // The same image again: the meter runs it already; nothing is sent.
    const again: UpgradeProgress[] = [];
    assert.deepEqual(await he.path.upgrade(m, imageFor(m, '9.9.1'), (p) => again.push(p), never), { version: '9.9.1' });
    assert.equal(again.filter((p) => p.step === 'transfer' && p.done > 0).length, 11, 'after a restart the partial state is gone: sent again');
  } finally {
    await meters.close();
  }
});

test('DLMS firmware path: an abort between blocks stops the transfer; the next upgrade resumes and sends only the missing blocks', async () => {
  const meters = await fleetUp();
  const he = headend(meters);
  const m = meterOf(served[1]!);
  const image = imageFor(m, '9.9.2');
  try {
    const stop = new AbortController();
    const first: UpgradeProgress[] = [];
    await assert.rejects(he.path.upgrade(m, image, (p) => {
      first.push(p);
      if (p.step === 'transfer' && p.done === 4) stop.abort();
    }, stop.signal), (e) => hasCode(e, 'FIRMWARE_ABORTED') && (e.details as { dlmsCode?: string }).dlmsCode === 'DLMS_IMAGE_ABORTED');
    assert.equal(Math.max(...first.filter((p) => p.step === 'transfer').map((p) => p.done)), 4);
    assert.equal(await he.firmwareOf(m.id), m.firmware, 'nothing activated');

    const second: UpgradeProgress[] = [];
    assert.deepEqual(await he.path.upgrade(m, image, (p) => second.push(p), never), { version: '9.9.2' });
    const transfer = second.filter((p) => p.step === 'transfer');
    assert.equal(transfer[0]!.done, 4, 'resumed with the 4 blocks the meter holds');
    assert.equal(transfer.length - 1, 7, '7 blocks sent, not 11');
    assert.equal(await he.firmwareOf(m.id), '9.9.2');
  } finally {
    await meters.close();
  }
});

test('DLMS firmware path: an image for another model fails verification and the meter keeps its firmware', async () => {
  const meters = await fleetUp();
  const he = headend(meters);
  const m = meterOf(served[2]!);
  try {
    const seen: UpgradeProgress[] = [];
    await assert.rejects(he.path.upgrade(m, imageFor(m, '9.9.3', 'NOT-THIS-MODEL'), (p) => seen.push(p), never),
      (e) => hasCode(e, 'FIRMWARE_VERIFY_FAILED') && (e.details as { dlmsCode?: string }).dlmsCode === 'DLMS_IMAGE_VERIFY_FAILED');
    assert.equal(seen.filter((p) => p.step === 'transfer').at(-1)?.done, 11, 'every block went over');
    assert.equal(seen.some((p) => p.step === 'activate'), false);
    assert.equal(await he.firmwareOf(m.id), m.firmware);
    // The right image afterwards starts over (status 4 is not resumed) and goes through.
    assert.deepEqual(await he.path.upgrade(m, imageFor(m, '9.9.3'), () => {}, never), { version: '9.9.3' });
  } finally {
    await meters.close();
  }
});

test('DLMS firmware path: a meter whose flash fails verification fails every campaign with FIRMWARE_VERIFY_FAILED', async () => {
  const meters = await fleetUp();
  const he = headend(meters);
  const m = meterOf(FAILING);
  try {
    await assert.rejects(he.path.upgrade(m, imageFor(m, '9.9.4'), () => {}, never), (e) => hasCode(e, 'FIRMWARE_VERIFY_FAILED'));
    assert.equal(await he.firmwareOf(m.id), m.firmware);
  } finally {
    await meters.close();
  }
});

test('DLMS firmware path: reads and an upgrade of the same meter at once share counters without a replay', async () => {
  const meters = await fleetUp();
  const he = headend(meters);
  const m = meterOf(served[3]!);
  const target = meters.endpoints.get(m.id)!;
  try {
    // As dlms-live wraps the scheduler's reader: every read under the meter's lock.
    const read = () => he.locks.run(m.id, () => he.reader.read(target, initialCursor(DAY0 - 3600)));
    const reads = [read(), read()];
    const upgrade = he.path.upgrade(m, imageFor(m, '9.9.5'), () => {}, never);
    reads.push(read());
    const [r] = await Promise.all([upgrade, he.firmwareOf(m.id)]);
    assert.deepEqual(r, { version: '9.9.5' });
    for (const x of await Promise.allSettled(reads)) assert.equal(x.status, 'fulfilled', x.status === 'rejected' ? String(x.reason) : '');
  } finally {
    await meters.close();
  }
});

test('DLMS firmware path: meters that verify and activate at once; a meter with image transfer disabled', async () => {
  const sync = await fleetUp(undefined, { imageTransfer: { pollsToComplete: 0 } });
  try {
    const m = meterOf(served[0]!);
    assert.deepEqual(await headend(sync).path.upgrade(m, imageFor(m, '9.9.6'), () => {}, never), { version: '9.9.6' });
  } finally {
    await sync.close();
  }
  const off = await fleetUp(undefined, { imageTransfer: { enabled: false } });
  try {
    const m = meterOf(served[0]!);
    await assert.rejects(headend(off).path.upgrade(m, imageFor(m, '9.9.7'), () => {}, never),
      (e) => hasCode(e, 'FIRMWARE_TRANSFER_FAILED') && (e.details as { dlmsCode?: string }).dlmsCode === 'DLMS_IMAGE_TRANSFER_DISABLED');
  } finally {
    await off.close();
  }
});

test('DLMS image errors map onto the campaign codes; others keep theirs', () => {
  const map = (code: ConstructorParameters<typeof DlmsError>[0], details: Record<string, unknown> = {}) => {
    const e = toCampaignError(new DlmsError(code, 'x', { details }), 'M1') as DlmsError;
    return [e.code, e.details?.['dlmsCode'] ?? null];
  };
  assert.deepEqual(map('DLMS_IMAGE_TRANSFER_DISABLED'), ['FIRMWARE_TRANSFER_FAILED', 'DLMS_IMAGE_TRANSFER_DISABLED']);
  assert.deepEqual(map('DLMS_IMAGE_BLOCK_REFUSED'), ['FIRMWARE_TRANSFER_FAILED', 'DLMS_IMAGE_BLOCK_REFUSED']);
  assert.deepEqual(map('DLMS_IMAGE_INCOMPLETE'), ['FIRMWARE_TRANSFER_FAILED', 'DLMS_IMAGE_INCOMPLETE']);
  assert.deepEqual(map('DLMS_IMAGE_VERIFY_FAILED'), ['FIRMWARE_VERIFY_FAILED', 'DLMS_IMAGE_VERIFY_FAILED']);
  assert.deepEqual(map('DLMS_IMAGE_TIMEOUT', { status: 'verification-initiated' }), ['FIRMWARE_VERIFY_FAILED', 'DLMS_IMAGE_TIMEOUT']);
  assert.deepEqual(map('DLMS_IMAGE_TIMEOUT', { status: 'activation-initiated' }), ['FIRMWARE_ACTIVATE_FAILED', 'DLMS_IMAGE_TIMEOUT']);
  assert.deepEqual(map('DLMS_IMAGE_ACTIVATE_FAILED'), ['FIRMWARE_ACTIVATE_FAILED', 'DLMS_IMAGE_ACTIVATE_FAILED']);
  assert.deepEqual(map('DLMS_IMAGE_ABORTED'), ['FIRMWARE_ABORTED', 'DLMS_IMAGE_ABORTED']);
  assert.deepEqual(map('DLMS_TRANSPORT_TIMEOUT'), ['DLMS_TRANSPORT_TIMEOUT', null]);
  const plain = new Error('boom');
  assert.equal(toCampaignError(plain, 'M1'), plain);
});

test('DLMS firmware path: a verification that never ends times out', async () => {
  const slow = await fleetUp(undefined, { imageTransfer: { pollsToComplete: 1_000_000 } });
  try {
    const m = meterOf(served[0]!);
    await assert.rejects(headend(slow, freshSecurity(), 100).path.upgrade(m, imageFor(m, '9.9.8'), () => {}, never),
      (e) => hasCode(e, 'FIRMWARE_VERIFY_FAILED') && (e.details as { dlmsCode?: string }).dlmsCode === 'DLMS_IMAGE_TIMEOUT');
  } finally {
    await slow.close();
  }
});

test('DLMS firmware path: a meter that restarts on activation drops the association; the head-end associates again and reads the new version', async () => {
  const errors: unknown[] = [];
  const meters = await startDlmsMeters({
    fleet, source, meterIds: served, addressOf: () => '127.0.0.1', port: 0, clock: () => DAY0,
    objects: { imageTransfer: { rebootOnActivate: true } }, onError: (_id, e) => errors.push(e),
  });
  try {
    const m = meterOf(served[0]!);
    const seen: UpgradeProgress[] = [];
    const he = headend(meters, freshSecurity(), 2000, { rebootWaitMs: 5 });
    assert.deepEqual(await he.path.upgrade(m, imageFor(m, '9.9.9'), (p) => seen.push(p), never), { version: '9.9.9' });
    assert.deepEqual(seen.slice(-2), [{ step: 'activate', done: 0, total: 1 }, { step: 'activate', done: 1, total: 1 }]);
    assert.equal(seen.filter((p) => p.step === 'transfer').length, 12, 'no block sent twice');
    assert.equal(meters.associations(m.id), 2);
    assert.equal(await he.firmwareOf(m.id), '9.9.9');
    assert.deepEqual(errors, [], 'a restart is no error');
  } finally {
    await meters.close();
  }
});

test('deferred path: reaches by its own rule and waits for the head-end, then delegates', async () => {
  let inner: DlmsFirmwarePath | undefined;
  const m = meterOf(served[0]!);
  const early = deferredFirmwarePath(() => inner, { reaches: (x) => x.protocol === 'dlms', waitMs: 50, pollMs: 5 });
  assert.equal(early.name, 'dlms');
  assert.equal(early.reaches(m), true);
  assert.equal(early.reaches({ ...m, protocol: 'mqtt' }), false);
  await assert.rejects(early.upgrade(m, imageFor(m, '1'), () => {}, never), (e) => hasCode(e, 'DLMS_TRANSPORT_REFUSED'));
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(early.upgrade(m, imageFor(m, '1'), () => {}, stop.signal), (e) => hasCode(e, 'FIRMWARE_ABORTED'));
  const meters = await fleetUp();
  try {
    const waiting = deferredFirmwarePath(() => inner, { waitMs: 5000, pollMs: 5 }).upgrade(m, imageFor(m, '9.9.10'), () => {}, never);
    setTimeout(() => { inner = headend(meters).path; }, 20);
    assert.deepEqual(await waiting, { version: '9.9.10' });
    assert.equal(early.reaches({ ...m, id: 'SIM000040' }), false, 'now the head-end decides');
  } finally {
    await meters.close();
  }
});
