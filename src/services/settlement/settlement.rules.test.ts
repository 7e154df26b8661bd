import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUALITY, type MarketParties } from '../../model/index.ts';
import { aggregate, groupTotals } from './aggregate.rules.ts';
import { checkAllocation, checkCompleteness, checkGroupTotals, checkPeriodCount, checkPeriodSums } from './checks.rules.ts';
import { diffRuns } from './diff.rules.ts';
import { formatKwh, pointQuality } from './export.rules.ts';
import { assertDay, expectedPeriodCount, settlementDay } from './periods.rules.ts';
import { groupKey, type ChannelSlice, type MeterSegment } from './settlement.model.ts';

const { A, S, E, F, N, V } = QUALITY;
const M1: MarketParties = { gridArea: 'GA-1', brp: 'BRP-X', supplier: 'SUP-A' };
const M2: MarketParties = { gridArea: 'GA-2', brp: 'BRP-X', supplier: 'SUP-A' };
const slice = (values: number[], quality: number[], intervalS = 900): ChannelSlice => ({ intervalS, values, quality });

describe('settlement days', () => {
  test('a local day has 92, 96 or 100 quarter-hours by its DST change, and the offsets agree', () => {
    for (const [day, zone, n] of [
      ['2026-03-29', 'Europe/Amsterdam', 92], ['2026-10-25', 'Europe/Amsterdam', 100], ['2026-06-01', 'Europe/Amsterdam', 96],
      ['2026-03-29', 'Europe/London', 92], ['2026-10-25', 'Europe/London', 100], ['2026-03-08', 'America/New_York', 92],
      ['2026-04-05', 'Australia/Sydney', 100], ['2026-04-05', 'Australia/Lord_Howe', 98],
    ] as const) {
      const d = settlementDay(day, zone);
      assert.equal(d.periods, n, `${day} ${zone}`);
      assert.equal(expectedPeriodCount(d.start, d.end, zone), n, `${day} ${zone} by offsets`);
    }
    assert.equal(settlementDay('2026-03-29', 'Europe/London').start, Date.UTC(2026, 2, 29) / 1000, 'London midnight is 00:00 GMT');
    assert.equal(settlementDay('2026-03-29', 'Europe/Amsterdam').start, Date.UTC(2026, 2, 28, 23) / 1000);
  });

  test('a day that is not a date is refused with SETTLEMENT_INVALID', () => {
    for (const bad of ['2026-02-30', '2026-3-29', '29-03-2026', '', '2026-13-01']) {
      assert.throws(() => assertDay(bad), { code: 'SETTLEMENT_INVALID' }, bad);
    }
    assert.throws(() => settlementDay('2026-03-29', 'Mars/Olympus'), { code: 'ZONE_INVALID' });
  });
});

describe('aggregation', () => {
  test('per period: energy, and metering points actual, estimated or missing (never silently zero)', () => {
    const segs: MeterSegment[] = [
      { accountId: 'a1', meterId: 'm1', market: M1, p0: 0, p1: 4, import: slice([10, 20, 0, 40], [A, E, N, A]) },
      { accountId: 'a2', meterId: 'm2', market: M1, p0: 1, p1: 3, import: slice([5, 6], [S, F]), export: slice([1, 0], [A, N]) },
      { accountId: 'a3', meterId: 'm3', market: M2, p0: 0, p1: 4 },
    ];
    const [g1, g2] = aggregate(segs, 4);
    assert.deepEqual([g1!.gridArea, g2!.gridArea], ['GA-1', 'GA-2']);
    assert.deepEqual([...g1!.importWh], [10, 25, 6, 40]);
    assert.deepEqual([...g1!.exportWh], [0, 1, 0, 0]);
    assert.deepEqual([...g1!.expected], [1, 2, 2, 1]);
    assert.deepEqual([...g1!.actual], [1, 0, 0, 1]);
    assert.deepEqual([...g1!.estimated], [0, 2, 0, 0]);
    // Period 3: m1 is N, m2's export is N: both metering points are missing.
    assert.deepEqual([...g1!.missing], [0, 0, 2, 0]);
    assert.deepEqual([g1!.meteringPoints, g1!.meters, g1!.exportMeters], [2, 2, 1]);
    // A meter without an import channel: expected and missing in every period.
    assert.deepEqual([...g2!.expected], [1, 1, 1, 1]);
    assert.deepEqual([...g2!.missing], [1, 1, 1, 1]);
    const t = groupTotals(g1!);
    assert.deepEqual([t.importWh, t.expected, t.actual, t.estimated, t.missing], [81, 6, 2, 2, 2]);
    assert.equal(t.completeness, 4 / 6);
    assert.equal(t.estimatedShare, 2 / 6);
  });

  test('5-minute data adds up to quarter-hours; one missing 5 minutes makes the period missing but keeps what arrived', () => {
    const [g] = aggregate([
      { accountId: 'a', meterId: 'm', market: M1, p0: 0, p1: 2, import: slice([1, 2, 3, 4, 5, 6], [A, A, A, A, N, V], 300) },
    ], 2);
    assert.deepEqual([...g!.importWh], [6, 10]);
    assert.deepEqual([[...g!.actual], [...g!.missing]], [[1, 0], [0, 1]]);
  });

  test('a meter exchange is one metering point served by two meters; two meters at once add up, the worse status counts', () => {
    const [g] = aggregate([
      { accountId: 'a', meterId: 'old', market: M1, p0: 0, p1: 2, import: slice([1, 1], [A, A]) },
      { accountId: 'a', meterId: 'new', market: M1, p0: 2, p1: 4, import: slice([2, 2], [A, E]) },
      { accountId: 'a', meterId: 'sub', market: M1, p0: 3, p1: 4, import: slice([7], [A]) },
    ], 4);
    assert.deepEqual([...g!.expected], [1, 1, 1, 1]);
    assert.deepEqual([...g!.importWh], [1, 1, 2, 9]);
    assert.deepEqual([...g!.estimated], [0, 0, 0, 1]);
    assert.deepEqual([g!.meteringPoints, g!.meters], [1, 3]);
  });
});

