// `meterstack edit` and `meterstack vee revalidate` as a user runs them, on a data directory a
// short `meterstack start` filled with two days of a simulated fleet.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv, killAll, runCli, SIM_READY, startServer, tempDir } from './process.ts';

const DAY = 86_400;
const STEP = { timeout: 120_000 };
const env = childEnv();
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

after(killAll);

describe('meterstack edit / vee revalidate', () => {
  const data = tempDir('e2e-vee');
  after(async () => {
    await killAll();
    data.remove();
  });
  const yesterday = Math.floor(Date.now() / 1000 / DAY) * DAY - DAY;

  before(async () => {
    const s = await startServer(['--data', data.dir, '--meters', '3', '--history', '2', '--no-dlms'], env);
    await s.waitFor(SIM_READY, 90_000);
    const exit = await s.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, s.transcript());
  });

  it('edit writes a new version and an audit entry; bad input exits non-zero with a code', STEP, async () => {
    const args = ['edit', '--meter', 'SIM000001', '--channel', '1-0:1.8.0', '--from', iso(yesterday + 3600), '--to', iso(yesterday + 4500), '--data', data.dir];
    const r = await runCli([...args, '--values', '123', '--reason-code', '24', '--note', 'reader visit', '--user', 'ann'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 interval\(s\) edited, 1 stored as a new version/);
    const bad = await runCli([...args, '--values', '1,2', '--reason-code', '24', '--note', 'x'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /VEE_EDIT_INVALID/);
    const db = new Database(join(data.dir, 'meterstack.db'), { readonly: true });
    try {
      const row = db.prepare("SELECT actor, details FROM audit WHERE action = 'vee.edit'").get() as { actor: string; details: string } | undefined;
      assert.ok(row, 'audited');
      assert.equal(row.actor, 'cli:ann');
      assert.equal(JSON.parse(row.details).note, 'reader visit');
    } finally {
      db.close();
    }
  });

  it('revalidate prints progress and a summary; a second run changes nothing', STEP, async () => {
    const args = ['vee', 'revalidate', '--from', iso(yesterday - DAY), '--to', iso(yesterday + DAY), '--data', data.dir];
    const first = await runCli(args, env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stderr, /3\/3 meters/);
    assert.match(first.stdout, /3 meter\(s\), \d+ channel window\(s\) validated/);
    const second = await runCli(args, env);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, / 0 changed/);
  });
});
