import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY } from '../../model/index.ts';
import { REASON } from '../codes.ts';
import { runVee } from '../engine.ts';
import type { RuleSet } from '../rule-set.ts';
import { CURRENT, DAY, EXPORT, FREQ, PF, Q, VOLTAGE, day, history, meter, register, series, sum } from '../vee.fixture.ts';

const only = (r: ReturnType<typeof runVee>, rule: string) => r.findings.filter((f) => f.rule === rule);
const H = 3600;

test('clock: a read finds the clock 30 min off: everything from the last good check to the next one is substituted (reason 89)', () => {
  const clockChecks = [{ at: DAY, deviationS: 2 }, { at: DAY + 6 * H, deviationS: -3 }, { at: DAY + 12 * H, deviationS: 1800 }, { at: DAY + 18 * H, deviationS: 1 }];
  const v = day();
  const r = runVee({ series: series(v), meter: meter(), clockChecks, registers: [register(DAY, 0), register(DAY + 86_400, sum(v))] });
  const [f] = only(r, 'clock');
  // Nothing says the clock was set right at 12:00, so it counts as wrong until the good check at 18:00.
  assert.deepEqual([f!.from, f!.to, f!.severity, f!.reason, f!.measured, f!.limit], [24, 72, 'error', REASON.timeReset, 1800, 60]);
  assert.ok([...r.series.quality.subarray(24, 72)].every((q) => q === QUALITY.S));
  assert.ok([...r.series.reason.subarray(24, 72)].every((x) => x === REASON.timeReset));
  assert.equal(r.series.quality[23], QUALITY.A);
  assert.equal(sum(r.series.values), sum(v)); // bounded by the registers
});

test('clock: an adjustment logged as events 4 (old time) and 5 (new time) beyond the tolerance', () => {
  const events = [{ meterId: 'M1', at: DAY + 10 * H + 600, code: 4 }, { meterId: 'M1', at: DAY + 10 * H, code: 5 }];
  const clockChecks = [{ at: DAY + 6 * H, deviationS: 0 }];
  const [f] = only(runVee({ series: series(day()), meter: meter(), events, clockChecks }), 'clock');
  assert.deepEqual([f!.from, f!.to, f!.measured], [24, 40, -600]);
});

test('clock: drift within the tolerance and small adjustments pass; "clock invalid" (event 6) does not', () => {
  const ok = runVee({
    series: series(day()), meter: meter(), clockChecks: [{ at: DAY + 6 * H, deviationS: 45 }],
    events: [{ meterId: 'M1', at: DAY + 7 * H + 20, code: 4 }, { meterId: 'M1', at: DAY + 7 * H, code: 5 }],
  });
  assert.equal(only(ok, 'clock').length, 0);
  const invalid = runVee({ series: series(day()), meter: meter(), events: [{ meterId: 'M1', at: DAY + 20 * H, code: 6 }] });
  assert.deepEqual([only(invalid, 'clock')[0]!.from, only(invalid, 'clock')[0]!.to], [80, 96]);
});

test('clock: without an earlier good check the span reaches back maxLookbackS', () => {
  const rs: RuleSet = { id: 't', version: 1, rules: { clock: { params: { maxLookbackS: 2 * H } } } };
  const [f] = only(runVee({ series: series(day()), meter: meter(), clockChecks: [{ at: DAY + 12 * H, deviationS: -900 }] }, { ruleSet: rs }), 'clock');
  assert.deepEqual([f!.from, f!.to], [40, 96]); // and, never corrected, to the end of the window
});

test('outside-installation: data before installation is reported (error) and left alone; gaps there are not estimated', () => {
  const v = day();
  const q = v.map((_, i) => (i < 4 ? 'N' as const : 'A' as const));
  const r = runVee({ series: series(v, { quality: q }), meter: meter({ installedAt: DAY + 10 * Q }), history: history(28) });
  const [f] = only(r, 'outside-installation');
  assert.deepEqual([f!.from, f!.to, f!.severity, f!.reason], [4, 10, 'error', REASON.meterChanged]);
  assert.equal(only(r, 'gap').length, 0);
  assert.ok([...r.series.quality.subarray(0, 4)].every((x) => x === QUALITY.N));
  assert.deepEqual([...r.series.values.subarray(4, 10)], v.slice(4, 10));
  const removed = runVee({ series: series(v), meter: meter({ removedAt: DAY + 90 * Q }) });
  assert.deepEqual([only(removed, 'outside-installation')[0]!.from, only(removed, 'outside-installation')[0]!.to], [90, 96]);
});

