// Settlement runs on a real SQLite store (in memory) over a simulated market: the aggregation
// against an oracle built from the market's own definition, DST days, late data and re-runs,
// missing data, failed checks, exports (xmllint) and a property over random assignments.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { QUALITY, type IntervalSeries } from '../../model/index.ts';
import { openSqliteStore } from '../../store/sqlite/index.ts';
import type { Store } from '../../store/store.port.ts';
import { buildMarket, exportWh, importWh, loadMarket, marketSeries, type Market } from './market.fixture.ts';
import { groupKey } from './settlement.model.ts';
import { EXPORT, IMPORT, SettlementService, type RunDetail } from './settlement.service.ts';

const NOW = Date.UTC(2027, 0, 15, 8) / 1000;
const XSD = fileURLToPath(new URL('../../../docs/settlement.xsd', import.meta.url));

async function fresh(): Promise<{ store: Store; svc: SettlementService }> {
  const store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  return { store, svc: new SettlementService(store, () => NOW) };
}

/** What every group must hold, computed from the market definition alone. */
function oracle(m: Market, missing: ReadonlyMap<string, ReadonlySet<number>> = new Map()) {
  const P = m.day.periods;
  const out = new Map<string, { importWh: number[]; exportWh: number[]; expected: number[]; missing: number[]; accounts: Set<string> }>();
  const pv = new Set(m.meters.filter((x) => x.pv).map((x) => x.id));
  for (const s of m.segments) {
    const k = groupKey(s.market);
    let g = out.get(k);
    if (g === undefined) out.set(k, (g = { importWh: new Array(P).fill(0), exportWh: new Array(P).fill(0), expected: new Array(P).fill(0), missing: new Array(P).fill(0), accounts: new Set() }));
    g.accounts.add(s.accountId);
    for (let p = s.p0; p < s.p1; p++) {
      g.expected[p]++;
      if (missing.get(s.meterId)?.has(p)) g.missing[p]++;
      else g.importWh[p] += importWh(s.meterId, p);
      if (pv.has(s.meterId)) g.exportWh[p] += exportWh(s.meterId, p, P);
    }
  }
  return out;
}

function assertMatchesOracle(run: RunDetail, m: Market, missing?: ReadonlyMap<string, ReadonlySet<number>>): void {
  const want = oracle(m, missing);
  assert.deepEqual(run.groups.map((g) => groupKey(g)).sort(), [...want.keys()].sort());
  for (const g of run.groups) {
    const w = want.get(groupKey(g))!;
    const label = `${g.gridArea}/${g.brp}/${g.supplier}`;
    assert.equal(g.periods.length, m.day.periods, label);
    assert.deepEqual(g.periods.map((p) => p.importWh), w.importWh, `${label} import`);
    assert.deepEqual(g.periods.map((p) => p.exportWh), w.exportWh, `${label} export`);
    assert.deepEqual(g.periods.map((p) => p.expected), w.expected, `${label} expected`);
    assert.deepEqual(g.periods.map((p) => p.missing), w.missing, `${label} missing`);
    assert.equal(g.meteringPoints, w.accounts.size, label);
    assert.deepEqual(g.periods.map((p) => p.start), Array.from({ length: m.day.periods }, (_, p) => m.day.start + p * 900));
  }
}

