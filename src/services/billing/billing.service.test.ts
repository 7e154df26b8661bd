import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { localDateStart, obis, QUALITY, type Meter } from '../../model/index.ts';
import { openSqliteStore } from '../../store/sqlite/index.ts';
import type { Store } from '../../store/store.port.ts';
import { AccountsService } from './accounts.service.ts';
import { BillingRuns } from './billing-run.ts';
import { BillingService } from './billing.service.ts';
import { TariffsService } from '../tariffs/tariffs.service.ts';

const IMPORT = obis('1-0:1.8.0');
const ZONE = 'Europe/Amsterdam';
const example = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../../examples/tariffs/${f}`, import.meta.url), 'utf8'));

async function setup(): Promise<{ store: Store; clock: { t: number }; tariffs: TariffsService; accounts: AccountsService; billing: BillingService; runs: BillingRuns }> {
  const clock = { t: localDateStart('2026-04-02', ZONE) };
  const now = (): number => clock.t;
  const store = openSqliteStore({ path: ':memory:', clock: now });
  const tariffs = new TariffsService(store, now);
  const accounts = new AccountsService(store, now);
  const billing = new BillingService(store, tariffs, now);
  return { store, clock, tariffs, accounts, billing, runs: new BillingRuns(store, billing, now) };
}

const meter = (id: string): Meter => ({ id, kind: 'electricity', timeZone: ZONE, status: 'active' });

/** Constant `wh` per quarter-hour for [from, to) as one series. */
async function writeConstant(store: Store, meterId: string, from: number, to: number, wh: number, quality: number = QUALITY.A): Promise<void> {
  const n = (to - from) / 900;
  await store.writeSeries([{ meterId, channel: IMPORT, start: from, intervalS: 900, values: new Float64Array(n).fill(wh), quality: new Uint8Array(n).fill(quality) }], { source: 'test', actor: 'test' });
}

test('a meter exchange mid-period: one account, two meters, each billed for its own part; registers shown per meter', async () => {
  const { store, tariffs, accounts, billing } = await setup();
  await tariffs.addVersion(example('nl-dubbel-2026.json'), 'analyst');
  await store.upsertMeters([meter('OLD1'), meter('NEW1')]);
  await store.upsertChannels(['OLD1', 'NEW1'].map((m) => ({ meterId: m, obis: IMPORT, unit: 'Wh', intervalS: 900, readingType: '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0' })));
  await accounts.upsert({ id: 'ACC1', name: 'Jansen', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 1, market: { supplier: 'S1', brp: 'B1', gridArea: 'G1' } }, 'analyst');
  const from = localDateStart('2026-03-01', ZONE);
  const swap = localDateStart('2026-03-16', ZONE) + 10.5 * 3600; // 10:30 local
  const to = localDateStart('2026-04-01', ZONE);
  await accounts.assignMeter('ACC1', 'OLD1', from - 86_400 * 30, 'field');
  await accounts.assignMeter('ACC1', 'NEW1', swap, 'field');
  // The old meter keeps recording after removal (on the bench); that must not be billed.
  await writeConstant(store, 'OLD1', from, to, 100);
  await writeConstant(store, 'NEW1', swap, to, 200);
  await store.writeRegisters([
    { meterId: 'OLD1', channel: IMPORT, at: from, value: 5_000_000 }, { meterId: 'OLD1', channel: IMPORT, at: swap, value: 5_000_000 + ((swap - from) / 900) * 100 },
    { meterId: 'NEW1', channel: IMPORT, at: swap, value: 0 }, { meterId: 'NEW1', channel: IMPORT, at: to, value: ((to - swap) / 900) * 200 },
  ]);
  const b = await billing.bill('ACC1', '2026-03-01', '2026-04-01', 'analyst');
  const oldQ = (swap - from) / 900;
  const newQ = (to - swap) / 900;
  assert.equal(oldQ + newQ, 31 * 96 - 4, 'March in Amsterdam has 2,972 quarter-hours');
  assert.deepEqual(b.bill.meters.map((m) => [m.meterId, m.intervals, m.importKwh]), [['OLD1', oldQ, (oldQ * 0.1).toFixed(3)], ['NEW1', newQ, (newQ * 0.2).toFixed(3)]]);
  assert.equal(b.bill.meters[1]!.registers?.deltaKwh, (newQ * 0.2).toFixed(3));
  assert.equal(b.bill.determinants.importKwh, (oldQ * 0.1 + newQ * 0.2).toFixed(3));
  assert.equal(b.bill.quality.missing, 0);
  assert.equal(b.revision, 1);
  // The sum over the TOU lines is the account's energy.
  const supply = b.bill.lines.filter((l) => l.charge === 'Supply').reduce((a, l) => a + Number(l.quantity), 0);
  assert.equal(supply.toFixed(3), b.bill.determinants.importKwh);
});

test('re-bill after a data correction shows the difference; the first bill still reproduces from stored versions', async () => {
  const { store, clock, tariffs, accounts, billing } = await setup();
  await tariffs.addVersion(example('nl-dubbel-2026.json'), 'analyst');
  await store.upsertMeters([meter('M1')]);
  await accounts.upsert({ id: 'A1', name: 'De Vries', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 1, market: { supplier: 'S1', brp: 'B1', gridArea: 'G1' } }, 'analyst');
  const from = localDateStart('2026-03-01', ZONE);
  const to = localDateStart('2026-04-01', ZONE);
  await accounts.assignMeter('A1', 'M1', from, 'field');
  await writeConstant(store, 'M1', from, to, 250);
  // One day estimated (S), later replaced by actual data at a higher value.
  const day = localDateStart('2026-03-10', ZONE);
  await writeConstant(store, 'M1', day, day + 86_400, 200, QUALITY.S);
  const first = await billing.bill('A1', '2026-03-01', '2026-04-01', 'analyst');
  assert.equal(first.bill.quality.estimated, 96);
  const normal = first.bill.lines.find((l) => l.charge === 'Supply' && l.period === 'normaal')!;
  assert.equal(normal.quality?.estimated, 64, 'the estimated weekday shows on the normal-rate line');

  clock.t += 3600;
  await writeConstant(store, 'M1', day, day + 86_400, 300);
  clock.t += 3600;
  const second = await billing.bill('A1', '2026-03-01', '2026-04-01', 'analyst');
  assert.equal(second.revision, 2);
  assert.equal(second.previous?.id, first.id);
  // +100 Wh × 96 = 9.6 kWh more: 6.4 kWh normal (Tuesday 07–23 h), 3.2 kWh off-peak.
  const d = second.difference!;
  const supplyNormal = d.lines.find((l) => l.key.startsWith('Supply|energy|v1|2026-03-01|normaal'))!;
  assert.equal((Number(supplyNormal.quantityAfter) - Number(supplyNormal.quantityBefore)).toFixed(3), "6.400");
  assert.equal(second.bill.quality.estimated, 0);
  assert.ok(Number(d.total) > 0);
  assert.equal(d.total, (Number(second.bill.total) - Number(first.bill.total)).toFixed(2));

  const again = await billing.reproduce(first.id);
  assert.deepEqual(again, { identical: true, sameData: true, stored: first.bill.total, recomputed: first.bill.total });
  const explained = await billing.explain(first.id, normal.n);
  assert.equal(explained.reconciles, true);
  assert.equal(explained.items.filter((i) => i.quality === 'S').length, 64);
  assert.equal(explained.sum, normal.quantity);
  await assert.rejects(billing.explain(first.id, 999), (e: Error & { code?: string }) => e.code === 'BILL_NOT_FOUND');
  const audit = await store.listAudit({ objectPrefix: 'bill:' }, { limit: 10 });
  assert.deepEqual(audit.items.map((a) => a.action).sort(), ['bill.create', 'bill.rebill']);
});

test('missing intervals are counted, never billed as silently complete; bad periods are refused', async () => {
  const { store, tariffs, accounts, billing } = await setup();
  await tariffs.addVersion(example('nl-dubbel-2026.json'), 'analyst');
  await store.upsertMeters([meter('M2')]);
  await accounts.upsert({ id: 'A2', name: 'Bakker', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 1, market: { supplier: 'S1', brp: 'B1', gridArea: 'G1' } }, 'analyst');
  const from = localDateStart('2026-03-01', ZONE);
  await accounts.assignMeter('A2', 'M2', from, 'field');
  await writeConstant(store, 'M2', from, from + 10 * 86_400, 250);
  const b = await billing.bill('A2', '2026-03-01', '2026-03-15', 'analyst');
  assert.equal(b.bill.quality.missing, 4 * 96);
  await assert.rejects(billing.bill('A2', '2026-03-15', '2026-03-01', 'x'), (e: Error & { code?: string }) => e.code === 'BILL_PERIOD_INVALID');
  await assert.rejects(billing.bill('A2', '2026-3-1', '2026-03-15', 'x'), (e: Error & { code?: string }) => e.code === 'BILL_PERIOD_INVALID');
  await assert.rejects(billing.bill('nobody', '2026-03-01', '2026-03-15', 'x'), (e: Error & { code?: string }) => e.code === 'ACCOUNT_NOT_FOUND');
  await assert.rejects(billing.bill('A2', '2025-03-01', '2025-03-15', 'x'), (e: Error & { code?: string }) => e.code === 'BILL_NO_DATA');
});

test('a billing run bills every account of the cycle with progress, and records failures without stopping', async () => {
  const { store, tariffs, accounts, runs } = await setup();
  await tariffs.addVersion(example('nl-dubbel-2026.json'), 'analyst');
  const from = localDateStart('2026-03-01', ZONE);
  const ids = Array.from({ length: 30 }, (_, i) => `R${i}`);
  await store.upsertMeters(ids.map(meter));
  for (const id of ids) {
    await accounts.upsert({ id: `ACC-${id}`, name: id, timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 1, market: { supplier: 'S1', brp: 'B1', gridArea: 'G1' } }, 'analyst');
    // R29 has no meter: its bill fails with BILL_NO_DATA, the run goes on.
    if (id !== 'R29') {
      await accounts.assignMeter(`ACC-${id}`, id, from, 'field');
      await writeConstant(store, id, from, localDateStart('2026-04-01', ZONE), 100);
    }
  }
  await accounts.upsert({ id: 'OTHER', name: 'other cycle', timeZone: ZONE, tariffId: 'nl-dubbel', cycleDay: 15, market: { supplier: 'S1', brp: 'B1', gridArea: 'G1' } }, 'analyst');
  const progress: number[] = [];
  const { run, finished } = await runs.start(1, '2026-03', 'analyst', (done) => progress.push(done));
  assert.equal(run.status, 'running');
  assert.equal(run.total, 30);
  const done = await finished;
  assert.equal(done.status, 'done');
  assert.equal(done.done, 30);
  assert.equal(done.failed, 1);
  assert.equal(done.summary.failures[0]!.code, 'BILL_NO_DATA');
  assert.deepEqual(progress, [25, 30]);
  const stored = await runs.get(run.id);
  assert.equal(stored.done, 30);
  const bills = await store.listBills({ runId: run.id }, { limit: 100 });
  assert.equal(bills.total, 29);
});
