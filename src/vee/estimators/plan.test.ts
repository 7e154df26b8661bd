import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY } from '../../model/index.ts';
import { METHOD, REASON } from '../codes.ts';
import { runVee } from '../engine.ts';
import { DAY, Q, VOLTAGE, day, history, meter, register, series, shape, sum } from '../vee.fixture.ts';

const gapOf = (values: number[], from: number, to: number): ReturnType<typeof series> =>
  series(values.map((v, i) => (i >= from && i < to ? 0 : v)), { quality: values.map((_, i) => (i >= from && i < to ? 'N' : 'A')) });

test('a gap of up to 2 h between two actual intervals is interpolated linearly (S, Part B type 17)', () => {
  const values = day();
  const r = runVee({ series: gapOf(values, 40, 44), meter: meter() });
  const [e] = r.estimates;
  assert.equal(e!.method, 'linear');
  assert.equal(e!.methodFlag, METHOD.linear);
  assert.equal(e!.quality, 'S');
  assert.equal(e!.reason, REASON.nullData);
  assert.deepEqual(e!.triggers, ['gap']);
  const step = (values[44]! - values[39]!) / 5;
  for (let k = 1; k <= 4; k++) assert.equal(r.series.values[39 + k], Math.round(values[39]! + step * k));
  assert.deepEqual(e!.inputs.before, { at: DAY + 40 * Q, value: values[39] });
  assert.deepEqual(e!.inputs.after, { at: DAY + 45 * Q, value: values[44] });
  assert.ok([...r.series.quality.subarray(40, 44)].every((q) => q === QUALITY.S));
  assert.ok([...r.method.subarray(40, 44)].every((m) => m === METHOD.linear));
});

test('a longer gap takes the average like day: the mean of the same time over the last four weeks (S15)', () => {
  const hist = history(28, DAY, (i, d) => shape(i) + (d % 7 === 0 ? d : 0));
  const r = runVee({ series: gapOf(day(), 10, 30), meter: meter(), history: hist });
  const [e] = r.estimates;
  assert.equal(e!.method, 'average-like-day');
  assert.equal(e!.methodFlag, METHOD.retrospectiveAverageLikeDay);
  assert.deepEqual(e!.inputs.likeDays, [7, 14, 21, 28].map((d) => DAY - d * 86_400));
  // The like days are 7, 14, 21 and 28 days back: shape + 7, + 14, + 21, + 28 → shape + 17.5.
  for (let i = 10; i < 30; i++) assert.equal(r.series.values[i], Math.round(shape(i) + 17.5));
});

test('with one like week only, the like day is copied (S14, WA Metering Code method 14)', () => {
  const hist = history(7, DAY, (i) => shape(i) * 2);
  const r = runVee({ series: gapOf(day(), 10, 30), meter: meter(), history: hist });
  assert.equal(r.estimates[0]!.method, 'like-day');
  assert.equal(r.estimates[0]!.methodFlag, METHOD.retrospectiveLikeDay);
  assert.deepEqual(r.estimates[0]!.inputs.likeDays, [DAY - 7 * 86_400]);
  for (let i = 10; i < 30; i++) assert.equal(r.series.values[i], shape(i) * 2);
});

test('like-day classes: a Wednesday stands in for a Tuesday, never a Saturday for a Monday', () => {
  // Target Tuesday 2026-06-02; history: the Wednesday and Saturday before (5 and 3 days back are Thu and Sat… pick explicitly).
  const tuesday = DAY + 86_400;
  const wednesdayBefore = tuesday - 6 * 86_400;
  const hist = [series(day((i) => 500 + i), { start: wednesdayBefore })];
  const r = runVee({ series: { ...gapOf(day(), 10, 30), start: tuesday }, meter: meter(), history: hist });
  assert.equal(r.estimates[0]!.method, 'like-day');
  assert.equal(r.series.values[10], 510);
  const saturday = DAY - 2 * 86_400;
  const r2 = runVee({ series: gapOf(day(), 10, 30), meter: meter(), history: [series(day((i) => 500 + i), { start: saturday })] });
  assert.notEqual(r2.estimates[0]?.method, 'like-day');
});

