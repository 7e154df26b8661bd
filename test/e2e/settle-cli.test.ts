// `meterstack settle` as a user runs it, on a data directory holding a simulated market (36 meters,
// 3 grid areas, 2 suppliers, 2 BRPs, a meter exchange, a supplier switch and a new connection).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { buildMarket, loadMarket } from '../../src/services/settlement/market.fixture.ts';
import { childEnv, killAll, runCli, tempDir } from './process.ts';

const STEP = { timeout: 120_000 };
const env = childEnv();
const DAY = '2026-10-25';

after(killAll);

describe('meterstack settle', () => {
  const data = tempDir('e2e-settle');
  const market = buildMarket(DAY, 'Europe/Amsterdam', 36);
  after(() => data.remove());

  before(async () => {
    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    await store.migrate();
    await loadMarket(store, market);
    await store.close();
  });

  it('settles the day, prints the summary and each check, and exits 0', STEP, async () => {
    const r = await runCli(['settle', '--day', DAY, '--data', data.dir], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^settlement 2026-10-25 Europe\/Amsterdam, run 1 \(stl-2026-10-25-Europe\.Amsterdam-1\): 100 periods, 12 group\(s\), 38 metering point\(s\), 38 meter\(s\)$/m);
    assert.match(r.stdout, /completeness 100\.00 % \(actual 100\.00 %, estimated 0\.00 %\), complete at a 99\.00 % threshold/);
    for (const check of ['period-count', 'period-sums', 'group-totals', 'allocation', 'completeness']) assert.match(r.stdout, new RegExp(`ok {5}${check}:`));
  });

  it('a re-run exports XML to a file (well-formed) and shows no difference to run 1', STEP, async () => {
    const out = join(data.dir, 'run2.xml');
    const r = await runCli(['settle', '--day', DAY, '--data', data.dir, '--export', 'xml', '--out', out], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /run 2 /);
    assert.match(r.stdout, /since stl-2026-10-25-Europe\.Amsterdam-1: import \+0\.000 kWh, export \+0\.000 kWh, 0 group\(s\) changed/);
    assert.match(r.stdout, /wrote xml export to /);
    const lint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(process.cwd(), 'docs/settlement.xsd'), out], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stderr);
    assert.match(readFileSync(out, 'utf8'), /<revisionNumber>2<\/revisionNumber>/);
  });

  it('CSV to stdout keeps the summary on stderr', STEP, async () => {
    const r = await runCli(['settle', '--day', DAY, '--data', data.dir, '--export', 'csv'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1 + 12 * 100);
    assert.match(lines[0]!, /^run_id,settlement_day,zone,run_number,/);
    assert.match(r.stderr, /run 3 /);
  });

  it('a day without data is incomplete (exit 3); a meter in two accounts at once fails a check (exit 1); bad input exits 1 with a code', STEP, async () => {
    const empty = await runCli(['settle', '--day', '2026-10-26', '--data', data.dir], env);
    assert.equal(empty.code, 3, empty.stdout + empty.stderr);
    assert.match(empty.stdout, /FAILED completeness: 12 of 12 group\(s\) below 99\.00 % complete/);

    const store = openSqliteStore({ path: join(data.dir, 'meterstack.db') });
    await store.migrate();
    await store.upsertAccounts([{ ...market.accounts[3]!, id: 'A-TWICE' }]);
    await store.putAssignments([{ accountId: 'A-TWICE', meterId: 'M003', from: market.day.start }]);
    await store.close();
    const twice = await runCli(['settle', '--day', DAY, '--data', data.dir, '--zone', 'Europe/Amsterdam'], env);
    assert.equal(twice.code, 1, twice.stdout + twice.stderr);
    assert.match(twice.stdout, /FAILED allocation: 1 overlap/);
    assert.match(twice.stdout, /run 4 /, 'the run is stored all the same');

    const bad = await runCli(['settle', '--day', '2026-02-30', '--data', data.dir], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /SETTLEMENT_INVALID/);
    const zone = await runCli(['settle', '--day', DAY, '--zone', 'Mars/Olympus', '--data', data.dir], env);
    assert.equal(zone.code, 1);
    assert.match(zone.stderr, /ZONE_INVALID/);
  });
});
