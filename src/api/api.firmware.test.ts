import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';
import { imageBytes, vendorKey } from '../../test/support/firmware.ts';

// Keys, images and campaigns through the real API, services and SQLite store (no runner: no path here).
let p: Platform;
const as: Record<string, { authorization: string }> = {};
const key = vendorKey();
const bytes = imageBytes(3000);

before(async () => {
  p = await platform(6);
  // Four meters of one model on an older version, one of another model.
  await p.store.upsertMeters(p.meters.slice(0, 5).map((m, i) => ({ ...m, vendor: 'Kaifa', model: i < 4 ? 'MA105H2E' : 'MA304H4E', firmware: 'V1.08' })));
  for (const role of ['operator', 'field-technician', 'billing', 'auditor']) {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: role } });
    as[role] = { authorization: `Bearer ${(r.json() as { key: string }).key}` };
  }
});
after(async () => p.close());

const url = '/api/v1/firmware';

test('signing keys and images: who may, what is refused, and how uploads look', async () => {
  assert.equal((await p.app.inject({ url: `${url}/keys` })).statusCode, 401);
  assert.equal((await p.app.inject({ url: `${url}/keys`, headers: as.billing })).statusCode, 403);
  const techAdd = await p.app.inject({ method: 'POST', url: `${url}/keys`, headers: as['field-technician'], payload: { vendor: 'Kaifa', publicKey: key.publicPem } });
  assert.equal(techAdd.statusCode, 403);
  const bad = await p.app.inject({ method: 'POST', url: `${url}/keys`, headers: as.operator, payload: { vendor: 'Kaifa', publicKey: 'nope' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'FIRMWARE_KEY_INVALID');
  const extra = await p.app.inject({ method: 'POST', url: `${url}/keys`, headers: as.operator, payload: { vendor: 'Kaifa', publicKey: key.publicPem, privateKey: 'x' } });
  assert.equal(extra.statusCode, 400);
  const k = await p.app.inject({ method: 'POST', url: `${url}/keys`, headers: as.operator, payload: { vendor: 'Kaifa', publicKey: key.publicPem, label: 'releases' } });
  assert.equal(k.statusCode, 201, k.body);
  assert.equal((await p.app.inject({ method: 'POST', url: `${url}/keys`, headers: as.operator, payload: { vendor: 'Kaifa', publicKey: key.publicPem } })).statusCode, 409);
  const list = (await p.app.inject({ url: `${url}/keys?vendor=Kaifa`, headers: as['field-technician'] })).json();
  assert.equal(list.total, 1);
  assert.match(list.items[0].createdAt, /^\d{4}-\d{2}-\d{2}T/);

  // Raw bytes with the metadata in the query.
  const q = new URLSearchParams({ vendor: 'Kaifa', models: 'MA105H2E', version: 'V1.12', signature: key.sign(bytes) });
  const forged = new URLSearchParams({ vendor: 'Kaifa', models: 'MA105H2E', version: 'V1.12', signature: vendorKey().sign(bytes) });
  const refused = await p.app.inject({ method: 'POST', url: `${url}/images?${forged}`, headers: { ...as.operator, 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) });
  assert.equal(refused.statusCode, 422);
  assert.equal(refused.json().code, 'FIRMWARE_SIGNATURE_INVALID');
  const up = await p.app.inject({ method: 'POST', url: `${url}/images?${q}`, headers: { ...as.operator, 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) });
  assert.equal(up.statusCode, 201, up.body);
  assert.equal(up.json().size, 3000);
  assert.equal(up.headers.location, `${url}/images/${up.json().id}`);
  // JSON with base64: the same bytes again are refused as existing.
  const again = await p.app.inject({ method: 'POST', url: `${url}/images`, headers: as.operator, payload: { vendor: 'Kaifa', models: ['MA105H2E'], version: 'V1.12b', signature: key.sign(bytes), data: Buffer.from(bytes).toString('base64') } });
  assert.equal(again.statusCode, 409);
  const missing = await p.app.inject({ method: 'POST', url: `${url}/images`, headers: as.operator, payload: { vendor: 'Kaifa', models: ['MA105H2E'], version: 'V1', data: 'AAAA' } });
  assert.equal(missing.statusCode, 400);
  assert.equal((await p.app.inject({ method: 'POST', url: `${url}/images`, headers: { ...as.operator, 'content-type': 'text/plain' }, payload: 'x' })).statusCode, 415);
  assert.equal((await p.app.inject({ url: `${url}/images/${up.json().id}`, headers: as.auditor })).json().sha256.length, 64);
  assert.equal((await p.app.inject({ url: `${url}/images/img-none`, headers: as.auditor })).statusCode, 404);
  assert.equal((await p.app.inject({ url: `${url}/images`, headers: as.auditor })).json().total, 1);
});

test('campaigns: create with validation, progress, jobs by state, start/halt/resume/cancel with their state rules, and audit', async () => {
  const image = (await p.app.inject({ url: `${url}/images`, headers: as.operator })).json().items[0];
  const invalid = await p.app.inject({ method: 'POST', url: `${url}/campaigns`, headers: as.operator, payload: { imageId: image.id, threshold: 2 } });
  assert.equal(invalid.statusCode, 400);
  const badTarget = await p.app.inject({ method: 'POST', url: `${url}/campaigns`, headers: as.operator, payload: { imageId: image.id, target: { colour: 'red' } } });
  assert.equal(badTarget.statusCode, 400);
  const badWindow = await p.app.inject({ method: 'POST', url: `${url}/campaigns`, headers: as.operator, payload: { imageId: image.id, window: { zone: 'Mars/Olympus', from: '22:00', to: '05:00' } } });
  assert.equal(badWindow.json().code, 'FIRMWARE_CAMPAIGN_INVALID');
  const noImage = await p.app.inject({ method: 'POST', url: `${url}/campaigns`, headers: as.operator, payload: { imageId: 'img-none' } });
  assert.equal(noImage.statusCode, 404);
  assert.equal(noImage.json().code, 'FIRMWARE_IMAGE_NOT_FOUND');
  assert.equal((await p.app.inject({ method: 'POST', url: `${url}/campaigns`, headers: as['field-technician'], payload: { imageId: image.id } })).statusCode, 403);

  const created = await p.app.inject({
    method: 'POST', url: `${url}/campaigns`, headers: as.operator,
    payload: { name: 'Kaifa V1.12', imageId: image.id, target: { vendor: 'Kaifa' }, canary: 1, batch: 2, threshold: 0.2, concurrency: 2, window: { zone: 'Europe/Amsterdam', from: '22:00', to: '05:00' } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const c = created.json();
  assert.equal(c.state, 'draft');
  assert.equal(c.waves, 3);
  assert.deepEqual(c.progress.counts.pending, 4);
  assert.deepEqual(c.progress.skipped, { 'wrong-model': 1 });
  assert.deepEqual(c.settings.window, { zone: 'Europe/Amsterdam', from: '22:00', to: '05:00' });

  const page = (await p.app.inject({ url: `${url}/campaigns/${c.id}/jobs?state=pending&limit=3`, headers: as.auditor })).json();
  assert.equal(page.total, 4);
  assert.equal(page.items.length, 3);
  assert.deepEqual(page.items.map((j: { wave: number }) => j.wave), [0, 1, 1]);
  const rest = (await p.app.inject({ url: `${url}/campaigns/${c.id}/jobs?state=pending&limit=3&cursor=${page.next}`, headers: as.auditor })).json();
  assert.equal(rest.items.length, 1);
  assert.equal(rest.next, null);
  assert.equal((await p.app.inject({ url: `${url}/campaigns/${c.id}/jobs?state=lost`, headers: as.auditor })).statusCode, 400);
  assert.equal((await p.app.inject({ url: `${url}/campaigns/fwc-none/jobs`, headers: as.auditor })).statusCode, 404);

  const post = (action: string, who = as.operator) => p.app.inject({ method: 'POST', url: `${url}/campaigns/${c.id}/${action}`, headers: who });
  assert.equal((await post('resume')).statusCode, 409);
  assert.equal((await post('start', as.auditor)).statusCode, 403);
  assert.equal((await post('start')).json().state, 'running');
  const halted = (await post('halt')).json();
  assert.equal(halted.state, 'halted');
  assert.equal(halted.halt.by, 'operator');
  assert.match(halted.halt.at, /T/);
  assert.equal((await post('resume')).json().state, 'running');
  const cancelled = (await post('cancel')).json();
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(cancelled.progress.skipped.cancelled, 4);
  assert.equal((await post('start')).json().code, 'FIRMWARE_CAMPAIGN_STATE');
  assert.equal((await p.app.inject({ method: 'POST', url: `${url}/campaigns/fwc-none/halt`, headers: as.operator })).statusCode, 404);

  const list = (await p.app.inject({ url: `${url}/campaigns?state=cancelled`, headers: as['field-technician'] })).json();
  assert.deepEqual(list.items.map((x: { id: string }) => x.id), [c.id]);
  const audit = (await p.app.inject({ url: `/api/v1/audit?object=firmware-campaign:${c.id}`, headers: p.auth })).json();
  assert.deepEqual(audit.items.map((a: { action: string }) => a.action).sort(),
    ['firmware.campaign.cancel', 'firmware.campaign.create', 'firmware.campaign.halt', 'firmware.campaign.resume', 'firmware.campaign.start']);
});
