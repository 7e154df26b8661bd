import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { localDateStart, QUALITY } from '../../model/index.ts';
import { BASELINE_DAYS, historyStart, localDate, performance, totals, type EnergySeries, type Performance } from './baseline.rules.ts';

const ZONE = 'Europe/Amsterdam';
const Q = 900;

/** Quarter-hours from historyStart(start) to end; `wh(t)` per interval, `q(t)` its quality. */
function series(start: number, end: number, wh: (t: number) => number, q: (t: number) => number = () => QUALITY.A): EnergySeries {
  const from = historyStart(start, ZONE);
  const n = (end - from) / Q;
  return {
    start: from, intervalS: Q,
    values: Float64Array.from({ length: n }, (_, i) => wh(from + i * Q)),
    quality: Uint8Array.from({ length: n }, (_, i) => q(from + i * Q)),
  };
}

const day = (date: string) => ({ start: localDateStart(date, ZONE), end: localDateStart(addDays(date, 1), ZONE) });
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test('an evening peak: 10 weekdays before, weekends and other event days skipped', () => {
  // Thursday 2026-11-26 17:00–20:00 local; history 4 Wh per quarter-hour, 3 Wh during the event.
  const start = localDateStart('2026-11-26', ZONE) + 17 * 3600;
  const end = start + 3 * 3600;
  const s = series(start, end, (t) => (t >= start ? 3 : 4));
  const p = performance({ zone: ZONE, start, end, excludeDates: new Set(['2026-11-24']), series: s });
  assert.equal(p.status, 'ok');
  assert.equal(p.intervals, 12);
  assert.deepEqual(p.days, ['2026-11-25', '2026-11-23', '2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16', '2026-11-13', '2026-11-12', '2026-11-11']);
  assert.equal(p.baselineWh, 48);
  assert.equal(p.actualWh, 36);
  assert.equal(p.reductionWh, 12);
  assert.equal(p.reductionPct, 0.25);
});

test('DST days: 92 and 100 quarter-hours, each matched to the wall clock of the baseline days', () => {
  for (const [date, n] of [['2026-03-29', 92], ['2026-10-25', 100]] as const) {
    const { start, end } = day(date);
    const s = series(start, end, (t) => (t >= start ? 3 : 4));
    const p = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: s });
    assert.equal(p.status, 'ok', date);
    assert.equal(p.intervals, n);
    assert.equal(p.actualWh, 3 * n);
    assert.equal(p.baselineWh, 4 * n);
    assert.equal(p.days.length, BASELINE_DAYS);
    // Sundays: the baseline uses weekend days only.
    for (const d of p.days) assert.ok([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()), d);
  }
});

test('an event across midnight takes each baseline day\'s next morning', () => {
  const start = localDateStart('2026-11-26', ZONE) + 23 * 3600;
  const end = start + 2 * 3600;
  // Mornings (00:00–01:00) cost 10 Wh, late evenings 2 Wh; a baseline of the wrong day would show.
  const s = series(start, end, (t) => (t >= start ? 0 : new Date((t + 3600) * 1000).getUTCHours() === 0 ? 10 : 2));
  const p = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: s });
  assert.equal(p.status, 'ok');
  assert.equal(p.baselineWh, 4 * 2 + 4 * 10);
});

test('insufficient history gives no figure; a missing event interval gives none either', () => {
  const start = localDateStart('2026-11-26', ZONE) + 17 * 3600;
  const end = start + 3600;
  // Only the last 9 days were received.
  const since = localDateStart('2026-11-13', ZONE);
  const short = series(start, end, () => 4, (t) => (t < since ? QUALITY.N : QUALITY.A));
  const a = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: short });
  assert.equal(a.status, 'insufficient-history');
  assert.equal(a.baselineWh, null);
  assert.equal(a.reductionWh, null);
  const gap = series(start, end, () => 4, (t) => (t === start + Q ? QUALITY.N : QUALITY.A));
  const b = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: gap });
  assert.equal(b.status, 'missing-data');
  assert.equal(b.missingActual, 1);
});

test('estimated intervals are used, counted and flagged; a day with a gap is not a baseline day', () => {
  const start = localDateStart('2026-11-26', ZONE) + 17 * 3600;
  const end = start + 3600;
  const gapDay = localDateStart('2026-11-25', ZONE) + 17 * 3600;
  const s = series(start, end, () => 4, (t) => (t === start ? QUALITY.E : t === gapDay ? QUALITY.N : t === gapDay - 86_400 ? QUALITY.S : QUALITY.A));
  const p = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: s });
  assert.equal(p.status, 'ok');
  assert.equal(p.estimatedActual, 1);
  assert.equal(p.estimatedBaseline, 1);
  assert.ok(!p.days.includes('2026-11-25'));
  assert.equal(p.days[0], '2026-11-24');
});

test('property: constant history b and event usage a give baseline b·n, reduction (b−a)·n, on any day of the year', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 16 }),
    fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }),
    (dayOfYear, q0, len, b, a) => {
      const date = addDays('2026-01-01', dayOfYear);
      const dayStart = localDateStart(date, ZONE);
      const start = dayStart + q0 * Q;
      const end = start + len * Q;
      const p = performance({ zone: ZONE, start, end, excludeDates: new Set(), series: series(start, end, (t) => (t >= start ? a : b)) });
      assert.equal(p.status, 'ok');
      assert.equal(p.intervals, len);
      assert.equal(p.baselineWh, b * len);
      assert.equal(p.actualWh, a * len);
      assert.equal(p.reductionWh, (b - a) * len);
      assert.equal(p.days.length, BASELINE_DAYS);
      assert.ok(p.days.every((d) => d < localDate(start, ZONE)));
    },
  ), { numRuns: 60 });
});

test('property: the baseline lies between the smallest and largest day, and excluded days are never used', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 60, maxLength: 60 }), fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { maxLength: 5 }), (perDay, excl) => {
    const start = localDateStart('2026-11-26', ZONE) + 18 * 3600;
    const end = start + 4 * Q;
    const from = historyStart(start, ZONE);
    const s = series(start, end, (t) => perDay[Math.floor((t - from) / 86_400) % 60]!);
    const excludeDates = new Set(excl.map((n) => addDays('2026-11-26', -n)));
    const p = performance({ zone: ZONE, start, end, excludeDates, series: s });
    assert.equal(p.status, 'ok');
    for (const d of p.days) assert.ok(!excludeDates.has(d));
    assert.ok(p.baselineWh! >= 4 * Math.min(...perDay) - 1e-6 && p.baselineWh! <= 4 * Math.max(...perDay) + 1e-6);
  }), { numRuns: 40 });
});

test('totals count only premises with a figure', () => {
  const ok = { status: 'ok', method: '10-of-10', days: [], intervals: 4, baselineWh: 100, actualWh: 60, reductionWh: 40, reductionPct: 0.4, estimatedActual: 1, estimatedBaseline: 2, missingActual: 0 } as const;
  const t = totals([ok as Performance, { ...ok, baselineWh: 50, actualWh: 50, reductionWh: 0 } as Performance, { ...ok, status: 'insufficient-history', baselineWh: null, actualWh: null, reductionWh: null } as Performance]);
  assert.deepEqual([t.premises, t.withFigure, t.insufficientHistory, t.baselineWh, t.actualWh, t.reductionWh, t.estimatedIntervals], [3, 2, 1, 150, 110, 40, 6]);
  assert.equal(t.reductionPct, 40 / 150);
});
