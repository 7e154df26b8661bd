// TOU verification over a simulated fleet in a real SQLite store: ~5 % of the meters misconfigured
// per kind (swapped registers, no DST, clock offset, one season table, shifted seasons), some
// correct meters with gaps, estimates or no data at all. Every fault must be found with the right
// cause, and no correct meter flagged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeterstackError } from '../../model/index.ts';
import { openSqliteStore } from '../../store/sqlite/index.ts';
import { EXPECTED_CAUSE, seedTouFleet } from '../../../test/support/tou-fleet.ts';
import { TouVerificationService } from './tou-verify.service.ts';

test('a simulated fleet of 300 meters: every injected misconfiguration found with its cause, no false alarms', async (t) => {
  const store = openSqliteStore({ path: ':memory:' });
  try {
    const truth = await seedTouFleet(store, { meters: 300 });
    assert.equal(truth.faults.size, 75, '15 meters per kind × 5 kinds');
    const svc = new TouVerificationService(store, () => truth.to + 86_400);
    let progress = 0;
    const report = await svc.verify({ tariffId: 'test-seasonal', from: '2026-03-20', to: '2026-04-19', onProgress: (d) => { progress = d; } });
    assert.equal(progress, 300);
    assert.equal(report.totals.meters, 300);
    assert.equal(report.from, '2026-03-20T00:00:00+01:00');
    assert.equal(report.to, '2026-04-19T00:00:00+02:00');
    assert.deepEqual(report.registers, ['1-0:1.8.1', '1-0:1.8.2']);

    let tp = 0, fp = 0, fn = 0, wrongCause = 0;
    const misses: string[] = [];
    for (const m of report.meters) {
      const f = truth.faults.get(m.meterId);
      const issue = truth.issues.get(m.meterId);
      if (f) {
        if (m.verdict !== 'misconfigured') { fn++; misses.push(`${m.meterId} ${JSON.stringify(f)} → ${m.verdict}`); continue; }
        tp++;
        if (m.cause !== EXPECTED_CAUSE[f.kind]) { wrongCause++; misses.push(`${m.meterId} ${JSON.stringify(f)} → ${m.cause} ${m.confidence}`); }
        if (f.kind === 'clock-offset') assert.deepEqual(m.faults, [{ kind: 'clock-offset', minutes: f.seconds / 60 }], m.meterId);
        // Days off that only move the season start over a weekend or Easter look alike; the smallest is named.
        if (f.kind === 'season-shift' && m.faults[0]?.kind === 'wrong-season' && m.faults[0].mode === 'shifted') {
          assert.ok(Math.sign(m.faults[0].days) === Math.sign(f.days) && Math.abs(m.faults[0].days) <= Math.abs(f.days) && Math.abs(m.faults[0].days - f.days) <= 3, `${m.meterId} ${m.faults[0].days} vs ${f.days}`);
        }
      } else {
        if (m.verdict === 'misconfigured') { fp++; misses.push(`${m.meterId} correct (${issue ?? 'clean'}) → ${m.cause}`); }
        if (issue === 'no-data' || issue === 'no-registers') assert.equal(m.verdict, 'insufficient-data', `${m.meterId} ${issue}`);
        else assert.equal(m.verdict, 'ok', `${m.meterId} ${issue ?? 'clean'}: ${m.note ?? ''}`);
        if (issue === 'gap-day') assert.ok(m.windows.skipped.missing >= 1);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    t.diagnostic(`precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, right cause ${tp - wrongCause}/${truth.faults.size}, ${report.metersPerS} meters/s`);
    assert.deepEqual(misses, []);
    assert.equal(precision, 1);
    assert.equal(recall, 1);
    assert.equal(report.totals.misconfigured, 75);
    assert.equal(report.totals.insufficientData, 12, '6 meters without interval data, 6 without register reads');
    assert.deepEqual(report.totals.byCause, { 'registers-swapped': 15, 'dst-not-applied': 15, 'clock-offset': 15, 'wrong-season': 30 });
    // Misconfigured meters come first in the report, each with evidence a field engineer can act on.
    assert.equal(report.meters[0]!.verdict, 'misconfigured');
    const swapped = report.meters.find((m) => m.cause === 'registers-swapped')!;
    assert.ok(swapped.evidence.windows.length > 0 && swapped.evidence.hours.length > 0);
  } finally {
    await store.close();
  }
});

test('a list of meters, meters without accounts, unknown tariffs and bad ranges', async () => {
  const store = openSqliteStore({ path: ':memory:' });
  try {
    const truth = await seedTouFleet(store, { meters: 20, faultShare: 0.05, issueShare: 0 });
    const svc = new TouVerificationService(store, () => truth.to + 3600);
    const faulty = [...truth.faults.keys()];
    const ids = [...faulty, truth.meterIds.find((id) => !truth.faults.has(id))!];
    // Default range: the 30 local days before today.
    const r = await svc.verify({ tariffId: 'test-seasonal', meterIds: ids });
    assert.equal(r.from, '2026-03-20T00:00:00+01:00');
    assert.deepEqual(r.meters.map((m) => m.verdict), [...faulty.map(() => 'misconfigured'), 'ok']);
    const code = (c: string) => (e: unknown) => e instanceof MeterstackError && e.code === c;
    await assert.rejects(svc.verify({ tariffId: 'nope' }), code('TARIFF_NOT_FOUND'));
    await assert.rejects(svc.verify({ tariffId: 'test-seasonal', meterIds: ['NOPE'] }), code('METER_NOT_FOUND'));
    await assert.rejects(svc.verify({ tariffId: 'test-seasonal', from: '2026-04-19', to: '2026-03-20' }), code('TOU_VERIFY_INVALID'));
    await assert.rejects(svc.verify({ tariffId: 'test-seasonal', from: 'yesterday' }), code('TOU_VERIFY_INVALID'));
    await assert.rejects(svc.verify({ tariffId: 'test-seasonal', from: '2026-03-20T00:05:00+01:00', to: '2026-03-21' }), code('TOU_VERIFY_INVALID'));
    await assert.rejects(svc.verify({ tariffId: 'test-seasonal', from: '2025-01-01', to: '2026-04-01' }), code('TOU_VERIFY_INVALID'));
    // A tariff nobody is on: an empty report, not an error.
    await store.putTariffVersion({ id: 'empty', version: 1, effectiveFrom: '2026-01-01', doc: JSON.stringify({ id: 'empty', name: 'x', currency: 'EUR', effectiveFrom: '2026-01-01', periods: [{ id: 'a' }], schedule: [{ period: 'a' }], charges: [{ type: 'standing', name: 's', perDay: '1' }] }), createdAt: 0, createdBy: 't' });
    const e = await svc.verify({ tariffId: 'empty' });
    assert.deepEqual([e.totals.meters, e.registers], [0, ['1-0:1.8.1']]);
  } finally {
    await store.close();
  }
});
