import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDateStart, obis, QUALITY } from '../model/index.ts';
import { loadConfig } from './config.ts';
import { openPlatform } from './platform.ts';
import { dueRuns, startSettlementSchedule } from './settlement-schedule.ts';

const ZONE = 'Europe/Amsterdam';

test('the timetable: an initial run 6 h after the day, R1 two days later, nothing twice (over the 100-quarter-hour day)', () => {
  const runs = new Map<string, number>();
  const at = (iso: string) => dueRuns(Date.parse(iso) / 1000, ZONE, (d) => runs.get(d) ?? 0);
  // 26 Oct 05:59 local: 25 Oct (a 25-hour day) ended 6 h ago minus a minute → nothing for it yet.
  assert.deepEqual(at('2026-10-26T05:59:00+01:00').map((r) => r.day), ['2026-10-23', '2026-10-24']);
  assert.deepEqual(at('2026-10-26T06:00:00+01:00').filter((r) => r.day === '2026-10-25'), [{ day: '2026-10-25', kind: 'initial' }]);
  runs.set('2026-10-25', 1);
  assert.deepEqual(at('2026-10-27T12:00:00+01:00').filter((r) => r.day === '2026-10-25'), []);
  assert.deepEqual(at('2026-10-28T06:00:00+01:00').filter((r) => r.day === '2026-10-25'), [{ day: '2026-10-25', kind: 'R1' }]);
  runs.set('2026-10-25', 2);
  assert.deepEqual(at('2026-10-28T06:00:00+01:00').filter((r) => r.day === '2026-10-25'), []);
});

test('a timetable pass on a running platform settles the due days once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-stl-sched-'));
  const now = localDateStart('2026-03-30', ZONE) + 7 * 3600;
  const p = await openPlatform(loadConfig({ data: dir, sim: false, mqtt: false, coap: false }, {}), { now: () => now });
  try {
    const logs: string[] = [];
    await p.store.upsertMeters([{ id: 'M1', kind: 'electricity', timeZone: ZONE, status: 'active' }]);
    await p.services.tariffs.addVersion({ id: 'flat', name: 'Flat', currency: 'EUR', effectiveFrom: '2026-01-01', periods: [{ id: 'all' }], schedule: [{ period: 'all' }], charges: [{ type: 'energy', name: 'E', rate: '0.2' }] }, 'test');
    await p.services.accounts.upsert({ id: 'A1', name: 'A', timeZone: ZONE, tariffId: 'flat', cycleDay: 1, market: { supplier: 'S', brp: 'B', gridArea: 'G' } }, 'test');
    const from = localDateStart('2026-03-26', ZONE);
    await p.services.accounts.assignMeter('A1', 'M1', from, 'test');
    const n = (localDateStart('2026-03-30', ZONE) - from) / 900;
    await p.store.writeSeries([{ meterId: 'M1', channel: obis('1-0:1.8.0'), start: from, intervalS: 900, values: new Float64Array(n).fill(100), quality: new Uint8Array(n).fill(QUALITY.A) }], { source: 'test', actor: 'test' });
    const s = startSettlementSchedule(p, () => now, (m) => logs.push(m), { firstMs: 3_600_000 });
    // 30 Mar 07:00: 27, 28 and 29 (the 92-quarter-hour day) are due; 27 also for R1, at the next pass.
    assert.equal(await s.tick(), 3);
    assert.equal(await s.tick(), 1);
    assert.equal(await s.tick(), 0, 'nothing twice');
    await s.stop();
    assert.ok(logs.some((l) => /initial run of 2026-03-29 \(Europe\/Amsterdam\) — complete, completeness 100\.00 %/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /R1 run of 2026-03-27/.test(l)), logs.join('\n'));
    const run = (await p.services.settlement.list({ day: '2026-03-29', zone: ZONE, limit: 5 })).items[0]!;
    assert.equal(run.periods, 92);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
