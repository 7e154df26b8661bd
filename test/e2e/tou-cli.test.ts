// `meterstack tou verify` as a user runs it, on a data directory holding a small simulated fleet
// whose TOU registers come from the simulated meter firmware, some meters misconfigured.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { EXPECTED_CAUSE, seedTouFleet, type TouFleetTruth } from '../support/tou-fleet.ts';
import { childEnv, runCli, tempDir } from './process.ts';

const STEP = { timeout: 120_000 };
const env = childEnv();

describe('meterstack tou verify', () => {
  const data = tempDir('e2e-tou');
  let truth: TouFleetTruth;
  before(async () => {
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    truth = await seedTouFleet(store, { meters: 30, issueShare: 0.04 });
    await store.close();
  });
  after(() => data.remove());

  it('prints the misconfigured meters with their causes, and the whole report as JSON', STEP, async () => {
    const args = ['tou', 'verify', '--tariff', 'test-seasonal', '--from', '2026-03-20', '--to', '2026-04-19', '--data', data.dir];
    const text = await runCli(args, env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^TOU verification of test-seasonal, 2026-03-20T00:00:00\+01:00 \.\. 2026-04-19T00:00:00\+02:00 \(Europe\/Amsterdam\), registers 1-0:1\.8\.1, 1-0:1\.8\.2$/m);
    assert.match(text.stdout, new RegExp(`^30 meter\\(s\\): \\d+ ok, ${truth.faults.size} misconfigured, 2 insufficient data`, 'm'));
    for (const [id, f] of truth.faults) assert.match(text.stdout, new RegExp(`^  ${id}\\s+${EXPECTED_CAUSE[f.kind]}\\s`, 'm'));

    const json = await runCli([...args, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout);
    assert.equal(r.totals.meters, 30);
    assert.equal(r.totals.misconfigured, truth.faults.size);
    assert.equal(r.meters.filter((m: { verdict: string }) => m.verdict === 'misconfigured').length, truth.faults.size);
  });

  it('refuses an unknown tariff and a bad range with their codes', STEP, async () => {
    const unknown = await runCli(['tou', 'verify', '--tariff', 'nope', '--data', data.dir], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /TARIFF_NOT_FOUND/);
    const bad = await runCli(['tou', 'verify', '--tariff', 'test-seasonal', '--from', '2026-04-19', '--to', '2026-03-20', '--data', data.dir], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /TOU_VERIFY_INVALID/);
  });
});