describe('checks', () => {
  const segs: MeterSegment[] = [
    { accountId: 'a1', meterId: 'm1', market: M1, p0: 0, p1: 2, import: slice([10, 20], [A, A]) },
    { accountId: 'a2', meterId: 'm2', market: M2, p0: 0, p1: 2, import: slice([1, 2], [A, N]) },
  ];
  const groups = aggregate(segs, 2);

  test('period sums and group totals pass on matching figures and name the period or group that differs', () => {
    assert.equal(checkPeriodSums(groups, { importWh: [11, 20], exportWh: [0, 0] }, 2).passed, true);
    const bad = checkPeriodSums(groups, { importWh: [11, 21], exportWh: [0, 0] }, 2);
    assert.equal(bad.passed, false);
    assert.deepEqual(bad.failures, [{ position: 2, groupsImportWh: 20, metersImportWh: 21, groupsExportWh: 0, metersExportWh: 0 }]);
    const totals = new Map([[groupKey(M1), { importWh: 30, exportWh: 0 }], [groupKey(M2), { importWh: 1, exportWh: 0 }]]);
    assert.equal(checkGroupTotals(groups, totals).passed, true);
    totals.set(groupKey(M2), { importWh: 3, exportWh: 0 });
    assert.deepEqual(checkGroupTotals(groups, totals).failures.map((f) => f.gridArea), ['GA-2']);
  });

  test('period count, completeness threshold and double allocation', () => {
    assert.equal(checkPeriodCount(2, 2, groups).passed, true);
    assert.equal(checkPeriodCount(2, 96, groups).passed, false);
    assert.equal(checkCompleteness(groups, 0.75).passed, false, 'GA-2 is 50 % complete');
    assert.deepEqual(checkCompleteness(groups, 0.5).failures, []);
    assert.equal(checkAllocation(segs, 2).passed, true);
    const twice = checkAllocation([
      ...segs, { accountId: 'a3', meterId: 'm1', market: M1, p0: 1, p1: 2 },
      { accountId: 'a4', meterId: 'm3', market: M1, p0: 0, p1: 10 }, { accountId: 'a5', meterId: 'm3', market: M1, p0: 2, p1: 3 },
      { accountId: 'a6', meterId: 'm3', market: M1, p0: 5, p1: 6 },
    ], 10);
    assert.equal(twice.passed, false);
    assert.deepEqual(twice.failures.map((f) => [f.meterId, f.accounts, f.fromPosition, f.toPosition]), [
      ['m1', ['a1', 'a3'], 2, 2], ['m3', ['a4', 'a5'], 3, 3], ['m3', ['a4', 'a6'], 6, 6],
    ]);
  });
});

test('the difference between two runs is exact per group and lists the changed periods', () => {
  const before = aggregate([{ accountId: 'a', meterId: 'm', market: M1, p0: 0, p1: 3, import: slice([1, 0, 3], [A, N, A]) }], 3);
  const after = aggregate([
    { accountId: 'a', meterId: 'm', market: M1, p0: 0, p1: 3, import: slice([1, 2, 3], [A, A, A]) },
    { accountId: 'b', meterId: 'n', market: M2, p0: 0, p1: 3, import: slice([1, 1, 1], [A, A, A]) },
  ], 3);
  const d = diffRuns(before, after);
  assert.deepEqual(d.groups.map((g) => [g.gridArea, g.change, g.importWhDelta, g.missingDelta, g.changedPeriods]), [
    ['GA-1', 'changed', 2, -1, [2]], ['GA-2', 'new', 3, 0, [1, 2, 3]],
  ]);
  assert.equal(d.groups[0]!.completenessDelta, 1 / 3);
  assert.deepEqual([d.importWhDelta, d.changedGroups], [5, 2]);
  const same = diffRuns(after, after);
  assert.deepEqual([same.importWhDelta, same.changedGroups, same.groups.every((g) => g.change === 'unchanged' && g.completenessDelta === 0)], [0, 0, true]);
  assert.equal(diffRuns(after, before).groups[1]!.change, 'gone');
});