test('without like days, the typical profile (history mean per time of day, ADL) fills a long gap (S25)', () => {
  // Three days of history, none a Monday: no like day for Monday's gap.
  const hist = [1, 2, 3].map((d) => series(day((i) => shape(i) + d), { start: DAY - d * 86_400 }));
  const r = runVee({ series: gapOf(day(), 10, 40), meter: meter(), history: hist });
  const [e] = r.estimates;
  assert.equal(e!.method, 'typical-profile');
  assert.equal(e!.methodFlag, METHOD.averageDailyLoad);
  assert.equal(e!.inputs.historyDays, 3);
  for (let i = 10; i < 40; i++) assert.equal(r.series.values[i], shape(i) + 2);
});

test('without history, a class profile scaled to the expected daily energy', () => {
  const profile = new Float64Array(96).fill(1);
  const r = runVee({ series: gapOf(day(), 10, 40), meter: meter(), classProfile: profile, expectedDailyWh: 9600 });
  assert.equal(r.estimates[0]!.method, 'typical-profile');
  assert.equal(r.estimates[0]!.inputs.scale, 100);
  assert.ok([...r.series.values.subarray(10, 40)].every((v) => v === 100));
});

test('nothing to estimate from: missing stays N, an invalidated actual keeps its value as V with the rule\'s reason', () => {
  const values = day();
  values[50] = -5000;
  const input = gapOf(values, 10, 40);
  const r = runVee({ series: input, meter: meter() });
  assert.equal(r.estimates.length, 1); // interval 50 is interpolated; 10..39 cannot be estimated
  assert.equal(r.estimates[0]!.from, 50);
  assert.ok([...r.series.quality.subarray(10, 40)].every((q) => q === QUALITY.N));
  const noAnchors = series([...values.slice(0, 50), -5000], { quality: [...Array(50).fill('A'), 'A'] });
  const r2 = runVee({ series: noAnchors, meter: meter() });
  assert.equal(r2.series.quality[50], QUALITY.V);
  assert.equal(r2.series.values[50], -5000);
  assert.equal(r2.series.reason[50], REASON.failedValidation);
});

test('register-bounded apportioning: estimates + actuals equal the register advance exactly (Part B type 24)', () => {
  const values = day();
  const total = sum(values);
  const regs = [register(DAY, 1_000_000), register(DAY + 86_400, 1_000_000 + total + 123)];
  const r = runVee({ series: gapOf(values, 10, 40), meter: meter(), registers: regs, history: history(28) });
  assert.equal(sum(r.series.values), total + 123);
  const [e] = r.estimates;
  assert.equal(e!.method, 'register-apportion');
  assert.equal(e!.methodFlag, METHOD.dataScaling);
  assert.equal(e!.inputs.register!.delta, total + 123);
  assert.equal(e!.inputs.register!.residual, sum(values, 10, 40) + 123);
  assert.equal(e!.inputs.register!.profile, 'average-like-day');
  assert.deepEqual(e!.inputs.likeDays?.length, 4);
});

test('short gaps are shaped linearly, then bounded by the register', () => {
  const values = day();
  const regs = [register(DAY, 0), register(DAY + 86_400, sum(values))];
  const r = runVee({ series: gapOf(values, 50, 52), meter: meter(), registers: regs });
  assert.equal(r.estimates[0]!.inputs.register!.profile, 'linear');
  assert.equal(r.series.values[50]! + r.series.values[51]!, values[50]! + values[51]!);
});

test('after the read-through point, missing intervals get forward estimates (E, prospective type 22, no reason)', () => {
  const values = day();
  const r = runVee({ series: gapOf(values, 80, 96), meter: meter(), history: history(28), readThrough: DAY + 80 * Q });
  const [e] = r.estimates;
  assert.equal(e!.quality, 'E');
  assert.equal(e!.methodFlag, METHOD.prospectiveAverageLikeDay);
  assert.equal(e!.reason, 0);
  assert.ok([...r.series.quality.subarray(80, 96)].every((q) => q === QUALITY.E));
  assert.ok([...r.series.reason.subarray(80, 96)].every((x) => x === 0));
});

