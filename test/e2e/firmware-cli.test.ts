// Firmware as an operator runs it: `meterstack start` seeds a demo key and signed image; the CLI
// (a second process on the same data directory) registers another vendor key, is refused an
// unsigned image, creates and starts a campaign that the running platform carries out over MQTT
// to the simulated meters, and shows its status.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, childEnv, killAll, runCli, sleep, startServer, tempDir } from './process.ts';
import { freePort } from './mqtt-support.ts';

const env = childEnv();
after(killAll);

describe('meterstack firmware', () => {
  const data = tempDir('e2e-firmware');
  after(async () => {
    await killAll();
    data.remove();
  });

  it('keys, images and a campaign from the CLI, carried out by the running platform over MQTT', { timeout: 180_000 }, async () => {
    const mqttPort = await freePort();
    const s = await startServer(['--data', data.dir, '--meters', '60', '--history', '1', '--no-dlms', '--mqtt-port', String(mqttPort), '--mqtt-devices', '6'], env);
    const seeded = await s.waitFor(/firmware: demo image (img-[0-9a-f]+) \(([^)]+?) ([^ )]+), signed/, 120_000);
    const imageId = seeded[1]!;
    const cli = (...args: string[]) => runCli([...args, '--data', data.dir], env);

    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(data.dir, 'acme.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const bytes = Buffer.from('ACME firmware 2.0 '.repeat(500));
    writeFileSync(join(data.dir, 'acme.bin'), bytes);
    writeFileSync(join(data.dir, 'acme.sig'), sign('sha256', bytes, privateKey));
    const k = await cli('firmware', 'key', 'add', join(data.dir, 'acme.pem'), '--vendor', 'ACME');
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /^fwk-[0-9a-f]{16}\tACME\tecdsa-p256/);
    const unsigned = await cli('firmware', 'image', 'add', join(data.dir, 'acme.bin'), '--vendor', 'ACME', '--model', 'R1', '--image-version', '2.0');
    assert.equal(unsigned.code, 1);
    assert.match(unsigned.stderr, /error FIRMWARE_SIGNATURE_INVALID/);
    const signed = await cli('firmware', 'image', 'add', join(data.dir, 'acme.bin'), '--vendor', 'ACME', '--model', 'R1,R2', '--image-version', '2.0', '--signature-file', join(data.dir, 'acme.sig'));
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /\tACME\tR1,R2\t2\.0\t9000 bytes/);

    const created = await cli('firmware', 'campaign', 'create', '--image', imageId, '--canary', '1', '--batch', '10', '--threshold', '0.5', '--json');
    assert.equal(created.code, 0, created.stderr);
    const c = JSON.parse(created.stdout) as { id: string; state: string; progress: { counts: { pending: number } } };
    assert.equal(c.state, 'draft');
    const started = await cli('firmware', 'campaign', 'start', c.id);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /\[running\]/);

    let status: { state: string; progress: { counts: Record<string, number> } } | undefined;
    for (let i = 0; i < 120; i++) {
      status = JSON.parse((await cli('firmware', 'campaign', 'status', c.id, '--json')).stdout);
      if (status!.state !== 'running') break;
      await sleep(1000);
    }
    // Every meter the MQTT path reaches got the image (or failed verification, as a few simulated meters do).
    assert.ok(['completed', 'halted'].includes(status!.state), JSON.stringify(status));
    assert.ok(status!.progress.counts.succeeded! + status!.progress.counts.failed! > 0, JSON.stringify(status));
    const text = await cli('firmware', 'campaign', 'status', c.id);
    assert.match(text.stdout, /wave 0 \(canary\): 1 meters/);
    assert.equal((await cli('firmware', 'campaign', 'resume', c.id)).code, status!.state === 'halted' ? 0 : 1);
    assert.deepEqual(await s.stop('SIGTERM'), { code: 0, signal: null }, s.transcript());
  });

  it('the same demo image over DLMS image transfer to the simulated DLMS meters; the registry learns their new version', { timeout: 240_000 }, async () => {
    const dlms = tempDir('e2e-firmware-dlms');
    try {
      const s = await startServer(['--data', dlms.dir, '--meters', '40', '--history', '1', '--no-mqtt', '--no-coap', '--dlms-port', String(await freePort())], env);
      const key = /first start: created an admin API key[^\n]*\n\s*(\S+)/.exec(await s.waitFor(/created an admin API key[^\n]*\n\s*\S+/, 30_000).then(() => s.stdout))![1]!;
      const [, imageId, , version] = await s.waitFor(/firmware: demo image (img-[0-9a-f]+) \(([^)]+?) ([^ )]+), signed/, 120_000);
      const cli = (...args: string[]) => runCli([...args, '--data', dlms.dir], env);
      const created = await cli('firmware', 'campaign', 'create', '--image', imageId!, '--canary', '1', '--batch', '10', '--threshold', '0.5', '--json');
      assert.equal(created.code, 0, created.stderr);
      const c = JSON.parse(created.stdout) as { id: string };
      assert.equal((await cli('firmware', 'campaign', 'start', c.id)).code, 0);
      let status: { state: string; progress: { counts: Record<string, number> } } | undefined;
      for (let i = 0; i < 180; i++) {
        status = JSON.parse((await cli('firmware', 'campaign', 'status', c.id, '--json')).stdout);
        if (status!.state !== 'running') break;
        await sleep(1000);
      }
      const failed = await api(s.url, `/api/v1/firmware/campaigns/${c.id}/jobs?state=failed&limit=100`, { key });
      assert.ok(['completed', 'halted'].includes(status!.state), JSON.stringify(status));
      const done = await api(s.url, `/api/v1/firmware/campaigns/${c.id}/jobs?state=succeeded&limit=100`, { key });
      assert.ok(done.body.items.length > 0, `${JSON.stringify(status)}\n${JSON.stringify(failed.body.items)}\n${s.transcript()}`);
      for (const job of done.body.items as { meterId: string; path: string }[]) {
        assert.equal(job.path, 'dlms', JSON.stringify(job));
        assert.equal((await api(s.url, `/api/v1/meters/${job.meterId}`, { key })).body.meter.firmware, version, `${job.meterId} runs the new version`);
      }
      assert.deepEqual(await s.stop('SIGTERM'), { code: 0, signal: null }, s.transcript());
    } finally {
      dlms.remove();
    }
  });
});
