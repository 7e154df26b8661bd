// The billing analyst's commands as a user runs them, on a data directory that a short
// `meterstack start` filled with a simulated fleet and its market (accounts, example tariffs, prices).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, killAll, runCli, SIM_READY, startServer, tempDir } from './process.ts';

const STEP = { timeout: 120_000 };
const env = childEnv();
const localDate = (t: number): string => new Date(t).toLocaleDateString('en-CA', { timeZone: 'Europe/Amsterdam' });

after(killAll);

describe('meterstack tariff / bill / settle / billing-run', () => {
  const data = tempDir('e2e-billing');
  after(async () => {
    await killAll();
    data.remove();
  });
  const yesterday = localDate(Date.now() - 86_400_000);
  const today = localDate(Date.now());

  before(async () => {
    const s = await startServer(['--data', data.dir, '--meters', '4', '--history', '2', '--no-dlms'], env);
    await s.waitFor(SIM_READY, 90_000);
    assert.match(s.transcript(), /simulated market: 4 accounts on \d+ example tariffs/);
    const exit = await s.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, s.transcript());
  });

  it('lists the example tariffs, bills an account and explains a line', STEP, async () => {
    const list = await runCli(['tariff', 'list', '--data', data.dir], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^nl-dubbel\tv1\t2026-01-01$/m);
    const b = await runCli(['bill', 'ACC000001', '--from', yesterday, '--to', today, '--json', '--data', data.dir], env);
    assert.equal(b.code, 0, b.stderr);
    const bill = JSON.parse(b.stdout);
    assert.equal(bill.bill.account.id, 'ACC000001');
    assert.ok([92, 96, 100].includes(bill.bill.period.intervals));
    assert.ok(Number(bill.bill.determinants.importKwh) > 0);
    const ex = await runCli(['bill', 'explain', String(bill.id), '1', '--data', data.dir], env);
    assert.equal(ex.code, 0, ex.stderr);
    assert.match(ex.stdout, /reconciles with the line/);
    const bad = await runCli(['bill', 'ACC000001', '--from', today, '--to', yesterday, '--data', data.dir], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /BILL_PERIOD_INVALID/);
  });

  it('adds a tariff version and refuses a malformed one with the field named', STEP, async () => {
    const file = join(data.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'x', name: 'x', currency: 'EUR', effectiveFrom: '2026-01-01', periods: [{ id: 'a' }], schedule: [{ period: 'a' }], charges: [{ type: 'energy', name: 'E', rate: 1 }] }));
    const bad = await runCli(['tariff', 'add', file, '--data', data.dir], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /TARIFF_INVALID.*charges\[0\]\.rate/);
  });

  it('the simulated market settles yesterday: consistent and complete', STEP, async () => {
    const r = await runCli(['settle', '--day', yesterday, '--data', data.dir], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /4 metering point\(s\), 4 meter\(s\)/);
    assert.match(r.stdout, /complete at a 99\.00 % threshold/);
  });

  it('a billing run bills the cycle and prints a summary', STEP, async () => {
    const r = await runCli(['billing-run', '--cycle', '1', '--month', today.slice(0, 7), '--data', data.dir], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 of 1 accounts billed, 0 failed/);
  });
});
