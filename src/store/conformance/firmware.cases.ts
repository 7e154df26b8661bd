import assert from 'node:assert/strict';
import type { FirmwareCampaignRecord, FirmwareImageRecord, FirmwareJobRecord, FirmwareKeyRecord } from '../store.port.ts';
import { rejectsWith, t, type Case } from './fixtures.ts';

const at = t('2026-04-01T10:00:00Z');
const key = (id = 'fwk-0001', vendor = 'Kaifa'): FirmwareKeyRecord => ({
  id, vendor, algorithm: 'ed25519', publicKey: 'MCowBQYDK2VwAyEA', label: 'release 2026', createdAt: at, createdBy: 'tester',
});
const image = (id: string, sha256: string): FirmwareImageRecord => ({
  id, vendor: 'Kaifa', models: ['MA105H2E', 'MA304H4E'], version: 'V1.12', identifier: 'KFM_V1.12', size: 4, sha256, keyId: 'fwk-0001',
  signature: 'c2ln', createdAt: at, createdBy: 'tester',
});
const campaign = (id: string, state: FirmwareCampaignRecord['state'] = 'draft'): FirmwareCampaignRecord => ({
  id, name: `campaign ${id}`, imageId: 'img-1', state, wave: 0, waves: 3, target: '{"vendor":"Kaifa"}', settings: '{"canary":1}', results: '[]',
  createdAt: at, createdBy: 'tester', updatedAt: at,
});
const job = (meterId: string, seq: number, state: FirmwareJobRecord['state'], wave?: number): FirmwareJobRecord => ({
  campaignId: 'c-1', meterId, ...(wave !== undefined ? { wave } : {}), seq, state, blocksDone: 0, blocksTotal: 64, attempts: 0,
});

async function seed(store: Parameters<Case[1]>[0]): Promise<void> {
  await store.insertFirmwareKey(key());
  await store.insertFirmwareImage(image('img-1', 'aa'.repeat(32)), Uint8Array.of(1, 2, 3, 4));
}

export const firmwareCases: readonly Case[] = [
  ['firmware keys are stored once per id and listed by vendor', async (store) => {
    await store.insertFirmwareKey(key());
    await store.insertFirmwareKey(key('fwk-0002', 'Sagemcom'));
    await rejectsWith(store.insertFirmwareKey(key()), 'FIRMWARE_KEY_EXISTS');
    assert.deepEqual((await store.listFirmwareKeys()).map((k) => k.id), ['fwk-0001', 'fwk-0002']);
    assert.deepEqual(await store.listFirmwareKeys('Kaifa'), [key()]);
    assert.deepEqual(await store.listFirmwareKeys('Nobody'), []);
  }],

  ['a firmware image keeps its bytes exactly; the same bytes twice are refused', async (store) => {
    await seed(store);
    assert.deepEqual(await store.getFirmwareImage('img-1'), image('img-1', 'aa'.repeat(32)));
    assert.deepEqual([...(await store.getFirmwareImageBytes('img-1'))!], [1, 2, 3, 4]);
    await rejectsWith(store.insertFirmwareImage(image('img-2', 'aa'.repeat(32)), Uint8Array.of(1)), 'FIRMWARE_IMAGE_EXISTS');
    assert.equal(await store.getFirmwareImage('img-2'), undefined);
    assert.equal(await store.getFirmwareImageBytes('img-2'), undefined);
    await store.insertFirmwareImage(image('img-3', 'bb'.repeat(32)), Uint8Array.of(9));
    const page = await store.listFirmwareImages({ limit: 1 });
    assert.equal(page.total, 2);
    assert.deepEqual(page.items.map((i) => i.id), ['img-3']);
    const rest = await store.listFirmwareImages({ limit: 1, cursor: page.next });
    assert.deepEqual(rest.items.map((i) => i.id), ['img-1']);
    assert.equal(rest.next, null);
  }],

  ['firmware campaigns are replaced by id, keep their place, and list newest first by state', async (store) => {
    await seed(store);
    await store.putFirmwareCampaign(campaign('c-1'));
    await store.putFirmwareCampaign(campaign('c-2', 'running'));
    await store.putFirmwareCampaign({ ...campaign('c-1', 'running'), halt: '{"by":"operator"}', startedAt: at + 5, updatedAt: at + 5 });
    const c1 = await store.getFirmwareCampaign('c-1');
    assert.equal(c1?.state, 'running');
    assert.equal(c1?.halt, '{"by":"operator"}');
    assert.equal(c1?.startedAt, at + 5);
    assert.equal(await store.getFirmwareCampaign('c-none'), undefined);
    const all = await store.listFirmwareCampaigns({}, { limit: 10 });
    assert.deepEqual(all.items.map((c) => c.id), ['c-2', 'c-1']);
    await store.putFirmwareCampaign(campaign('c-3'));
    const drafts = await store.listFirmwareCampaigns({ state: 'draft' }, { limit: 10 });
    assert.deepEqual(drafts.items.map((c) => c.id), ['c-3']);
    assert.equal(drafts.total, 1);
    const first = await store.listFirmwareCampaigns({ state: 'running' }, { limit: 1 });
    assert.equal(first.total, 2);
    assert.deepEqual((await store.listFirmwareCampaigns({ state: 'running' }, { limit: 1, cursor: first.next })).items.map((c) => c.id), ['c-1']);
  }],

  ['firmware jobs page in run order, filter by state and wave, and tally per wave and state', async (store) => {
    await seed(store);
    await store.putFirmwareCampaign(campaign('c-1'));
    await store.putFirmwareJobs([job('M3', 2, 'pending', 1), job('M1', 0, 'pending', 0), job('M2', 1, 'pending', 1), job('M9', 3, 'skipped')]);
    await store.putFirmwareJobs([{ ...job('M1', 0, 'succeeded', 0), blocksDone: 64, attempts: 1, startedAt: at, finishedAt: at + 30, path: 'mqtt', fromVersion: 'V1.08' }]);
    assert.deepEqual(await store.getFirmwareJob('c-1', 'M1'), { ...job('M1', 0, 'succeeded', 0), blocksDone: 64, attempts: 1, startedAt: at, finishedAt: at + 30, path: 'mqtt', fromVersion: 'V1.08' });
    assert.equal(await store.getFirmwareJob('c-1', 'M7'), undefined);
    const p1 = await store.listFirmwareJobs('c-1', {}, { limit: 3 });
    assert.deepEqual(p1.items.map((j) => j.meterId), ['M1', 'M2', 'M3']);
    assert.equal(p1.total, 4);
    assert.deepEqual((await store.listFirmwareJobs('c-1', {}, { limit: 3, cursor: p1.next })).items.map((j) => j.meterId), ['M9']);
    assert.deepEqual((await store.listFirmwareJobs('c-1', { state: 'pending' }, { limit: 10 })).items.map((j) => j.meterId), ['M2', 'M3']);
    assert.deepEqual((await store.listFirmwareJobs('c-1', { state: 'pending', wave: 0 }, { limit: 10 })).total, 0);
    assert.equal((await store.listFirmwareJobs('c-1', { wave: 1 }, { limit: 10 })).total, 2);
    const tally = await store.tallyFirmwareJobs('c-1');
    assert.deepEqual(tally.map((r) => [r.wave, r.state, r.count, r.blocksDone, r.blocksTotal, r.seconds]), [
      [null, 'skipped', 1, 0, 64, 0], [0, 'succeeded', 1, 64, 64, 30], [1, 'pending', 2, 0, 128, 0],
    ]);
  }],
];
