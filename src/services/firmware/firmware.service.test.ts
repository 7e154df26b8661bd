import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCode, type ErrorCode } from '../../model/index.ts';
import { openSqliteStore } from '../../store/sqlite/index.ts';
import type { FirmwareJobRecord, Store } from '../../store/store.port.ts';
import { firmwareRig, imageBytes, now, vendorKey, type Rig } from '../../../test/support/firmware.ts';
import { FirmwareService } from './index.ts';

const rejects = (p: Promise<unknown>, code: ErrorCode) => assert.rejects(p, (e: unknown) => hasCode(e, code) || assert.fail(`expected ${code}, got ${String(e)}`));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function allJobs(store: Store, id: string): Promise<FirmwareJobRecord[]> {
  return (await store.listFirmwareJobs(id, {}, { limit: 10_000 })).items;
}

test('signing keys: Ed25519 and P-256 public keys register once; private keys and other curves are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-fwkeys-'));
  const store = openSqliteStore({ path: join(dir, 'db') });
  await store.migrate();
  try {
    const fw = new FirmwareService(store, now);
    const ed = vendorKey('ed25519');
    const ec = vendorKey('ec');
    const k1 = await fw.addKey({ vendor: 'Kaifa', publicKey: ed.publicPem, label: 'release' }, 'tester');
    assert.equal(k1.algorithm, 'ed25519');
    assert.match(k1.id, /^fwk-[0-9a-f]{16}$/);
    // The same key as base64 DER is the same key.
    const der = ed.publicPem.replace(/-----[A-Z ]+-----|\s/g, '');
    await rejects(fw.addKey({ vendor: 'Kaifa', publicKey: der }, 'tester'), 'FIRMWARE_KEY_EXISTS');
    assert.equal((await fw.addKey({ vendor: 'Kaifa', publicKey: ec.publicPem }, 'tester')).algorithm, 'ecdsa-p256');
    const priv = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await rejects(fw.addKey({ vendor: 'Kaifa', publicKey: priv }, 'tester'), 'FIRMWARE_KEY_INVALID');
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await rejects(fw.addKey({ vendor: 'Kaifa', publicKey: rsa }, 'tester'), 'FIRMWARE_KEY_INVALID');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await rejects(fw.addKey({ vendor: 'Kaifa', publicKey: p384 }, 'tester'), 'FIRMWARE_KEY_INVALID');
    await rejects(fw.addKey({ vendor: 'Kaifa', publicKey: 'not a key' }, 'tester'), 'FIRMWARE_KEY_INVALID');
    assert.equal((await fw.listKeys('Kaifa')).length, 2);
    const audit = await store.listAudit({ action: 'firmware.key.add' }, { limit: 10 });
    assert.equal(audit.total, 2);
    assert.ok(!JSON.stringify(audit.items).includes('PRIVATE'));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('images: only bytes signed by a registered key of their vendor are stored; unsigned, tampered or foreign-signed ones are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-fwimg-'));
  const store = openSqliteStore({ path: join(dir, 'db') });
  await store.migrate();
  try {
    const fw = new FirmwareService(store, now);
    const kaifa = vendorKey('ec');
    const other = vendorKey('ed25519');
    await fw.addKey({ vendor: 'Kaifa', publicKey: kaifa.publicPem }, 'tester');
    await fw.addKey({ vendor: 'Sagemcom', publicKey: other.publicPem }, 'tester');
    const bytes = imageBytes(5000);
    const meta = { vendor: 'Kaifa', models: ['MA105H2E'], version: 'V1.12' };
    await rejects(fw.addImage({ ...meta, signature: '' }, bytes, 'tester'), 'FIRMWARE_SIGNATURE_INVALID');
    await rejects(fw.addImage({ ...meta, signature: other.sign(bytes) }, bytes, 'tester'), 'FIRMWARE_SIGNATURE_INVALID');
    const tampered = Uint8Array.from(bytes);
    tampered[4000]! ^= 1;
    await rejects(fw.addImage({ ...meta, signature: kaifa.sign(bytes) }, tampered, 'tester'), 'FIRMWARE_SIGNATURE_INVALID');
    await rejects(fw.addImage({ ...meta, vendor: 'Nobody', signature: kaifa.sign(bytes) }, bytes, 'tester'), 'FIRMWARE_SIGNATURE_INVALID');
    await rejects(fw.addImage({ ...meta, models: [], signature: kaifa.sign(bytes) }, bytes, 'tester'), 'FIRMWARE_IMAGE_INVALID');
    const img = await fw.addImage({ ...meta, signature: kaifa.sign(bytes) }, bytes, 'tester');
    assert.equal(img.size, 5000);
    assert.equal(img.identifier, 'Kaifa-V1.12');
    assert.equal(img.keyId, (await fw.listKeys('Kaifa'))[0]!.id);
    await rejects(fw.addImage({ ...meta, version: 'V1.13', signature: kaifa.sign(bytes) }, bytes, 'tester'), 'FIRMWARE_IMAGE_EXISTS');
    assert.deepEqual((await fw.imageBytes(img.id)).bytes, bytes);
    await rejects(fw.getImage('img-none'), 'FIRMWARE_IMAGE_NOT_FOUND');
    assert.equal((await store.listAudit({ action: 'firmware.image.refused' }, { limit: 10 })).total, 4);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

let rig: Rig;
const failing = new Set<string>();

before(async () => {
  // 40 meters; the last 36 answer over MQTT, the first 4 only over paths this test does not have.
  rig = await firmwareRig({ meters: 40, mqttMeters: 36, blockDelayMs: 25, blockSize: 256, fails: (id) => failing.has(id) });
});
after(async () => rig.close());

let n = 0;
async function signedImage(models = [rig.model]): Promise<{ id: string; version: string }> {
  const key = vendorKey();
  await rig.firmware.addKey({ vendor: rig.vendor, publicKey: key.publicPem }, 'tester');
  const bytes = imageBytes(4096, ++n);
  const version = `9.${n}.0`;
  return rig.firmware.addImage({ vendor: rig.vendor, models, version, signature: key.sign(bytes) }, bytes, 'tester');
}

test('a campaign skips what it must, runs the canary then batches, and halts itself when a wave fails over the threshold', async (t) => {
  const image = await signedImage();
  const ofModel = rig.fleet.meters.filter((m) => m.vendor === rig.vendor);
  const onVersion = ofModel.find((m) => m.model === rig.model && rig.mqttIds.has(m.id))!;
  await rig.store.upsertMeters([{ ...onVersion, firmware: image.version }]);
  rig.firmware.startRunner([rig.path], { pollMs: 50, saveEveryMs: 50 });
  t.after(() => rig.firmware.stopRunner());
  const c = await rig.firmware.createCampaign({ imageId: image.id, canary: 2, batch: 3, threshold: 0.1, concurrency: 2 }, 'operator-1');
  assert.equal(c.state, 'draft');
  const jobs = await allJobs(rig.store, c.id);
  const eligible = jobs.filter((j) => j.state === 'pending');
  const skipped = Object.fromEntries(jobs.filter((j) => j.state === 'skipped').map((j) => [j.meterId, j.code]));
  assert.equal(jobs.length, ofModel.length, 'every meter of the vendor is a job');
  for (const m of ofModel) {
    const expected = m.model !== rig.model ? 'wrong-model' : m.id === onVersion.id ? 'already-on-version' : !rig.mqttIds.has(m.id) ? 'no-path' : undefined;
    assert.equal(skipped[m.id], expected, m.id);
  }
  assert.ok(eligible.length >= 6, `enough meters of ${rig.vendor} ${rig.model} (${eligible.length})`);
  assert.deepEqual(eligible.map((j) => j.wave), eligible.map((_, i) => (i < 2 ? 0 : 1 + Math.floor((i - 2) / 3))));
  assert.equal(c.waves, 1 + Math.ceil((eligible.length - 2) / 3));
  // A meter of wave 1 fails verification: 1 of 3 > 10 %.
  failing.add(eligible[3]!.meterId);

  await rig.firmware.start(c.id, 'operator-1');
  const halted = await until('threshold halt', async () => { const v = await rig.firmware.getCampaign(c.id); return v.state === 'halted' && v; });
  assert.deepEqual({ by: halted.halt?.by, wave: halted.halt?.wave }, { by: 'threshold', wave: 1 });
  assert.equal(halted.progress.waves[0]!.verdict, 'passed');
  assert.equal(halted.progress.waves[1]!.verdict, 'halted');
  assert.equal(halted.progress.waves[1]!.failed, 1);
  assert.equal(halted.progress.counts.succeeded, 4, JSON.stringify(await allJobs(rig.store, c.id)));
  assert.equal(halted.progress.skipped['no-path'] ?? 0, ofModel.filter((m) => m.model === rig.model && !rig.mqttIds.has(m.id)).length);
  const failedJob = (await rig.firmware.jobs(c.id, { state: 'failed' }, { limit: 10 })).items;
  assert.deepEqual(failedJob.map((j) => [j.meterId, j.code]), [[eligible[3]!.meterId, 'FIRMWARE_VERIFY_FAILED']]);
  // Nothing of wave 2 started while halted.
  assert.ok((await rig.firmware.jobs(c.id, { wave: 2 }, { limit: 100 })).items.every((j) => j.state === 'pending'));
  // Upgraded meters carry the version in the registry, and each upgrade is audited.
  const upgraded = eligible.slice(0, 5).filter((j) => j.meterId !== eligible[3]!.meterId);
  for (const j of upgraded) assert.equal((await rig.store.getMeter(j.meterId))?.firmware, image.version);
  assert.equal(rig.sim.firmware.version(upgraded[0]!.meterId), image.version);
  assert.equal((await rig.store.getMeter(eligible[3]!.meterId))?.firmware, eligible[3]!.fromVersion);
  const audit = await rig.store.listAudit({ action: 'firmware.meter.upgraded' }, { limit: 100 });
  assert.ok(audit.items.some((a) => a.object === `meter:${upgraded[0]!.meterId}`));

  await rejects(rig.firmware.start(c.id, 'operator-1'), 'FIRMWARE_CAMPAIGN_STATE');
  await rig.firmware.resume(c.id, 'operator-1');
  const done = await until('completion', async () => { const v = await rig.firmware.getCampaign(c.id); return v.state === 'completed' && v; }, 30_000);
  assert.equal(done.progress.counts.succeeded, eligible.length - 1);
  assert.equal(done.progress.counts.pending, 0);
  assert.equal(done.progress.done, 1);
  assert.equal(done.progress.blocks.done >= (eligible.length - 1) * 16, true);
  const actions = (await rig.store.listAudit({ objectPrefix: `firmware-campaign:${c.id}` }, { limit: 100 })).items.map((a) => a.action);
  for (const a of ['firmware.campaign.create', 'firmware.campaign.start', 'firmware.campaign.halt', 'firmware.campaign.resume', 'firmware.campaign.complete']) assert.ok(actions.includes(a), a);
  await rejects(rig.firmware.cancel(c.id, 'operator-1'), 'FIRMWARE_CAMPAIGN_STATE');
  await rig.firmware.stopRunner();
});

test('an operator halt stops in-flight upgrades at the next block; resume continues them from the first missing block', async (t) => {
  failing.clear();
  const image = await signedImage();
  rig.firmware.startRunner([rig.path], { pollMs: 50, saveEveryMs: 20 });
  t.after(() => rig.firmware.stopRunner());
  const c = await rig.firmware.createCampaign({ imageId: image.id, canary: 100, concurrency: 2 }, 'operator-1');
  await rig.firmware.start(c.id, 'operator-1');
  const mid = await until('a transfer in progress', async () => (await allJobs(rig.store, c.id)).find((j) => j.state === 'transferring' && j.blocksDone >= 3));
  await rig.firmware.halt(c.id, 'operator-1');
  await until('in-flight jobs back to pending', async () => (await allJobs(rig.store, c.id)).every((j) => !['transferring', 'verifying', 'activating'].includes(j.state)));
  const stopped = (await rig.store.getFirmwareJob(c.id, mid.meterId))!;
  assert.equal(stopped.state, 'pending');
  assert.ok(stopped.blocksDone >= 3 && stopped.blocksDone < 16, `stopped at block ${stopped.blocksDone}`);
  assert.match(stopped.message ?? '', /stopped at block/);
  const frozen = (await allJobs(rig.store, c.id)).map((j) => [j.meterId, j.state, j.blocksDone]);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual((await allJobs(rig.store, c.id)).map((j) => [j.meterId, j.state, j.blocksDone]), frozen, 'nothing moves while halted');

  await rig.firmware.resume(c.id, 'operator-1');
  await until('completion', async () => (await rig.firmware.getCampaign(c.id)).state === 'completed', 30_000);
  const job = (await rig.store.getFirmwareJob(c.id, mid.meterId))!;
  assert.equal(job.state, 'succeeded');
  assert.equal(job.attempts, 2);
  // The resumed transfer sent only the blocks the meter did not hold: block 0 went once.
  const sent = (await rig.store.listAudit({ action: 'mqtt.command.sent', objectPrefix: `mqtt/${mid.meterId}` }, { limit: 1000 })).items
    .map((a) => a.details as { name: string; args: { n?: number; bytes?: number; data?: string } })
    .filter((d) => d.name === 'firmware-block');
  const since = sent.filter((d) => d.args.n === 0);
  assert.ok(since.length >= 1);
  const blocks = sent.map((d) => d.args.n);
  assert.equal(new Set(blocks).size, 16, 'every block sent');
  assert.ok(blocks.length <= 16 + 1, `at most the interrupted block again (${blocks.length} sends)`);
  assert.ok(sent.every((d) => d.args.data === undefined && d.args.bytes === 256), 'the audit log holds block numbers and sizes, not image bytes');
  await rig.firmware.stopRunner();
});

test('a running campaign survives a restart: jobs left in flight resume, and it completes; cancel skips what is pending', async () => {
  const image = await signedImage();
  rig.firmware.startRunner([rig.path], { pollMs: 50, saveEveryMs: 20 });
  const c = await rig.firmware.createCampaign({ imageId: image.id, canary: 1, batch: 100, concurrency: 3 }, 'operator-1');
  await rig.firmware.start(c.id, 'operator-1');
  await until('some progress', async () => (await allJobs(rig.store, c.id)).some((j) => j.blocksDone >= 2));
  await rig.restart();
  // A job the dead process had in flight (as a crash would leave it).
  const pending = (await rig.firmware.jobs(c.id, { state: 'pending' }, { limit: 1 })).items[0]!;
  await rig.store.putFirmwareJobs([{ ...pending, state: 'verifying' }]);
  assert.equal((await rig.firmware.getCampaign(c.id)).state, 'running');
  rig.firmware.startRunner([rig.path], { pollMs: 50, saveEveryMs: 20 });
  const done = await until('completion after restart', async () => { const v = await rig.firmware.getCampaign(c.id); return v.state === 'completed' && v; }, 30_000);
  assert.equal(done.progress.counts.failed, 0);
  assert.equal(done.progress.counts.succeeded, (await rig.firmware.jobs(c.id, { state: 'succeeded' }, { limit: 1 })).total);
  assert.ok(done.progress.counts.succeeded > 0);

  const image2 = await signedImage();
  const c2 = await rig.firmware.createCampaign({ imageId: image2.id, canary: 1, batch: 100, concurrency: 1 }, 'operator-1');
  await rig.firmware.start(c2.id, 'operator-1');
  await until('first transfer', async () => (await allJobs(rig.store, c2.id)).some((j) => j.blocksDone >= 1));
  const cancelled = await rig.firmware.cancel(c2.id, 'operator-1');
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(cancelled.progress.counts.pending, 0);
  assert.ok((cancelled.progress.skipped.cancelled ?? 0) > 0);
  await rejects(rig.firmware.resume(c2.id, 'operator-1'), 'FIRMWARE_CAMPAIGN_STATE');
  await rejects(rig.firmware.getCampaign('fwc-none'), 'FIRMWARE_CAMPAIGN_NOT_FOUND');
});