test('kWh with three decimals exactly, and the ESMP quality of a point', () => {
  assert.deepEqual([0, 1, 999, 1000, 1234567, -1500, 2 ** 50].map(formatKwh),
    ['0.000', '0.001', '0.999', '1.000', '1234.567', '-1.500', '1125899906842.624']);
  const p = (expected: number, actual: number, estimated: number, missing: number) =>
    pointQuality({ position: 1, start: 0, importWh: 0, exportWh: 0, expected, actual, estimated, missing });
  assert.deepEqual([p(0, 0, 0, 0), p(2, 2, 0, 0), p(2, 1, 1, 0), p(2, 1, 0, 1), p(2, 0, 0, 2)], ['A04', 'A04', 'A03', 'A05', 'A02']);
});

// Random markets: whatever the assignments and data, the groups add up to the meters, per period,
// and every expected metering point is actual, estimated or missing.
const arbMarket = fc.integer({ min: 1, max: 12 }).chain((periods) => fc.record({
  periods: fc.constant(periods),
  segments: fc.array(fc.record({
    account: fc.integer({ min: 0, max: 9 }),
    meter: fc.integer({ min: 0, max: 15 }),
    a: fc.integer({ min: -2, max: periods + 2 }),
    b: fc.integer({ min: -2, max: periods + 2 }),
    per: fc.constantFrom(1, 3, 15),
    hasImport: fc.boolean(),
    hasExport: fc.boolean(),
    values: fc.array(fc.integer({ min: -1000, max: 100_000 }), { minLength: 30 * (periods + 4), maxLength: 30 * (periods + 4) }),
    quality: fc.array(fc.constantFrom(A, S, E, F, N, V), { minLength: 30 * (periods + 4), maxLength: 30 * (periods + 4) }),
  }), { maxLength: 25 }),
}));

test('property: the sum over groups equals the sum over meters in every period; counts partition the expected', () => {
  fc.assert(fc.property(arbMarket, ({ periods, segments }) => {
    const parties = (acct: number): MarketParties => ({ gridArea: `G${acct % 3}`, brp: `B${acct % 2}`, supplier: `S${(acct >> 1) % 2}` });
    const segs: MeterSegment[] = segments.map((s) => {
      const p0 = Math.min(s.a, s.b);
      const p1 = Math.max(s.a, s.b);
      const n = Math.max(0, Math.min(periods, p1) - Math.max(0, p0)) * s.per;
      const mk = (off: number): ChannelSlice => ({ intervalS: 900 / s.per, values: s.values.slice(off, off + n), quality: s.quality.slice(off, off + n) });
      return {
        accountId: `a${s.account}`, meterId: `m${s.meter}`, market: parties(s.account), p0, p1,
        ...(s.hasImport ? { import: mk(0) } : {}), ...(s.hasExport ? { export: mk(n) } : {}),
      };
    });
    const groups = aggregate(segs, periods);
    // The meters' side, naively: every present interval of every segment into its period.
    const imp = new Float64Array(periods);
    const exp = new Float64Array(periods);
    const active = Array.from({ length: periods }, () => new Set<string>());
    for (const s of segs) {
      const from = Math.max(0, s.p0);
      const to = Math.min(periods, s.p1);
      for (let p = from; p < to; p++) active[p]!.add(s.accountId);
      for (const [sl, into] of [[s.import, imp], [s.export, exp]] as const) {
        if (sl === undefined) continue;
        const per = 900 / sl.intervalS;
        for (let i = 0; i < sl.values.length; i++) if (sl.quality[i] !== N) into[from + Math.floor(i / per)] += sl.values[i]!;
      }
    }
    assert.equal(checkPeriodSums(groups, { importWh: imp, exportWh: exp }, periods).passed, true);
    for (let p = 0; p < periods; p++) {
      let expected = 0;
      for (const g of groups) {
        assert.equal(g.expected[p], g.actual[p]! + g.estimated[p]! + g.missing[p]!);
        expected += g.expected[p]!;
      }
      assert.equal(expected, active[p]!.size);
    }
  }), { numRuns: 300 });
});