test('voltage: outside 0..2 × Un is implausible (substituted); outside EN 50160 195.5–253 V is info only', () => {
  const v = Array.from({ length: 96 }, () => 231_000);
  v[10] = 700_000;
  v[50] = 190_000;
  v[51] = 255_000;
  const r = runVee({ series: series(v, { channel: VOLTAGE }), meter: meter() });
  const fs = only(r, 'voltage');
  assert.deepEqual(fs.map((f) => [f.from, f.to, f.severity]), [[10, 11, 'error'], [50, 52, 'info']]);
  assert.equal(r.series.values[10], 231_000);
  assert.equal(r.series.quality[10], QUALITY.S);
  assert.equal(r.series.values[50], 190_000);
  assert.equal(r.series.quality[50], QUALITY.A);
});

test('voltage: zero during a logged outage is neither implausible nor an EN 50160 excursion', () => {
  const v = Array.from({ length: 96 }, (_, i) => (i >= 20 && i < 24 ? 0 : 231_000));
  const events = [{ meterId: 'M1', at: DAY + 20 * Q, code: 1 }, { meterId: 'M1', at: DAY + 24 * Q, code: 2 }];
  assert.equal(only(runVee({ series: series(v, { channel: VOLTAGE }), meter: meter(), events }), 'voltage').length, 0);
});

test('current, power factor and frequency: implausible values are invalidated', () => {
  const cur = runVee({ series: series([5000, 250_000, -1, 4000], { channel: CURRENT }), meter: meter() });
  assert.deepEqual(only(cur, 'current').map((f) => [f.from, f.to]), [[1, 3]]);
  const pf = runVee({ series: series([950, 1200, -980, -1001], { channel: PF }), meter: meter() });
  assert.deepEqual(only(pf, 'power-factor').map((f) => [f.from, f.to]), [[1, 2], [3, 4]]);
  const hz = runVee({ series: series([50_010, 49_990, 70_000, 50_000], { channel: FREQ }), meter: meter() });
  assert.deepEqual(only(hz, 'frequency').map((f) => [f.from, f.measured]), [[2, 70_000]]);
  assert.equal(hz.series.values[2], 49_995); // interpolated between its neighbours 49.990 and 50.000 Hz
});

test('export-no-generation: export on a meter without a generation tag is a warning (reason 39)', () => {
  const v = Array.from({ length: 96 }, (_, i) => (i >= 40 && i < 60 ? 100 : 0));
  const [f] = only(runVee({ series: series(v, { channel: EXPORT }), meter: meter({ tags: ['household'] }) }), 'export-no-generation');
  assert.deepEqual([f!.from, f!.to, f!.measured, f!.severity, f!.reason], [40, 60, 2000, 'warning', REASON.reverseEnergy]);
  assert.equal(only(runVee({ series: series(v, { channel: EXPORT }), meter: meter({ tags: ['household', 'pv'] }) }), 'export-no-generation').length, 0);
});

test('duplicate and conflicting versions against the stored one', () => {
  const v = day();
  const prior = series(v, { quality: v.map((_, i) => (i < 10 ? 'S' : 'A')) });
  const incoming = v.slice();
  incoming[50] = v[50]! + 7;
  const r = runVee({ series: series(incoming), meter: meter(), prior });
  assert.deepEqual(only(r, 'duplicate').map((f) => [f.from, f.to, f.severity]), [[10, 50, 'info'], [51, 96, 'info']]);
  const conflicts = only(r, 'conflicting-version');
  assert.deepEqual(conflicts.map((f) => [f.from, f.to, f.severity]), [[0, 10, 'info'], [50, 51, 'warning']]);
  assert.match(conflicts[0]!.message, /actual data replaces an estimate/);
  assert.equal(r.series.values[50], v[50]! + 7); // preferIncoming: the newer actual stands
  const keep: RuleSet = { id: 't', version: 1, rules: { 'conflicting-version': { params: { preferIncoming: false } } } };
  assert.equal(runVee({ series: series(incoming), meter: meter(), prior }, { ruleSet: keep }).series.values[50], v[50]);
});