describe('a simulated market of 36 meters in 3 grid areas, 2 suppliers and 2 BRPs', () => {
  test('the run matches the market: exchange, supplier switch and new connection; checks pass; 100 % complete', async () => {
    const { store, svc } = await fresh();
    const m = buildMarket('2026-06-15', 'Europe/Amsterdam', 36);
    await loadMarket(store, m);
    const r = await svc.run({ day: '2026-06-15', actor: 'test' });
    assert.deepEqual(r.checks.map((c) => [c.name, c.passed]), [
      ['period-count', true], ['period-sums', true], ['group-totals', true], ['allocation', true], ['completeness', true],
    ]);
    assert.deepEqual([r.runNo, r.status, r.consistent, r.periods, r.groupCount, r.meteringPoints, r.meters, r.diff], [1, 'complete', true, 96, 12, 38, 38, null]);
    assert.deepEqual([r.totals.completeness, r.totals.actualShare, r.totals.estimatedShare, r.warnings], [1, 1, 0, []]);
    const detail = await svc.get(r.id);
    assertMatchesOracle(detail, m);
    // The exchanged meter's account is one metering point in every period; the old meter's data after the exchange does not count.
    const a0 = detail.groups.find((g) => groupKey(g) === groupKey(m.accounts[0]!.market))!;
    assert.ok(a0.periods.every((p) => p.expected === a0.periods[0]!.expected));
    // The new connection: expected from position 61 on.
    const newConn = detail.groups.find((g) => g.gridArea === 'GA-2' && g.brp === 'BRP-Y' && g.supplier === 'SUP-B')!;
    assert.equal(newConn.periods[60]!.expected - newConn.periods[59]!.expected, 1);
    // The totals equal the store's own per-meter sums, cut to what each account was served.
    assert.equal(r.totals.importWh, m.segments.reduce((s, x) => s + Array.from({ length: x.p1 - x.p0 }, (_, i) => importWh(x.meterId, x.p0 + i)).reduce((a, b) => a + b, 0), 0));
    const audit = await store.listAudit({ action: 'settlement.run' }, { limit: 10 });
    assert.equal(audit.total, 1);
    assert.deepEqual([audit.items[0]!.object, audit.items[0]!.actor, audit.items[0]!.details?.status], [`settlement-run:${r.id}`, 'test', 'complete']);
    await store.close();
  });

  for (const [day, zone, periods, repeated] of [
    ['2026-03-29', 'Europe/Amsterdam', 92, [[8, '2026-03-29T01:45:00+01:00'], [9, '2026-03-29T03:00:00+02:00']]],
    ['2026-10-25', 'Europe/Amsterdam', 100, [[9, '2026-10-25T02:00:00+02:00'], [13, '2026-10-25T02:00:00+01:00']]],
    ['2026-03-29', 'Europe/London', 92, [[4, '2026-03-29T00:45:00Z'], [5, '2026-03-29T02:00:00+01:00']]],
    ['2026-10-25', 'Europe/London', 100, [[5, '2026-10-25T01:00:00+01:00'], [9, '2026-10-25T01:00:00Z']]],
  ] as const) {
    test(`DST: ${day} in ${zone} has ${periods} periods; checks pass; the export tells the repeated hour apart`, async () => {
      const { store, svc } = await fresh();
      const m = buildMarket(day, zone, 12);
      await loadMarket(store, m);
      const r = await svc.run({ day, zone, actor: 'test' });
      assert.deepEqual([r.periods, r.consistent, r.status, r.failedChecks], [periods, true, 'complete', []]);
      assertMatchesOracle(await svc.get(r.id), m);
      const rows = (await svc.export(r.id, 'csv')).body.trim().split('\n').map((l) => l.split(','));
      assert.equal(rows.length, 1 + r.groupCount * periods);
      for (const [position, local] of repeated) {
        const row = rows.find((x) => x[7] === String(position))!;
        // luxon writes UTC as Z in London winter; the offset column is what tells the hours apart.
        assert.equal(row[8]!.replace('+00:00', 'Z'), local, `position ${position}`);
      }
      await store.close();
    });
  }
});