test('missing intervals wholly inside a logged power outage are zero (S19, reason 43)', () => {
  const values = day();
  const events = [{ meterId: 'M1', at: DAY + 20 * Q - 60, code: 1 }, { meterId: 'M1', at: DAY + 24 * Q + 60, code: 2 }];
  const r = runVee({ series: gapOf(values, 20, 24), meter: meter(), events, history: history(28) });
  const [e] = r.estimates;
  assert.equal(e!.method, 'zero');
  assert.equal(e!.methodFlag, METHOD.zero);
  assert.equal(e!.reason, REASON.powerOutage);
  assert.deepEqual(e!.inputs.periods, [{ from: DAY + 20 * Q - 60, to: DAY + 24 * Q + 60, kind: 'outage' }]);
  assert.ok([...r.series.values.subarray(20, 24)].every((v) => v === 0));
  // The actual intervals the outage touches keep A and get reason 79.
  assert.equal(r.series.quality[19], QUALITY.A);
  assert.equal(r.series.reason[19], REASON.powerOutageAlarm);
});

test('a remote disconnection: missing import intervals inside it are zero with reason 6', () => {
  const events = [{ meterId: 'M1', at: DAY + 10 * Q, code: 62 }, { meterId: 'M1', at: DAY + 30 * Q, code: 63 }];
  const r = runVee({ series: gapOf(day(), 10, 30), meter: meter(), events });
  assert.equal(r.estimates[0]!.method, 'zero');
  assert.equal(r.estimates[0]!.reason, REASON.deEnergised);
});

test('voltage: a short gap is interpolated, a long one stays missing (no energy methods for sampled values)', () => {
  const v = Array.from({ length: 96 }, (_, i) => 230_000 + i * 10);
  const q = v.map((_, i) => (i >= 10 && i < 12) || (i >= 40 && i < 60) ? 'N' as const : 'A' as const);
  const r = runVee({ series: series(v, { channel: VOLTAGE, quality: q }), meter: meter(), history: history(28, DAY, () => 230_000, VOLTAGE) });
  assert.deepEqual([...r.series.values.subarray(10, 12)], [230_100, 230_110]);
  assert.ok([...r.series.quality.subarray(40, 60)].every((x) => x === QUALITY.N));
});

test('DST: a 92-interval local day takes its like days at the same local time, not the same UTC time', () => {
  const zone = 'Europe/Amsterdam';
  const localHour = (t: number): number => Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(t * 1000)));
  const dayStart = Date.UTC(2026, 2, 28, 23) / 1000; // Sunday 2026-03-29 00:00 CET; 23 h long
  const n = 92;
  const hist = [];
  for (let w = 1; w <= 4; w++) {
    const start = Date.UTC(2026, 2, 29 - 7 * w, 0) / 1000 - 86_400; // whole UTC days around the like days
    for (let d = 0; d < 2; d++) {
      const s0 = start + d * 86_400;
      hist.push(series(Array.from({ length: 96 }, (_, i) => 100 * localHour(s0 + i * Q)), { start: s0 }));
    }
  }
  const values = Array.from({ length: n }, (_, i) => 100 * localHour(dayStart + i * Q));
  const gapFrom = 72; // 72 quarter-hours after local midnight on a 23 h day: 19:00 local
  const q = values.map((_, i) => (i >= gapFrom && i < gapFrom + 12 ? 'N' as const : 'A' as const));
  const r = runVee({ series: series(values.map((v, i) => (q[i] === 'N' ? 0 : v)), { start: dayStart, quality: q }), meter: meter({ timeZone: zone }), history: hist });
  assert.equal(r.estimates[0]!.method, 'average-like-day');
  for (let i = gapFrom; i < gapFrom + 12; i++) assert.equal(r.series.values[i], values[i], `interval ${i} (local ${localHour(dayStart + i * Q)}:00)`);
});
