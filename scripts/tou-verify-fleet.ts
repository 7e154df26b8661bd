// TOU verification at fleet scale: seeds a simulated fleet (default 1,000 meters × 30 days, ~5 % per
// misconfiguration kind) into SQLite, runs the verification and prints throughput, precision and
// recall. Usage: node --import tsx scripts/tou-verify-fleet.ts [--meters N] [--file PATH]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TouVerificationService } from '../src/services/billing/tou-verify.service.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { EXPECTED_CAUSE, seedTouFleet } from '../test/support/tou-fleet.ts';

const { values: args } = parseArgs({ options: { meters: { type: 'string', default: '1000' }, file: { type: 'string' } } });
const meters = Number(args.meters);
const dir = args.file ? undefined : mkdtempSync(join(tmpdir(), 'meterstack-tou-'));
const path = args.file ?? join(dir!, 'meterstack.db');
const store = openSqliteStore({ path });
try {
  let t0 = performance.now();
  const truth = await seedTouFleet(store, { meters });
  console.log(`seeded ${meters} meters × 30 days into ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${truth.faults.size} misconfigured)`);
  const svc = new TouVerificationService(store, () => truth.to + 86_400);
  for (const pass of ['first (builds the calendar model)', 'second (model cached)']) {
    t0 = performance.now();
    const r = await svc.verify({ tariffId: 'test-seasonal', from: '2026-03-20', to: '2026-04-19' });
    const s = (performance.now() - t0) / 1000;
    let tp = 0, fp = 0, fn = 0, cause = 0;
    for (const m of r.meters) {
      const f = truth.faults.get(m.meterId);
      if (f && m.verdict === 'misconfigured') { tp++; if (m.cause === EXPECTED_CAUSE[f.kind]) cause++; } else if (f) fn++;
      else if (m.verdict === 'misconfigured') fp++;
    }
    console.log(`${pass}: ${r.totals.meters} meters in ${s.toFixed(2)} s = ${Math.round(r.totals.meters / s)} meters/s; `
      + `precision ${(tp / (tp + fp)).toFixed(3)}, recall ${(tp / (tp + fn)).toFixed(3)}, right cause ${cause}/${truth.faults.size}; `
      + `ok ${r.totals.ok}, misconfigured ${r.totals.misconfigured}, insufficient data ${r.totals.insufficientData}`);
  }
} finally {
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