describe('late data, re-runs and missing intervals', () => {
  test('missing intervals lower completeness exactly; late data shows the exact difference; a re-run of unchanged data shows none', async () => {
    const { store, svc } = await fresh();
    const m = buildMarket('2026-11-10', 'Europe/Amsterdam', 36);
    const gaps = new Map([['M005', new Set([10, 11, 12, 13])], ['M010', new Set(Array.from({ length: 96 }, (_, p) => p))]]);
    const series = marketSeries(m)
      .filter((s) => s.meterId !== 'M010')
      .map((s): IntervalSeries => {
        if (s.meterId !== 'M005' && s.meterId !== 'M007') return s;
        const values = Float64Array.from(s.values);
        const quality = Uint8Array.from(s.quality);
        if (s.meterId === 'M005' && s.channel === IMPORT) for (const p of gaps.get('M005')!) { values[p] = 0; quality[p] = QUALITY.N; }
        if (s.meterId === 'M007') { quality[20] = QUALITY.E; quality[21] = QUALITY.S; }
        return { ...s, values, quality };
      });
    await loadMarket(store, m, series);
    const r1 = await svc.run({ day: '2026-11-10', actor: 'ops' });
    assert.deepEqual([r1.consistent, r1.status, r1.failedChecks], [true, 'incomplete', ['completeness']]);
    assert.deepEqual(r1.warnings, ['meter M010 has no 1-0:1.8.0.255 channel: its periods count as missing']);
    const d1 = await svc.get(r1.id);
    assertMatchesOracle(d1, m, gaps);
    const g5 = d1.groups.find((g) => groupKey(g) === groupKey(m.accounts.find((a) => a.id === 'A005')!.market))!;
    assert.equal(g5.missing, 4);
    assert.equal(g5.completeness, (g5.expected - 4) / g5.expected);
    assert.ok(g5.periods.slice(10, 14).every((p) => p.missing === 1 && p.withData === p.expected - 1));
    const g7 = d1.groups.find((g) => groupKey(g) === groupKey(m.accounts.find((a) => a.id === 'A007')!.market))!;
    assert.deepEqual([g7.estimated, g7.periods[20]!.estimated, g7.periods[21]!.estimated], [2, 1, 1]);
    const g10 = d1.groups.find((g) => groupKey(g) === groupKey(m.accounts.find((a) => a.id === 'A010')!.market))!;
    assert.equal(g10.missing, 96);
    assert.equal(r1.totals.missing, 100);

    // Late data: M005's four quarter-hours arrive as actual values.
    const late = Float64Array.from([10, 11, 12, 13], (p) => importWh('M005', p));
    await store.writeSeries([{ meterId: 'M005', channel: IMPORT, start: m.day.start + 10 * 900, intervalS: 900, values: late, quality: new Uint8Array(4) }], { source: 'test', actor: 'late' });
    const r2 = await svc.run({ day: '2026-11-10', actor: 'ops' });
    assert.equal(r2.runNo, 2);
    assert.ok(r2.diff);
    assert.equal(r2.diff.previousRunId, r1.id);
    assert.equal(r2.diff.changedGroups, 1);
    const changed = r2.diff.groups.filter((g) => g.change !== 'unchanged');
    assert.deepEqual(changed.map((g) => [groupKey(g), g.importWhDelta, g.exportWhDelta, g.missingDelta, g.actualDelta, g.changedPeriods]), [
      [groupKey(g5), late.reduce((a, b) => a + b, 0), 0, -4, 4, [11, 12, 13, 14]],
    ]);
    assert.equal(changed[0]!.completenessDelta, 4 / g5.expected);
    assert.equal(r2.diff.importWhDelta, late.reduce((a, b) => a + b, 0));
    assert.deepEqual((await svc.get(r2.id)).diff, r2.diff, 'the stored run shows the same difference');

    const r3 = await svc.run({ day: '2026-11-10', actor: 'ops' });
    assert.equal(r3.runNo, 3);
    assert.deepEqual([r3.diff!.changedGroups, r3.diff!.importWhDelta, r3.diff!.exportWhDelta], [0, 0, 0]);
    assert.ok(r3.diff!.groups.every((g) => g.change === 'unchanged' && g.completenessDelta === 0 && g.changedPeriods.length === 0));
    const list = await svc.list({ day: '2026-11-10' });
    assert.deepEqual(list.items.map((x) => x.runNo), [3, 2, 1]);
    assert.equal((await store.listAudit({ action: 'settlement.run' }, { limit: 10 })).total, 3);
    await store.close();
  });

  test('a failed check marks the run and keeps it: a meter in two accounts at once, and an hourly meter', async () => {
    const { store, svc } = await fresh();
    const m = buildMarket('2026-06-15', 'Europe/Amsterdam', 12);
    await loadMarket(store, m);
    const day = m.day;
    await store.upsertAccounts([{ ...m.accounts[2]!, id: 'A-DUP', market: { gridArea: 'GA-3', brp: 'BRP-Y', supplier: 'SUP-B' } }, { ...m.accounts[2]!, id: 'A-HOURLY' }]);
    await store.putAssignments([
      { accountId: 'A-DUP', meterId: 'M004', from: day.start + 3600, to: day.start + 7200 },
      { accountId: 'A-HOURLY', meterId: 'M-HOURLY', from: day.start },
    ]);
    await store.writeSeries([{ meterId: 'M-HOURLY', channel: IMPORT, start: day.start, intervalS: 3600, values: new Float64Array(24).fill(400), quality: new Uint8Array(24) }], { source: 'test', actor: 'test' });
    const r = await svc.run({ day: '2026-06-15', actor: 'test', threshold: 0.5 });
    assert.deepEqual([r.consistent, r.status, r.failedChecks], [false, 'complete', ['allocation']]);
    const alloc = r.checks.find((c) => c.name === 'allocation')!;
    assert.deepEqual(alloc.failures, [{ meterId: 'M004', accounts: ['A004', 'A-DUP'], fromPosition: 5, toPosition: 8 }]);
    assert.match(r.warnings[0]!, /M-HOURLY records 1-0:1.8.0.255 in 3600 s intervals/);
    assert.equal((await svc.get(r.id)).consistent, false, 'stored, marked');
    await store.close();
  });
});

function xmllint(doc: string, schema?: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-settlement-'));
  try {
    const file = join(dir, 'run.xml');
    writeFileSync(file, doc);
    const r = spawnSync('xmllint', ['--noout', '--nonet', ...(schema ? ['--schema', schema] : []), file], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('exports', () => {
  test('XML is well-formed, valid against docs/settlement.xsd and deterministic; CSV has one row per group and period', async () => {
    const { store, svc } = await fresh();
    const m = buildMarket('2026-10-25', 'Europe/Amsterdam', 24);
    const series = marketSeries(m).map((s) => (s.meterId === 'M003' && s.channel === EXPORT ? { ...s, quality: Uint8Array.from(s.quality, (_, i) => (i === 50 ? QUALITY.N : QUALITY.A)) } : s));
    await loadMarket(store, m, series);
    await store.upsertAccounts([{ ...m.accounts[5]!, id: 'A&<"odd">', market: { gridArea: 'GA <&> 4', brp: 'BRP,"Q"', supplier: 'SUP-A' } }]);
    await store.putAssignments([{ accountId: 'A&<"odd">', meterId: 'M-ODD', from: m.day.start }]);
    const r = await svc.run({ day: '2026-10-25', actor: 'test' });
    const xml = await svc.export(r.id, 'xml');
    assert.equal(xml.contentType, 'application/xml; charset=utf-8');
    assert.equal(xml.filename, `${r.id}.xml`);
    const lint = xmllint(xml.body, XSD);
    assert.ok(lint.ok, lint.out);
    assert.equal((await svc.export(r.id, 'xml')).body, xml.body, 'same run, same bytes');
    const detail = await svc.get(r.id);
    const seriesCount = detail.groups.length + detail.groups.filter((g) => g.exportMeters > 0).length;
    assert.equal(xml.body.match(/<Series>/g)!.length, seriesCount);
    assert.equal(xml.body.match(/<Point>/g)!.length, seriesCount * 100);
    assert.match(xml.body, /<timeInterval><start>2026-10-24T22:00Z<\/start><end>2026-10-25T23:00Z<\/end><\/timeInterval>/);
    assert.match(xml.body, /<meteringGridArea_Domain.mRID codingScheme="A01">GA &lt;&amp;&gt; 4<\/meteringGridArea_Domain.mRID>/);
    // M-ODD has no data: its group's points are not available (A02); M003's missing export makes a point incomplete (A05).
    assert.match(xml.body, /<quality>A02<\/quality>/);
    assert.match(xml.body, /<position>51<\/position><quantity>[\d.]+<\/quantity><quality>A05<\/quality>/);
    // The check can fail: a broken document is refused.
    assert.equal(xmllint(xml.body.replace('</Series>', '</Serie>')).ok, false);
    assert.equal(xmllint(xml.body.replace('<resolution>PT15M</resolution>', '<resolution>PT1H</resolution>'), XSD).ok, false);

    const csv = (await svc.export(r.id, 'csv')).body;
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines[0], 'run_id,settlement_day,zone,run_number,grid_area,brp,supplier,period,period_start_local,period_start_utc,period_end_utc,import_kwh,export_kwh,'
      + 'metering_points_expected,metering_points_with_data,actual,estimated,missing,completeness,estimated_share,quality');
    assert.equal(lines.length, 1 + detail.groups.length * 100);
    assert.ok(lines.some((l) => l.includes(',GA <&> 4,"BRP,""Q""",SUP-A,1,')), 'quoted as RFC 4180 says');
    const g = detail.groups.find((x) => x.gridArea === 'GA-1')!;
    const first = lines.find((l) => l.includes(`,${g.gridArea},${g.brp},${g.supplier},1,`))!.split(',');
    assert.deepEqual(first.slice(0, 15), [
      r.id, '2026-10-25', 'Europe/Amsterdam', '1', g.gridArea, g.brp, g.supplier, '1', '2026-10-25T00:00:00+02:00', '2026-10-24T22:00:00Z', '2026-10-24T22:15:00Z',
      (g.periods[0]!.importWh / 1000).toFixed(3), (g.periods[0]!.exportWh / 1000).toFixed(3), String(g.periods[0]!.expected), String(g.periods[0]!.withData),
    ]);
    await assert.rejects(svc.export(r.id, 'pdf'), { code: 'SETTLEMENT_INVALID' });
    await assert.rejects(svc.export('stl-nope', 'csv'), { code: 'SETTLEMENT_RUN_NOT_FOUND' });
    await assert.rejects(svc.run({ day: '2026-02-30', actor: 't' }), { code: 'SETTLEMENT_INVALID' });
    await assert.rejects(svc.run({ day: '2026-02-03', actor: 't', threshold: 1.5 }), { code: 'SETTLEMENT_INVALID' });
    await store.close();
  });
});

// Random assignments (boundaries at any minute, meters changing hands) and random data with gaps
// and estimates: the store's own sums (sumSeries, localTotals) always agree with the aggregation.
test('property: on the real store, the groups add up to the meters for random assignments and data', async () => {
  const zone = 'Europe/Amsterdam';
  const arb = fc.record({
    day: fc.constantFrom('2026-03-29', '2026-10-25', '2026-07-01'),
    assignments: fc.array(fc.record({
      account: fc.integer({ min: 0, max: 5 }), meter: fc.integer({ min: 0, max: 5 }),
      fromMin: fc.integer({ min: -120, max: 1500 }), lenMin: fc.option(fc.integer({ min: 1, max: 1600 }), { nil: undefined }),
    }), { minLength: 1, maxLength: 8 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    pv: fc.boolean(),
  });
  await fc.assert(fc.asyncProperty(arb, async ({ day, assignments, seed, pv }) => {
    const { store, svc } = await fresh();
    try {
      const d = buildMarket(day, zone, 6).day;
      const parties = (a: number) => ({ gridArea: `GA-${a % 2}`, brp: `BRP-${a % 3}`, supplier: `SUP-${a % 2}` });
      await store.upsertAccounts(Array.from({ length: 6 }, (_, a) => ({ id: `A${a}`, name: 'x', timeZone: zone, tariffId: 'T', cycleDay: 1, market: parties(a), createdAt: 0 })));
      // One assignment per (account, meter, from): later duplicates replace earlier ones, as the store does.
      await store.putAssignments(assignments.map((a) => ({
        accountId: `A${a.account}`, meterId: `M${a.meter}`, from: d.start + a.fromMin * 60, ...(a.lenMin !== undefined ? { to: d.start + (a.fromMin + a.lenMin) * 60 } : {}),
      })));
      const n = d.periods + 8;
      const series: IntervalSeries[] = [];
      for (let k = 0; k < 6; k++) {
        const q = (i: number) => [QUALITY.A, QUALITY.A, QUALITY.A, QUALITY.E, QUALITY.N][(seed + k * 7 + i * 13) % 5]!;
        const mk = (ch: typeof IMPORT, off: number): IntervalSeries => {
          const quality = Uint8Array.from({ length: n }, (_, i) => q(i + off));
          return { meterId: `M${k}`, channel: ch, start: d.start - 4 * 900, intervalS: 900, quality, values: Float64Array.from(quality, (qq, i) => (qq === QUALITY.N ? 0 : (seed * 31 + k * 101 + i * 17) % 900)) };
        };
        series.push(mk(IMPORT, 0));
        if (pv && k % 2 === 0) series.push(mk(EXPORT, 3));
      }
      await store.writeSeries(series, { source: 'test', actor: 'test' });
      const r = await svc.run({ day, zone, actor: 'prop' });
      const failed = r.checks.filter((c) => !c.passed && c.name !== 'completeness' && c.name !== 'allocation');
      assert.deepEqual(failed, [], JSON.stringify(failed));
    } finally {
      await store.close();
    }
  }), { numRuns: 40 });
});
